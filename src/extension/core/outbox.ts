// The fail-open capture buffer. The extension host never waits for the daemon: captures are
// pushed here synchronously, and drained to the daemon whenever it is connected. While it is
// down or restarting they wait, nothing lost, nothing sent twice, memory bounded: past the
// memory bounds the oldest entries move to a JSONL spill file in the extension's storage, which
// also carries them across a window reload (dispose writes what is still in memory to it).
//
// One FIFO, split in two: the spill file holds the oldest entries, memory the newest, so a drain
// sends the file first. An entry leaves only after `send` resolved for its batch.
import { randomUUID } from 'node:crypto';
import { Emitter, type Event } from '../../shared/event';
import type { Disposable } from '../../shared/lifecycle';
import type { JobInput } from '../../shared/protocol';
import { SpillFile } from './spill-file';
import { yieldTurn } from '../../shared/yield-turn';

export interface OutboxOptions {
  /** JSONL file (in the extension's globalStorage); its folder may not exist yet. */
  spillFile: string;
  /**
   * Default 5,000: a "Save All" of a few thousand files waits in memory while it is sent, instead
   * of one synchronous append to the spill file per save on the extension host. The byte bound
   * below keeps memory small whatever the count (a file capture carries a path, not its content).
   */
  maxMemoryEntries?: number;
  /** Default 4 MiB (JSON length of entries). */
  maxMemoryBytes?: number;
  /** Default 64 MiB; beyond it new entries are refused and counted in `dropped` (loudly: onDidDrop event). */
  maxSpillBytes?: number;
  /** Default crypto.randomUUID. */
  newId?: () => string;
}

export interface OutboxStats {
  memory: number;
  spilled: number;
  dropped: number;
}

interface MemoryEntry {
  job: JobInput;
  /** The job as JSON, as it would be spilled. */
  line: string;
  /** Set when the entry moved to the spill file (possibly while its batch was being sent). */
  spilledBytes: number | null;
}

const MiB = 1024 * 1024;

export class Outbox implements Disposable {
  private readonly file: SpillFile;
  private readonly maxMemoryEntries: number;
  private readonly maxMemoryBytes: number;
  private readonly maxSpillBytes: number;
  private readonly newId: () => string;
  private memory: MemoryEntry[] = [];
  private memoryChars = 0;
  private droppedCount = 0;
  private running: Promise<{ sent: number }> | null = null;
  private disposed = false;
  private readonly dropEmitter = new Emitter<{ dropped: number }>();
  /** Fires for every entry refused because the spill file is full; `dropped` is the total so far. */
  readonly onDidDrop: Event<{ dropped: number }> = this.dropEmitter.event;

  constructor(opts: OutboxOptions) {
    this.maxMemoryEntries = opts.maxMemoryEntries ?? 5_000;
    this.maxMemoryBytes = opts.maxMemoryBytes ?? 4 * MiB;
    this.maxSpillBytes = opts.maxSpillBytes ?? 64 * MiB;
    this.newId = opts.newId ?? randomUUID;
    // A file left by a previous session (or a crash) is counted now and read batch by batch.
    this.file = new SpillFile(opts.spillFile);
  }

  get stats(): OutboxStats {
    return { memory: this.memory.length, spilled: this.file.count, dropped: this.droppedCount };
  }

  get isEmpty(): boolean {
    return this.memory.length === 0 && this.file.count === 0;
  }

  /** Spill lines found corrupt and set aside to `<spillFile>.corrupt`. */
  get corrupt(): number {
    return this.file.corrupt;
  }

  /** Adds a capture job; gives it dedupeKey = a fresh id when it has none (the daemon drops a waiting job with the same kind+dedupeKey, so a replay after a lost ack is not doubled). Synchronous; spills the oldest memory entries to the file (appendFileSync) when over the memory bounds. */
  push(job: JobInput): void {
    const keyed: JobInput = job.dedupeKey ? job : { ...job, dedupeKey: this.newId() };
    const entry: MemoryEntry = { job: keyed, line: JSON.stringify(keyed), spilledBytes: null };
    if (this.disposed) {
      // Closing: memory is gone already, so straight to the file the next session replays.
      this.spill([entry]);
      return;
    }

    // How many of the oldest (the new entry last) must move to the file to fit the bounds.
    const queue = [...this.memory, entry];
    let count = queue.length;
    let chars = this.memoryChars + entry.line.length;
    let spillCount = 0;
    while (spillCount < queue.length && (count > this.maxMemoryEntries || chars > this.maxMemoryBytes)) {
      chars -= queue[spillCount]!.line.length;
      count--;
      spillCount++;
    }
    if (spillCount > 0 && !this.spill(queue.slice(0, spillCount))) return;
    this.memory = queue.slice(spillCount);
    this.memoryChars = chars;
  }

  /** Sends everything, oldest first (spilled entries before memory ones), in batches of `batchSize` (default 100) via `send`. An entry is removed only after `send` resolves for its batch; if `send` rejects, the remaining entries stay (in order) and drain rejects with that error. Only one drain runs at a time: a second call while one runs returns the running one's promise, and entries pushed during a drain are sent by it before it resolves. Removing sent spilled entries rewrites the spill file atomically (write temp + rename) or deletes it when empty. */
  drain(send: (jobs: JobInput[]) => Promise<void>, opts: { batchSize?: number } = {}): Promise<{ sent: number }> {
    if (this.running) return this.running;
    const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 100));
    this.running = this.drainAll(send, batchSize).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Moves every entry still in memory to the spill file now: the window is closing and the file
   * outlives the extension host. Entries stay sendable (a drain still running sends them from the file).
   */
  persist(): void {
    if (this.disposed || this.memory.length === 0) return;
    const left = this.memory;
    this.memory = [];
    this.memoryChars = 0;
    // Over maxSpillBytes if need be: memory is bounded, and losing it at a reload is worse.
    this.spill(left, { ignoreBound: true });
  }

  /** Writes what is still in memory to the spill file, so the next session replays it. */
  dispose(): void {
    if (this.disposed) return;
    this.persist();
    this.disposed = true;
    try {
      this.file.compact();
    } catch {
      // A removed head not compacted is replayed next session and dropped by dedupeKey.
    }
    this.dropEmitter.dispose();
  }

  private async drainAll(send: (jobs: JobInput[]) => Promise<void>, batchSize: number): Promise<{ sent: number }> {
    let sent = 0;
    while (!this.disposed) {
      if (this.file.bytes > 0) {
        const batch = this.file.readBatch(batchSize);
        if (batch.jobs.length > 0) {
          await send(batch.jobs);
          // Pushes only append to the file meanwhile, so its head is still this batch.
          this.file.consume(batch.bytes, batch.jobs.length);
          sent += batch.jobs.length;
          // The extension host handles what queued up meanwhile: a send that settles at once would
          // otherwise run the whole outbox in one go.
          await yieldTurn();
          continue;
        }
        // Only blank or corrupt lines were left, and they are gone now: the file is empty.
      }
      if (this.memory.length === 0) break;
      const batch = this.memory.slice(0, batchSize);
      await send(batch.map((e) => e.job));
      this.acknowledgeMemoryBatch(batch);
      sent += batch.length;
      await yieldTurn();
    }
    return { sent };
  }

  /**
   * Removes a sent memory batch. Pushes during the send (or dispose) may have spilled some of it:
   * spilling takes the oldest first, and the file was empty when the batch was taken, so those
   * are the file's head, and the rest are still the head of memory.
   */
  private acknowledgeMemoryBatch(batch: MemoryEntry[]): void {
    const spilled = batch.filter((e) => e.spilledBytes !== null);
    if (spilled.length > 0) {
      this.file.consume(spilled.reduce((n, e) => n + (e.spilledBytes ?? 0), 0), spilled.length);
    }
    const stillInMemory = batch.length - spilled.length;
    for (const e of this.memory.splice(0, stillInMemory)) this.memoryChars -= e.line.length;
  }

  /** Appends entries to the spill file; false (and the newest counted as dropped) when full or the write fails. */
  private spill(entries: MemoryEntry[], opts: { ignoreBound?: boolean } = {}): boolean {
    if (entries.length === 0) return true;
    const sizes = entries.map((e) => Buffer.byteLength(e.line) + 1);
    const bytes = sizes.reduce((a, b) => a + b, 0);
    if (!opts.ignoreBound && this.file.bytes + bytes > this.maxSpillBytes) {
      this.drop();
      return false;
    }
    try {
      this.file.append(entries.map((e) => e.line));
    } catch {
      // Disk full or storage unwritable: refuse the new entry rather than lose an old one.
      this.drop();
      return false;
    }
    entries.forEach((e, i) => (e.spilledBytes = sizes[i]!));
    return true;
  }

  private drop(): void {
    this.droppedCount++;
    this.dropEmitter.fire({ dropped: this.droppedCount });
  }
}
