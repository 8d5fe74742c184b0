// Where every capture goes: into the outbox first (so a daemon that is down or restarting loses
// nothing), then to the daemon in one `enqueue` per short batching window. The extension host
// never waits on the daemon: submit() is synchronous, sending happens in the background.
//
// Each window has its own spill file (outbox-<pid>.jsonl in global storage) because windows share
// global storage; a window that finds spill files of extension hosts that are gone adopts them and
// replays them on its next connection.
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../shared/clock';
import { CoalescingRunner } from '../../shared/coalescing-runner';
import { Emitter } from '../../shared/event';
import { DisposableStore, type Disposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import { isProcessAlive } from '../../shared/process-alive';
import { type JobInput, jobInput } from '../../shared/protocol';
import { Batcher } from '../core/batcher';
import { BurstProgress, type BurstProgressValue } from '../core/burst-progress';
import { Outbox } from '../core/outbox';
import { errorMessage } from '../../shared/error-message';

export interface CaptureSenderOptions {
  storageDir: string;
  clock: Clock;
  log: Logger;
  /** Sends one enqueue; rejects when the daemon is not connected or the request fails. */
  enqueue(jobs: JobInput[]): Promise<void>;
  isConnected(): boolean;
  batchWindowMs?: number;
  /** Largest request the daemon accepts (from hello); batches are split below it. */
  maxMessageBytes?: () => number;
  pid?: number;
  isProcessAlive?: (pid: number) => boolean;
}

/** outbox-<pid>.jsonl, or outbox-<pid>-adopted-<n>.jsonl (a file <pid> adopted and may not have finished). */
const SPILL_FILE = /^outbox-(\d+)(?:-adopted-\d+)?\.jsonl$/;

export class CaptureSender implements Disposable {
  private readonly store = new DisposableStore();
  private readonly outbox: Outbox;
  /** Spill files left by extension hosts that are gone, replayed before our own entries. */
  private readonly orphans: Outbox[] = [];
  private readonly batcher: Batcher<true>;
  private readonly flushed = new Emitter<{ count: number }>();
  readonly onDidFlush = this.flushed.event;
  private readonly drains = new CoalescingRunner(() => this.drainOnce());
  /** Captures refused as too large so far: they leave the outbox but were never acknowledged. */
  private refused = 0;
  private readonly pid: number;
  private adoptions = 0;
  /** This window's own captures only: replayed spill files of closed windows were never counted in. */
  private readonly burst = new BurstProgress();
  private readonly progressChanged = new Emitter<BurstProgressValue | null>();
  /** A burst's progress moved (a batch accepted, a burst began or ended): the status bar redraws from it. */
  readonly onDidChangeProgress = this.progressChanged.event;

  constructor(private readonly opts: CaptureSenderOptions) {
    const pid = opts.pid ?? process.pid;
    this.outbox = this.store.add(new Outbox({ spillFile: join(opts.storageDir, `outbox-${pid}.jsonl`) }));
    this.store.add(this.outbox.onDidDrop(({ dropped }) => {
      opts.log.error(`capture buffer full: ${dropped} capture(s) dropped while the daemon was unreachable`);
      this.settle(1);
    }));
    this.pid = pid;
    this.adoptOrphans();
    this.batcher = this.store.add(new Batcher<true>({ clock: opts.clock, windowMs: opts.batchWindowMs ?? 150, maxItems: 100, onFlush: () => void this.send() }));
    this.store.add(this.flushed);
    this.store.add(this.progressChanged);
  }

  /** The burst of captures being sent, or null (none, or too small to show). */
  get progress(): BurstProgressValue | null {
    return this.burst.value;
  }

  /**
   * Queues a capture. A job the daemon would refuse is refused here, loudly: one invalid job in a
   * batch would fail the whole `enqueue` and block every capture behind it.
   */
  submit(job: JobInput): boolean {
    try {
      jobInput(job, 'capture');
    } catch (error) {
      this.opts.log.error(`capture refused: ${errorMessage(error)}`);
      return false;
    }
    const shown = this.burst.value !== null;
    this.burst.captured(1);
    // Drawn from the moment a burst is big enough to show; after that each accepted batch redraws.
    if (!shown && this.burst.value !== null) this.progressChanged.fire(this.burst.value);
    this.outbox.push(job);
    this.batcher.add(true);
    return true;
  }

  /** After a (re)connection: adopt spill files of windows closed since, then replay what waited. */
  onConnected(): void {
    this.adoptOrphans();
    void this.send();
  }

  /** The window is closing: what is still in memory goes to the spill file now. */
  persist(): void {
    this.outbox.persist();
  }

  /**
   * Spill files of extension hosts that are gone. Each is claimed by renaming it to a name of our
   * own first: rename is atomic, so when two windows restored together race for one file exactly
   * one wins (the other gets ENOENT), and no file is ever read by two outboxes.
   */
  private adoptOrphans(): void {
    const alive = this.opts.isProcessAlive ?? isProcessAlive;
    for (const file of orphanSpillFiles(this.opts.storageDir, this.pid, alive)) {
      const claimed = join(this.opts.storageDir, `outbox-${this.pid}-adopted-${++this.adoptions}.jsonl`);
      try {
        renameSync(file, claimed);
        const corrupt = `${file}.corrupt`;
        if (existsSync(corrupt)) renameSync(corrupt, `${claimed}.corrupt`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.log.warn(`could not adopt ${file}: ${String(error)}`);
        continue; // another window claimed it first
      }
      try {
        this.orphans.push(this.store.add(new Outbox({ spillFile: claimed })));
        this.opts.log.info(`replaying captures left by a closed window (${file})`);
      } catch (error) {
        // A spill file we cannot read must not break activation; it stays on disk for a later try.
        this.opts.log.error(`could not read ${claimed}: ${errorMessage(error)}`);
      }
    }
  }

  get stats(): { memory: number; spilled: number; dropped: number } {
    const all = [this.outbox, ...this.orphans].map((o) => o.stats);
    return {
      memory: all.reduce((n, s) => n + s.memory, 0),
      spilled: all.reduce((n, s) => n + s.spilled, 0),
      dropped: all.reduce((n, s) => n + s.dropped, 0),
    };
  }

  /** Drains orphans then our outbox; one drain at a time, and a request during one runs once more after it. */
  send(): Promise<void> {
    return this.drains.run();
  }

  private async drainOnce(): Promise<void> {
    if (!this.opts.isConnected()) return;
    try {
      for (const outbox of [...this.orphans, this.outbox]) {
        if (outbox.isEmpty) continue;
        const refusedBefore = this.refused;
        const own = outbox === this.outbox;
        const { sent } = await outbox.drain((jobs) => this.enqueueSplit(jobs, own), { batchSize: 100 });
        const acknowledged = sent - (this.refused - refusedBefore);
        if (acknowledged > 0) this.flushed.fire({ count: acknowledged });
      }
    } catch (error) {
      // Stays buffered; the next connection (or the next capture) sends it. A send asked for
      // while this one failed (e.g. a reconnection while a request timed out) still runs.
      this.opts.log.warn(`captures kept for later: ${errorMessage(error)}`);
    }
  }

  /** One enqueue per batch, split when the JSON would exceed the daemon's message limit. `own`: this window's captures (counted in the burst). */
  private async enqueueSplit(jobs: JobInput[], own: boolean): Promise<void> {
    const settled = (count: number) => own && this.settle(count);
    const limit = Math.floor((this.opts.maxMessageBytes?.() ?? 1_048_576) * 0.9);
    let chunk: JobInput[] = [];
    let bytes = 0;
    for (const queued of jobs) {
      // The outbox's per-capture id doubles as the idempotency key: a capture replayed after a
      // lost reply (window closed, daemon died mid-request) is never stored twice, even if it ran.
      const job: JobInput = queued.idempotencyKey || !queued.dedupeKey ? queued : { ...queued, idempotencyKey: queued.dedupeKey };
      const size = Buffer.byteLength(JSON.stringify(job));
      if (size > limit) {
        // Could never be sent: refusing it loudly beats blocking every capture behind it.
        this.opts.log.error(`a ${job.kind} of ${size} bytes exceeds the daemon's message limit (${limit} bytes); not captured`);
        this.refused++;
        settled(1);
        continue;
      }
      if (chunk.length > 0 && bytes + size > limit) {
        await this.opts.enqueue(chunk);
        settled(chunk.length);
        chunk = [];
        bytes = 0;
      }
      chunk.push(job);
      bytes += size;
    }
    if (chunk.length > 0) {
      await this.opts.enqueue(chunk);
      settled(chunk.length);
    }
  }

  private settle(count: number): void {
    const shown = this.burst.value !== null;
    this.burst.settled(count);
    if (shown) this.progressChanged.fire(this.burst.value);
  }

  dispose(): void {
    this.store.dispose();
  }
}

function orphanSpillFiles(dir: string, ownPid: number, alive: (pid: number) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = SPILL_FILE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== ownPid && !alive(pid)) files.push(join(dir, name));
  }
  return files;
}
