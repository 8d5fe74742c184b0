// The tree view's rows, computed from the daemon's status without `vscode`, so the mapping is
// unit tested plainly; ui/daemon-tree.ts only turns these into TreeItems. Sections: Daemon,
// Loops, Queue, Recall. An empty root (daemon not connected) lets the view's welcome content show.
import type { RecallHit } from '../../shared/protocol';
import type { DaemonStatus, LoopStatus } from '../../shared/status';
import { formatAgo, formatIn, formatSinceClock } from './duration';
import type { SupervisorState } from './supervisor-state';
import { storeProblem } from '../../shared/store-status';

export interface TreeNodeModel {
  /** Stable across refreshes, so VS Code keeps expansion state. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id, e.g. "pulse". */
  icon?: string;
  /** 'error' / 'warning' colour the icon. */
  tone?: 'error' | 'warning';
  contextValue?: string;
  /** Memory rows: the memory's id (context-menu commands receive the node). */
  memoryId?: number;
  /** Memory rows of another machine's memory (a shared store's hit): its machine; memoryId is its id there. */
  memoryMachineId?: string;
  /** Memory rows and file groups: the file (Forget every memory of this file, Restore). */
  memoryPath?: string;
  children?: TreeNodeModel[];
  /** Start expanded (sections and recall groups). */
  expanded?: boolean;
  /** Run on click. */
  command?: { command: string; title: string; args: unknown[] };
}

export interface RecallSection {
  /** The active file the hits are for. */
  path: string;
  /** Memories of other files that share its terms. */
  hits: RecallHit[];
  /** Its own earlier snapshots, newest first. */
  history: RecallHit[];
  /** True while a recall job for this path is in flight. */
  pending: boolean;
}

export interface TreeInput {
  supervisor: SupervisorState;
  status: DaemonStatus | null;
  recall: RecallSection | null;
  /** Wall ms. */
  now: number;
  /**
   * How long ago the status arrived (ms). A hibernating daemon is not probed and sends nothing,
   * so its uptime counts on from the last status instead of standing still.
   */
  statusAgeMs?: number;
}

export function buildTree(input: TreeInput): TreeNodeModel[] {
  const { status } = input;
  if (!status || input.supervisor === 'stopped' || input.supervisor === 'stopping' || input.supervisor === 'given-up') return [];
  return [daemonSection(input, status), loopsSection(status, input.now), queueSection(status, input.now), recallSection(input)];
}

function daemonSection(input: TreeInput, s: DaemonStatus): TreeNodeModel {
  const stateText = input.supervisor === 'running' ? s.state.replace('-', ' ') : `${input.supervisor} (last seen ${s.state})`;
  const problems = s.health.pollStale ? 'error' : s.health.stuckQueue ? 'warning' : undefined;
  return {
    id: 'daemon',
    label: 'Daemon',
    description: stateText,
    icon: 'server-process',
    ...(problems ? { tone: problems } : {}),
    children: [
      { id: 'daemon/state', label: 'State', description: stateText, icon: stateIcon(s.state) },
      { id: 'daemon/pid', label: 'PID', description: String(s.pid), icon: 'symbol-number' },
      { id: 'daemon/uptime', label: 'Uptime', description: formatUptime(s.uptimeMs + Math.max(0, input.statusAgeMs ?? 0)), icon: 'clock' },
      { id: 'daemon/version', label: 'Version', description: s.version, icon: 'versions' },
      { id: 'daemon/clients', label: 'Clients', description: String(s.clients), icon: 'window' },
      { id: 'daemon/sql', label: 'SQL statements', description: String(s.counters.sqlStatements), icon: 'database',
        tooltip: 'Statements run since the daemon started. While hibernating this stops moving.' },
      { id: 'daemon/timers', label: 'Timers armed', description: String(s.counters.timersArmed), icon: 'watch' },
      { id: 'daemon/data', label: 'Data folder', description: s.dataDir, tooltip: s.dataDir, icon: 'folder' },
      ...(s.database.lastRepair
        ? [{ id: 'daemon/repair', label: s.database.lastRepair.kind === 'rebuilt' ? 'Database repaired' : 'Database salvaged',
            description: `${s.database.lastRepair.saved.memories} saved, ${s.database.lastRepair.lost.memories ?? 'unknown'} lost`,
            tooltip: `${s.database.lastRepair.found}${s.database.lastRepair.movedTo ? `\nThe damaged file is kept at ${s.database.lastRepair.movedTo}` : ''}`,
            icon: 'warning', tone: 'warning' as const }]
        : s.database.quarantined
          ? [{ id: 'daemon/quarantine', label: 'Database was corrupt', description: `moved to ${s.database.quarantined.movedTo}`,
              tooltip: s.database.quarantined.reason, icon: 'warning', tone: 'warning' as const }]
          : []),
      ...(s.diskFull
        ? [{ id: 'daemon/disk-full', label: 'Disk full', description: 'captures refused', tooltip: s.diskFull.message, icon: 'error', tone: 'error' as const }]
        : []),
      ...(s.dataDirWarning
        ? [{ id: 'daemon/data-dir', label: 'Data dir open to others', description: s.dataDirWarning, tooltip: s.dataDirWarning, icon: 'warning', tone: 'warning' as const }]
        : []),
      // The shared store (storeUrl): captures stay local and wait while it cannot be reached or has no schema.
      ...sharedStoreRows(s, input.now),
      ...(s.pendingRestart.length > 0
        ? [{ id: 'daemon/pending', label: 'Restart needed', description: s.pendingRestart.join(', '), icon: 'debug-restart' }]
        : []),
    ],
  };
}

function sharedStoreRows(s: DaemonStatus, now: number): TreeNodeModel[] {
  const problem = s.store ? storeProblem(s.store, (iso) => formatSinceClock(Date.parse(iso), now)) : null;
  if (!s.store || !problem) return [];
  const label = problem.label.charAt(0).toUpperCase() + problem.label.slice(1);
  return [{ id: 'daemon/shared-store', label, description: `${s.store.backlog} waiting`, tooltip: problem.sentence, icon: 'warning', tone: 'warning' }];
}

function loopsSection(s: DaemonStatus, now: number): TreeNodeModel {
  const stale = s.loops.filter((l) => l.stale).length;
  return {
    id: 'loops',
    label: 'Loops',
    description: stale > 0 ? `${stale} stale` : `${s.loops.length}`,
    icon: 'sync',
    ...(stale > 0 ? { tone: 'error' as const } : {}),
    children: s.loops.map((loop) => loopNode(loop, now)),
  };
}

function loopNode(loop: LoopStatus, now: number): TreeNodeModel {
  const id = `loops/${loop.name}`;
  return {
    id,
    label: loop.name,
    description: loop.stale ? `stale (${loop.state})` : loop.state.replace('-', ' '),
    icon: loop.stale ? 'error' : loopIcon(loop),
    ...(loop.stale ? { tone: 'error' as const } : {}),
    tooltip: loop.stale ? 'A tick has been in flight (or a poll overdue) past the stale threshold. Shown, not killed.' : undefined,
    children: [
      { id: `${id}/started`, label: 'Last poll started', description: when(loop.lastPollStartedAt, now) },
      { id: `${id}/completed`, label: 'Last poll completed', description: when(loop.lastPollCompletedAt, now) },
      { id: `${id}/next`, label: 'Next poll', description: loop.state === 'suspended' ? 'on wake' : whenNext(loop.nextPollAt, now) },
      { id: `${id}/interval`, label: 'Interval', description: `${loop.intervalMs} ms` },
      { id: `${id}/polls`, label: 'Polls', description: String(loop.polls) },
      { id: `${id}/stale`, label: 'Stale', description: loop.stale ? 'yes' : 'no' },
    ],
  };
}

function queueSection(s: DaemonStatus, now: number): TreeNodeModel {
  const q = s.queue;
  const stuck = s.health.stuckQueue;
  return {
    id: 'queue',
    label: 'Queue',
    description: stuck ? `stuck, ${q.queued} queued` : `${q.queued} queued, ${q.leased} running`,
    icon: 'list-ordered',
    ...(stuck ? { tone: 'warning' as const } : {}),
    children: [
      { id: 'queue/queued', label: 'Queued', description: String(q.queued) },
      { id: 'queue/leased', label: 'Leased', description: String(q.leased) },
      { id: 'queue/retrying', label: 'Retrying', description: String(q.retrying) },
      { id: 'queue/dead', label: 'Dead', description: String(q.dead), ...(q.dead > 0 ? { icon: 'warning' } : {}) },
      { id: 'queue/done', label: 'Done', description: String(q.done) },
      {
        id: 'queue/stuck',
        label: 'Stuck since',
        description: s.health.stuckSince ? when(s.health.stuckSince, now) : 'not stuck',
        ...(stuck ? { icon: 'warning', tone: 'warning' as const } : {}),
      },
    ],
  };
}

function recallSection(input: TreeInput): TreeNodeModel {
  const r = input.recall;
  if (!r) return { id: 'recall', label: 'Recall', description: 'open a file', icon: 'history', children: [] };
  const name = r.path.split(/[\\/]/).pop() ?? r.path;
  const total = r.history.length + r.hits.length;
  const children: TreeNodeModel[] = [];
  if (r.history.length > 0) {
    children.push({
      id: 'recall/history',
      label: 'Earlier versions',
      description: String(r.history.length),
      icon: 'history',
      expanded: true,
      children: r.history.map((hit) => memoryNode('recall/history', hit, input.now, 'file-code')),
    });
  }
  if (r.hits.length > 0) {
    children.push({
      id: 'recall/related',
      label: 'Related',
      description: String(r.hits.length),
      icon: 'references',
      expanded: true,
      children: r.hits.map((hit) => memoryNode('recall/related', hit, input.now, kindIcon(hit.kind))),
    });
  }
  if (children.length === 0) children.push({ id: 'recall/none', label: r.pending ? 'Searching…' : 'No memories of this file yet' });
  return {
    id: 'recall',
    label: 'Recall',
    description: r.pending ? `${name} (searching…)` : `${name}: ${total}`,
    icon: 'history',
    children,
  };
}

function memoryNode(parent: string, hit: RecallHit, now: number, icon: string): TreeNodeModel {
  return {
    id: `${parent}/${hit.id}`,
    label: hit.title,
    description: `${hit.kind} · ${formatAgo(now - Date.parse(hit.capturedAt))}`,
    ...(hit.snippet ? { tooltip: hit.snippet } : {}),
    icon,
    contextValue: `dormouse.memory.${hit.kind}`,
    memoryId: hit.id,
    ...(hit.path ? { memoryPath: hit.path } : {}),
    command: { command: 'dormouse.openMemory', title: 'Open memory', args: [hit.id] },
  };
}

function when(iso: string | null, now: number): string {
  if (!iso) return 'never';
  return formatAgo(now - Date.parse(iso));
}

function whenNext(iso: string | null, now: number): string {
  if (!iso) return 'none';
  const ms = Date.parse(iso) - now;
  return ms <= 0 ? 'due' : formatIn(ms);
}

export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

function stateIcon(state: DaemonStatus['state']): string {
  return state === 'hibernating' ? 'debug-pause' : state === 'backing-off' ? 'watch' : 'eye';
}

function loopIcon(loop: LoopStatus): string {
  if (loop.inFlight) return 'sync~spin';
  return loop.state === 'suspended' ? 'debug-pause' : loop.state === 'backing-off' ? 'watch' : loop.state === 'stopped' ? 'circle-slash' : 'play';
}

function kindIcon(kind: RecallHit['kind']): string {
  return kind === 'file' ? 'file' : kind === 'selection' ? 'selection' : kind === 'terminal' ? 'terminal' : 'note';
}
