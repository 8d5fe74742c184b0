// Focus on a file → (debounced) a recall job for it → the daemon's `related` event → the Recall
// section of the tree. Only the latest active file counts: an answer for a file the user already
// left is ignored. The job's dedupe key is the path, so quick back-and-forth queues one job.
import type { Clock } from '../../shared/clock';
import type { Event } from '../../shared/event';
import { Emitter } from '../../shared/event';
import { DisposableStore, type Disposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import type { JobInput, RelatedMemories } from '../../shared/protocol';
import { Debouncer } from '../core/batcher';
import type { RecallSection } from '../core/tree-model';
import { errorMessage } from '../../shared/error-message';

const RECENT_FILES = 20;

export interface RelatedRecallOptions {
  clock: Clock;
  log: Logger;
  debounceMs?: number;
  enqueue(jobs: JobInput[]): Promise<void>;
  onRelated: Event<RelatedMemories>;
}

export class RelatedRecall implements Disposable {
  private readonly store = new DisposableStore();
  private readonly debouncer: Debouncer<'focus'>;
  private activePath: string | null = null;
  private readonly recent = new Map<string, Pick<RecallSection, 'hits' | 'history'>>();
  private section: RecallSection | null = null;
  private readonly changed = this.store.add(new Emitter<RecallSection | null>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly opts: RelatedRecallOptions) {
    this.debouncer = this.store.add(new Debouncer<'focus'>({ clock: opts.clock, delayMs: opts.debounceMs ?? 400 }));
    this.store.add(opts.onRelated((related) => this.onRelated(related)));
  }

  get current(): RecallSection | null {
    return this.section;
  }

  /** The active editor changed: `path` is its file, or null for none / not a file. */
  focus(path: string | null): void {
    if (path === this.activePath) return;
    this.activePath = path;
    if (path === null) {
      this.debouncer.cancel('focus');
      this.set(null);
      return;
    }
    // Coming back to a file shows what it had while the fresh answer is computed.
    const known = this.recent.get(path);
    this.set({ path, hits: known?.hits ?? [], history: known?.history ?? [], pending: true });
    this.debouncer.run('focus', () => void this.request(path));
  }

  /** After a reconnection, ask again for the file in focus. */
  refresh(): void {
    if (this.activePath) void this.request(this.activePath);
  }

  private async request(path: string): Promise<void> {
    try {
      await this.opts.enqueue([{ kind: 'recall', payload: { path, limit: 20 }, dedupeKey: `recall:${path}` }]);
    } catch (error) {
      this.opts.log.debug(`recall for ${path} not sent: ${errorMessage(error)}`);
      if (this.activePath === path && this.section) this.set({ ...this.section, pending: false });
    }
  }

  private onRelated(related: RelatedMemories): void {
    this.remember(related);
    if (related.path !== this.activePath) return;
    this.set({ path: related.path, hits: related.hits, history: related.history ?? [], pending: false });
  }

  /** The last answers per file, most recent last (a Map keeps insertion order). */
  private remember(related: RelatedMemories): void {
    this.recent.delete(related.path);
    this.recent.set(related.path, { hits: related.hits, history: related.history ?? [] });
    if (this.recent.size > RECENT_FILES) this.recent.delete(this.recent.keys().next().value!);
  }

  private set(section: RecallSection | null): void {
    this.section = section;
    this.changed.fire(section);
  }

  dispose(): void {
    this.store.dispose();
  }
}
