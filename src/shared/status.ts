// The daemon's status as `status --json` prints it and the extension draws it. Fields keep the
// meaning written in shared/docs/cli-contract.md; new fields may be added, none may change.
import type { Settings } from './settings';
import type { StoreStatus } from './store-status';

export type DaemonState = 'awake' | 'backing-off' | 'hibernating';
export type LoopState = 'running' | 'backing-off' | 'suspended' | 'stopped';

export interface LoopStatus {
  name: string;
  state: LoopState;
  intervalMs: number;
  polls: number;
  lastPollStartedAt: string | null;
  lastPollCompletedAt: string | null;
  nextPollAt: string | null;
  stale: boolean;
  /** Extra: a tick is running right now. */
  inFlight: boolean;
  /** Extra: consecutive failed ticks (error backoff). */
  consecutiveErrors: number;
}

export interface QueueCounts {
  queued: number;
  leased: number;
  retrying: number;
  dead: number;
  done: number;
}

export interface HealthStatus {
  pollStale: boolean;
  stuckQueue: boolean;
  /** ISO-8601 or null. */
  stuckSince: string | null;
  /** Extra: names of the stale loops. */
  staleLoops: string[];
}

export interface Counters {
  sqlStatements: number;
  wakes: number;
  jobsCompleted: number;
  capturesStored: number;
  capturesSkipped: number;
  /** Extra: jobs that failed an attempt (retried or dead). */
  jobsFailed: number;
  /** Extra: skips by reason (excluded, secret, too-large, duplicate, unreadable). */
  skipsByReason: Record<string, number>;
  /** Extra: memories removed by forget since the daemon started. */
  memoriesForgotten: number;
  /** Extra: memories added by import since the daemon started. */
  memoriesImported: number;
  /** Extra: timers armed right now through the daemon's clock. */
  timersArmed: number;
}

export interface DatabaseStatus {
  path: string;
  /** Set when the database was found corrupt at start and moved aside. */
  quarantined: { movedTo: string; reason: string; at: string } | null;
  /** Extra: the last repair of this data dir's database (this run's, or an earlier run's from last-repair.json); null when it was never repaired. */
  lastRepair?: RepairReport | null;
}

/**
 * A damaged database repaired at start. `rebuilt`: only derived data was damaged (indexes, the
 * full-text index, the vocabulary) and was rebuilt in place from the rows; nothing lost.
 * `salvaged`: rows were damaged; the file was moved to `movedTo` and every readable row copied into
 * a fresh database. `lost` counts rows known to have existed (from the table or its indexes) that
 * could not be read; null when the damage left no way to count them.
 */
export interface RepairReport {
  kind: 'rebuilt' | 'salvaged';
  /** ISO-8601. */
  at: string;
  /** What the check reported, shortened. */
  found: string;
  /** What was rebuilt: 'indexes', 'full-text index', 'vocabulary'. */
  rebuilt: string[];
  saved: { memories: number; jobs: number };
  lost: { memories: number | null; jobs: number | null };
  /** The damaged file, kept aside (salvaged only). */
  movedTo: string | null;
}

/** The data dir's disk refused a write for want of space; cleared by the next write that succeeds. */
export interface DiskFullStatus {
  /** ISO-8601: the first refusal of this episode. */
  since: string;
  /** "disk full: no space left in <data dir>". */
  message: string;
  refusals: number;
}

/** Capture paused by the user (`pause`): nothing is captured or buffered until `until`, or until resumed. */
export interface CapturePause {
  paused: boolean;
  /** ISO-8601 end of the pause; null while not paused or when paused until resumed. */
  until: string | null;
}

export interface ConnectionsStatus {
  open: number;
  refused: number;
  max: number;
  openFileLimit: number | null;
}

export interface DaemonStatus {
  pid: number;
  version: string;
  uptimeMs: number;
  socket: string;
  state: DaemonState;
  loops: LoopStatus[];
  queue: QueueCounts;
  health: HealthStatus;
  counters: Counters;
  config: Settings;
  /** Extra: settings changed by reload that wait for a restart. */
  pendingRestart: string[];
  database: DatabaseStatus;
  dataDir: string;
  clients: number;
  /** Extra: IPC connections open now (authenticated or not), refused at the limit since start, the limit (ipcMaxConnections), the open-file soft limit (null where unknown). */
  connections: ConnectionsStatus;
  foreground: boolean;
  /** Extra: ISO time of the last real work request (enqueue, recall), or null. Status probes never count. */
  lastActivityAt: string | null;
  /** Extra: capture paused by the user. */
  capture: CapturePause;
  /** Extra: set while the data dir's disk is full (captures are refused with DISK_FULL). */
  diskFull?: DiskFullStatus | null;
  /** Extra: the data dir is open to other users (group/other permission bits); what to do about it. */
  dataDirWarning?: string | null;
  /** Extra: the memory store: sqlite only, or a shared postgres store with its reachability and backlog. */
  store?: StoreStatus;
}
