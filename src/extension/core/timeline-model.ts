// The Timeline view: recent activity grouped by local day ("Today", "Yesterday", dates) and then
// by file (terminal commands, selections without a file and notes grouped under their kind),
// newest first at every level, paged with a "Load more…" row that asks the daemon for the next
// `offset`. The rows are computed here without `vscode`; ui/ renders them.
//
// It is drawn from the daemon without polling: TimelinePager refetches when a status event shows
// that captures were stored (coalesced: a burst of saves is one refetch), when told (Refresh, a
// Forget), and only while the view is visible; a hidden view remembers it is out of date.
//
// With a shared store configured (storeUrl) that cannot be reached, the daemon answers from this
// machine's store with a note; the Timeline shows it as its first row, as the Recall quick pick
// does, so a list missing the other machines' memories says so. When it answers, other machines'
// memories are labelled `on <machine>` and told apart by machine and id (memory-ref.ts): two
// machines' memory 12 are two rows, each opening its own machine's memory.
import type { Clock } from '../../shared/clock';
import { Emitter } from '../../shared/event';
import { DisposableStore, type Disposable } from '../../shared/lifecycle';
import type { MemoryKind, RecallAnswer, RecallHit } from '../../shared/protocol';
import type { Counters } from '../../shared/status';
import { Debouncer } from './batcher';
import { machineLabel, memoryKey, memoryRef } from './memory-ref';
import { splitRecallNote } from './recall-text';
import { dayLabel, formatClock, localDayKey } from './relative-time';
import type { TreeNodeModel } from './tree-model';
import { errorMessage } from '../../shared/error-message';

export const TIMELINE_LOAD_MORE = 'dormouse.timelineLoadMore';

export interface TimelineInput {
  /** Newest first, as the daemon lists them. */
  hits: readonly RecallHit[];
  /** The last page was full: there may be more. */
  hasMore: boolean;
  loading: boolean;
  /** The last fetch failed (shown as a row; the old rows stay). */
  error: string | null;
  /** Why the rows shown may be this machine's only (the daemon's recall note); null when complete. */
  note: string | null;
  /** Nothing fetched yet (daemon not connected, view never shown). */
  loaded: boolean;
  now: number;
  /** How a file's folder is shown (the window makes it workspace-relative); default as is. */
  displayDir?: (dir: string) => string;
}

const KIND_GROUPS: Record<Exclude<MemoryKind, 'file'>, { label: string; icon: string }> = {
  terminal: { label: 'Terminal commands', icon: 'terminal' },
  selection: { label: 'Selections', icon: 'selection' },
  text: { label: 'Notes', icon: 'note' },
};

/** The group a memory falls in within its day: its file, or its kind when it has none (terminal: the cwd is not "a file"). */
function groupOf(hit: RecallHit, displayDir: (dir: string) => string): { key: string; label: string; description?: string; icon: string; path?: string } {
  if (hit.kind === 'terminal' || hit.kind === 'text' || !hit.path) {
    const g = KIND_GROUPS[hit.kind === 'file' ? 'text' : hit.kind];
    return { key: `kind:${hit.kind}`, label: g.label, icon: g.icon };
  }
  const { name, dir } = splitPath(hit.path);
  const shown = dir ? displayDir(dir) : '';
  return { key: `file:${hit.path}`, label: name, ...(shown ? { description: shown } : {}), icon: 'file', path: hit.path };
}

function splitPath(path: string): { name: string; dir: string } {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? { name: path, dir: '' } : { name: path.slice(cut + 1), dir: path.slice(0, cut) };
}

export function buildTimeline(input: TimelineInput): TreeNodeModel[] {
  if (!input.loaded) {
    return [{ id: 'timeline/loading', label: input.error ? `Could not load: ${input.error}` : 'Loading…', icon: input.error ? 'warning' : 'loading~spin' }];
  }
  const days: TreeNodeModel[] = [];
  const dayIndex = new Map<string, { node: TreeNodeModel; groups: Map<string, TreeNodeModel> }>();
  for (const hit of input.hits) {
    const at = Date.parse(hit.capturedAt);
    const key = localDayKey(at);
    let day = dayIndex.get(key);
    if (!day) {
      // The newest day opens with its groups open: what the user did today is one glance away.
      const node: TreeNodeModel = { id: `timeline/${key}`, label: dayLabel(at, input.now), icon: 'calendar', expanded: days.length === 0, children: [] };
      day = { node, groups: new Map() };
      dayIndex.set(key, day);
      days.push(node);
    }
    const g = groupOf(hit, input.displayDir ?? ((d) => d));
    let group = day.groups.get(g.key);
    if (!group) {
      group = {
        id: `${day.node.id}/${g.key}`,
        label: g.label,
        ...(g.description ? { description: g.description, tooltip: g.path } : {}),
        icon: g.icon,
        expanded: day.node.expanded === true,
        ...(g.path ? { contextValue: 'dormouse.timeline.file', memoryPath: g.path } : {}),
        children: [],
      };
      day.groups.set(g.key, group);
      day.node.children!.push(group);
    }
    group.children!.push(timelineMemoryNode(group.id, hit, at));
  }
  for (const day of days) {
    const count = day.children!.reduce((n, g) => n + g.children!.length, 0);
    day.description = `${count} ${count === 1 ? 'memory' : 'memories'}`;
    for (const g of day.children!) if (!g.description) g.description = String(g.children!.length);
  }
  const rows: TreeNodeModel[] = input.note ? [timelineNoteNode(input.note), ...days] : days;
  if (days.length === 0 && !input.loading) rows.push({ id: 'timeline/empty', label: input.error ? `Could not load: ${input.error}` : 'No memories yet', icon: input.error ? 'warning' : 'info' });
  else if (input.error) rows.push({ id: 'timeline/error', label: `Could not load more: ${input.error}`, icon: 'warning' });
  if (input.loading) rows.push({ id: 'timeline/loading', label: 'Loading…', icon: 'loading~spin' });
  else if (input.hasMore) rows.push({ id: 'timeline/more', label: 'Load more…', icon: 'ellipsis', command: { command: TIMELINE_LOAD_MORE, title: 'Load more', args: [] } });
  return rows;
}

/** The partial-answer note: its first clause as the label, the reason beside it, all of it on hover. */
function timelineNoteNode(note: string): TreeNodeModel {
  const { head, reason } = splitRecallNote(note);
  return { id: 'timeline/note', label: head, ...(reason ? { description: reason } : {}), tooltip: note, icon: 'warning', tone: 'warning' };
}

function timelineMemoryNode(parent: string, hit: RecallHit, at: number): TreeNodeModel {
  const clock = formatClock(at);
  const exit = hit.kind === 'terminal' && hit.exitCode !== undefined && hit.exitCode !== null ? ` · exit ${hit.exitCode}` : '';
  const ref = memoryRef(hit);
  const machine = machineLabel(ref);
  // Under a file every row is that file: the time is what tells them apart. Elsewhere the title is.
  const label = hit.kind === 'file' ? clock : hit.title;
  const description = [...(hit.kind === 'file' ? [] : [`${clock}${exit}`]), ...(machine ? [machine] : [])].join(' · ');
  return {
    id: `${parent}/${memoryKey(ref)}`,
    label,
    ...(description ? { description } : {}),
    tooltip: `${hit.title}\n${new Date(at).toLocaleString()}${hit.path ? `\n${hit.path}` : ''}${ref.machineId !== undefined ? `\ncaptured on ${ref.machineId}` : ''}`,
    icon: hit.kind === 'file' ? 'history' : hit.kind === 'terminal' ? (hit.exitCode ? 'error' : 'terminal') : hit.kind === 'selection' ? 'selection' : 'note',
    ...(hit.kind === 'terminal' && hit.exitCode ? { tone: 'error' as const } : {}),
    contextValue: `dormouse.memory.${hit.kind}`,
    memoryId: hit.id,
    ...(ref.machineId !== undefined ? { memoryMachineId: ref.machineId } : {}),
    ...(hit.path ? { memoryPath: hit.path } : {}),
    command: { command: 'dormouse.openMemory', title: 'Open memory', args: [ref] },
  };
}

// ---- paging and refreshing ----

export interface TimelinePagerOptions {
  clock: Clock;
  /** One page of the newest memories (recallWithNote with an empty query). */
  fetch(offset: number, limit: number): Promise<RecallAnswer>;
  pageSize?: number;
  /** Quiet time before a status-triggered refetch (a burst of saves is one). Default 500 ms. */
  coalesceMs?: number;
  /** False while the daemon is not connected: a fetch then would only fail; the view stays out of date until invalidate(). */
  canFetch?: () => boolean;
}

/** The daemon's `recall` takes at most this many per request. */
const MAX_LIMIT = 200;

export class TimelinePager implements Disposable {
  private readonly store = new DisposableStore();
  private readonly debouncer: Debouncer<'refresh'>;
  private readonly changed = this.store.add(new Emitter<void>());
  readonly onDidChange = this.changed.event;
  private hits: RecallHit[] = [];
  private full = false;
  private loading = false;
  private error: string | null = null;
  private note: string | null = null;
  private loaded = false;
  private visible = false;
  private stale = true;
  private lastStored: number | null = null;
  /** Operations run one after another: a "Load more" never interleaves with a refetch. */
  private chain: Promise<void> = Promise.resolve();
  private readonly pageSize: number;

  constructor(private readonly opts: TimelinePagerOptions) {
    this.pageSize = Math.min(opts.pageSize ?? 50, MAX_LIMIT);
    this.debouncer = this.store.add(new Debouncer<'refresh'>({ clock: opts.clock, delayMs: opts.coalesceMs ?? 500 }));
  }

  input(now: number, displayDir?: (dir: string) => string): TimelineInput {
    return {
      hits: this.hits, hasMore: this.full, loading: this.loading, error: this.error, note: this.note, loaded: this.loaded, now,
      ...(displayDir ? { displayDir } : {}),
    };
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.stale) void this.refresh();
  }

  /**
   * A status arrived: captures stored changed (or this is the first status of a connection, e.g.
   * a daemon restarted with other data) → refetch, coalesced. Other status changes are ignored.
   */
  onStatus(capturesStored: number): void {
    if (this.lastStored === capturesStored) return;
    this.lastStored = capturesStored;
    this.invalidate();
  }

  /** Out of date (a Forget, a reconnection): refetch soon if visible, else when shown. */
  invalidate(): void {
    this.stale = true;
    if (this.visible) this.debouncer.run('refresh', () => void this.refresh());
  }

  /** Refetch what is shown now (at least one page) from the newest. */
  refresh(): Promise<void> {
    this.debouncer.cancel('refresh');
    if (this.opts.canFetch && !this.opts.canFetch()) {
      this.stale = true;
      return this.chain;
    }
    this.stale = false;
    // As many rows as are shown (after Load more…, several requests of at most MAX_LIMIT), so a
    // refresh never shrinks the list the user scrolled through.
    const want = Math.max(this.pageSize, this.hits.length);
    return this.enqueue(async () => {
      const rows: RecallHit[] = [];
      const seen = new Set<string>();
      let full = true;
      // One partial page makes the list partial: the first note found is kept.
      let note: string | null = null;
      while (rows.length < want) {
        const n = Math.min(MAX_LIMIT, want - rows.length);
        const page = await this.opts.fetch(rows.length, n);
        note ??= page.note;
        for (const h of page.hits) {
          const key = memoryKey(memoryRef(h));
          if (!seen.has(key) && seen.add(key)) rows.push(h);
        }
        if (page.hits.length < n) {
          full = false;
          break;
        }
      }
      this.hits = rows;
      this.full = full;
      this.note = note;
    });
  }

  /** The next page after what is shown. */
  loadMore(): Promise<void> {
    return this.enqueue(async () => {
      const page = await this.opts.fetch(this.hits.length, this.pageSize);
      // A memory stored meanwhile shifts offsets by one: skip what is already shown.
      const seen = new Set(this.hits.map((h) => memoryKey(memoryRef(h))));
      this.hits = [...this.hits, ...page.hits.filter((h) => !seen.has(memoryKey(memoryRef(h))))];
      this.full = page.hits.length >= this.pageSize;
      // The rows already shown stay as partial as they were: only a refresh clears the note.
      this.note ??= page.note;
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = async () => {
      this.loading = true;
      this.changed.fire();
      try {
        await work();
        this.error = null;
        this.loaded = true;
      } catch (error) {
        this.error = errorMessage(error);
        // A failed fetch leaves the view out of date: the next status or show tries again.
        this.stale = true;
      } finally {
        this.loading = false;
        this.changed.fire();
      }
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }

  dispose(): void {
    this.store.dispose();
  }
}

/**
 * A number that changes whenever the daemon's set of memories changes (stored, forgotten or
 * imported, by this window or any other client): the Timeline refetches when it moves.
 */
export function memoryRevision(counters: Pick<Counters, 'capturesStored' | 'memoriesForgotten' | 'memoriesImported'>): number {
  // ?? 0: a daemon of an older version (still running during an upgrade) lacks the two counters.
  return counters.capturesStored + (counters.memoriesForgotten ?? 0) + (counters.memoriesImported ?? 0);
}
