// Capture paused by the user (`pause` / `resume`). While paused, the daemon drops capture jobs at
// enqueue: they are neither queued nor stored (recall jobs in the same batch are queued as usual).
// The pause is a small JSON file in the data dir, written on pause and removed on resume, read
// once at start, and otherwise kept in memory: `status` and `enqueue` ask `current(now)`, which
// runs no SQL and no I/O. There is no timer: a pause whose `until` has passed is simply over at
// the next look (the file is removed at the next pause, resume, or start).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../shared/logger';
import type { CapturePause } from '../../shared/status';
import { errorMessage } from '../../shared/error-message';

export const CAPTURE_PAUSE_FILE = 'capture-pause.json';

interface Stored {
  /** Wall epoch ms, or null: until resumed. */
  until: number | null;
  /** ISO-8601, for a reader of the file. */
  since: string;
}

export class CapturePauseStore {
  private paused: Stored | null;
  private readonly file: string;

  constructor(dataDir: string, private readonly log: Logger, now: number) {
    this.file = join(dataDir, CAPTURE_PAUSE_FILE);
    this.paused = this.read();
    if (this.paused && !isActive(this.paused, now)) this.clear();
    if (this.paused) log.info(`capture is paused ${describeUntil(this.paused.until)}`);
  }

  /** Whether capture is paused at `now` (wall ms). No I/O. */
  isPaused(now: number): boolean {
    return this.paused !== null && isActive(this.paused, now);
  }

  /** The status document's view at `now`. No I/O. */
  current(now: number): CapturePause {
    if (!this.paused || !isActive(this.paused, now)) return { paused: false, until: null };
    return { paused: true, until: this.paused.until === null ? null : new Date(this.paused.until).toISOString() };
  }

  /** Pauses until `until` (wall ms), or until resumed; a time already past is a resume. */
  pause(until: number | undefined, now: number): CapturePause {
    const next: Stored = { until: until ?? null, since: new Date(now).toISOString() };
    if (!isActive(next, now)) return this.resume(now);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    this.paused = next;
    this.log.info(`capture paused ${describeUntil(next.until)}`);
    return this.current(now);
  }

  resume(now: number): CapturePause {
    const was = this.isPaused(now);
    this.clear();
    if (was) this.log.info('capture resumed');
    return this.current(now);
  }

  private clear(): void {
    this.paused = null;
    rmSync(this.file, { force: true });
  }

  /** A missing file is "not paused"; an unreadable one is logged and treated the same (and replaced at the next pause). */
  private read(): Stored | null {
    if (!existsSync(this.file)) return null;
    try {
      const raw = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Stored> | null;
      const until = raw?.until;
      if (until !== null && (typeof until !== 'number' || !Number.isFinite(until))) throw new Error('until is neither a time nor null');
      return { until, since: typeof raw?.since === 'string' ? raw.since : '' };
    } catch (error) {
      this.log.warn(`ignoring unreadable ${this.file} (capture not paused): ${errorMessage(error)}`);
      return null;
    }
  }
}

function isActive(p: Stored, now: number): boolean {
  return p.until === null || now < p.until;
}

function describeUntil(until: number | null): string {
  return until === null ? 'until resumed' : `until ${new Date(until).toISOString()}`;
}
