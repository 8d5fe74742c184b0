// Disk full: a write the data dir's file system refused for want of space (SQLite's
// SQLITE_FULL, Node's ENOSPC, or EFBIG/SQLITE_FULL under a file size limit). While it lasts the
// status says so ("disk full") and every refused capture is refused to its client with the cause
// and the folder, so the client keeps it for later (the extension's outbox does). The state ends on
// the next write that succeeds: the next capture attempt, or the job retry the failed write already
// armed. No timer of its own: a hibernating daemon that hit a full disk stays at zero timers.
import { RpcError } from '../../shared/protocol';
import type { DiskFullStatus } from '../../shared/status';


const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EFBIG', 'EDQUOT']);

/** A write that failed for want of space (SQLite wraps every such errno as SQLITE_FULL or an IOERR with "disk is full"). */
export function isDiskFull(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && (FULL_CODES.has(e.code) || e.code.startsWith('SQLITE_FULL'))) return true;
  return typeof e?.message === 'string' && /database or disk is full|no space left on device/i.test(e.message);
}

export class DiskFullState {
  private current: DiskFullStatus | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly now: () => number,
    private readonly onChange: (entered: boolean, status: DiskFullStatus | null) => void,
  ) {}

  get status(): DiskFullStatus | null {
    return this.current;
  }

  /** Records a refused write; returns true when it was the disk being full (the caller then refuses clearly). */
  refused(error: unknown): boolean {
    if (!isDiskFull(error)) return false;
    if (this.current) {
      this.current.refusals++;
      return true;
    }
    this.current = { since: new Date(this.now()).toISOString(), message: `disk full: no space left in ${this.dataDir}`, refusals: 1 };
    this.onChange(true, this.current);
    return true;
  }

  /** A write went through: space is back. */
  succeeded(): void {
    if (!this.current) return;
    const ended = this.current;
    this.current = null;
    this.onChange(false, ended);
  }

  /** The error a client gets for a refused enqueue: the cause and the folder, and a code it can act on. */
  rpcError(): RpcError {
    return new RpcError('DISK_FULL', `${this.current?.message ?? `disk full: no space left in ${this.dataDir}`}; the capture was not stored, send it again once space is freed`);
  }
}
