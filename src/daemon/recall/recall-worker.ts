// Computes related memories for a file (recall jobs). Identical concurrent requests - the same
// path at the same snapshot - share one computation; the last results are kept in a small LRU so
// the extension can show them without another query (`cached(path)`).
import type { Logger } from '../../shared/logger';
import type { RecallPayload, RelatedMemories } from '../../shared/protocol';
import type { Clock } from '../../shared/clock';
import { SingleFlight } from '../scheduling/single-flight';
import type { MemoryStore } from '../store/memory-store';
import type { SqlDatabase } from '../store/sql';
import { fileHistory, relatedMemories } from './related';

const RELATED_CACHE_SIZE = 64;
const DEFAULT_LIMIT = 10;

export interface RecallWorkerOptions {
  db: SqlDatabase;
  store: MemoryStore;
  clock: Clock;
  log: Logger;
  cacheSize?: number;
}

export class RecallWorker {
  private readonly flights = new SingleFlight<string, RelatedMemories>();
  /** Map iteration order is insertion order: re-inserting on use makes the first key the LRU. */
  private readonly lru = new Map<string, RelatedMemories>();
  private readonly cacheSize: number;

  constructor(private readonly opts: RecallWorkerOptions) {
    this.cacheSize = opts.cacheSize ?? RELATED_CACHE_SIZE;
  }

  async handle(payload: RecallPayload): Promise<RelatedMemories> {
    const { path } = payload;
    const limit = payload.limit ?? DEFAULT_LIMIT;
    const latest = this.opts.store.latestContentForPath(path);
    // The snapshot hash is in the key: a request for a newer snapshot never joins a stale flight.
    const key = `${path}\0${latest?.contentHash ?? '-'}\0${limit}`;
    const result = await this.flights.run(key, async () => {
      const started = this.opts.clock.monotonicNow();
      const history = fileHistory(this.opts.store, path);
      const related = relatedMemories(this.opts.db, { path, content: latest?.content ?? null, limit, now: this.opts.clock.now(), history });
      this.opts.log.debug(`related ${path}: ${related.hits.length} hit(s) in ${Math.round(this.opts.clock.monotonicNow() - started)} ms`);
      return related;
    });
    this.remember(path, result);
    return result;
  }

  /** The last related memories computed for a path, if still cached. */
  cached(path: string): RelatedMemories | undefined {
    const hit = this.lru.get(path);
    if (hit) {
      this.lru.delete(path);
      this.lru.set(path, hit);
    }
    return hit;
  }

  private remember(path: string, result: RelatedMemories): void {
    this.lru.delete(path);
    this.lru.set(path, result);
    while (this.lru.size > this.cacheSize) {
      const oldest = this.lru.keys().next().value;
      if (oldest === undefined) break;
      this.lru.delete(oldest);
    }
  }
}
