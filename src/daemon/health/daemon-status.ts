// Builds the status document from in-memory parts only: a status call runs no SQL, counts as no
// activity and wakes nothing.
import type { DaemonState, DaemonStatus, LoopStatus } from '../../shared/status';
import type { LoopSnapshot } from '../scheduling/loop-snapshot';
import { isLoopStale } from './staleness';

/** The fields copied as they are, plus the in-memory parts the rest is derived from. */
export type StatusParts = Pick<
  DaemonStatus,
  'pid' | 'version' | 'uptimeMs' | 'socket' | 'queue' | 'counters' | 'config' | 'pendingRestart' | 'database' | 'dataDir' | 'clients' | 'connections' | 'foreground' | 'capture' | 'diskFull' | 'dataDirWarning'
> & {
  nowMono: number;
  /** The worker loops (their states make the daemon's state) and then any others (the reaper). */
  workerLoops: LoopSnapshot[];
  otherLoops: LoopSnapshot[];
  stuck: { stuck: boolean; since: number | null };
  staleThresholdMs: number;
  /** Wall ms, or null. */
  lastActivityAt: number | null;
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** awake: a worker loop runs at the floor or is in a tick; backing-off: none runs but one waits; else hibernating. */
export function daemonState(workerLoops: LoopSnapshot[]): DaemonState {
  if (workerLoops.some((l) => l.state === 'running')) return 'awake';
  if (workerLoops.some((l) => l.state === 'backing-off')) return 'backing-off';
  return 'hibernating';
}

function loopStatus(s: LoopSnapshot, nowMono: number, staleThresholdMs: number): LoopStatus {
  return {
    name: s.name,
    state: s.state,
    intervalMs: Math.round(s.intervalMs),
    polls: s.polls,
    lastPollStartedAt: iso(s.lastPollStartedAt),
    lastPollCompletedAt: iso(s.lastPollCompletedAt),
    nextPollAt: iso(s.nextPollAt),
    stale: isLoopStale(s, nowMono, staleThresholdMs),
    inFlight: s.inFlight,
    consecutiveErrors: s.consecutiveErrors,
  };
}

export function buildStatus(p: StatusParts): DaemonStatus {
  const loops = [...p.workerLoops, ...p.otherLoops].map((l) => loopStatus(l, p.nowMono, p.staleThresholdMs));
  const staleLoops = loops.filter((l) => l.stale).map((l) => l.name);
  return {
    pid: p.pid,
    version: p.version,
    uptimeMs: Math.round(p.uptimeMs),
    socket: p.socket,
    state: daemonState(p.workerLoops),
    loops,
    queue: { ...p.queue },
    health: {
      pollStale: staleLoops.length > 0,
      stuckQueue: p.stuck.stuck,
      stuckSince: iso(p.stuck.since),
      staleLoops,
    },
    counters: { ...p.counters, skipsByReason: { ...p.counters.skipsByReason } },
    config: p.config,
    pendingRestart: p.pendingRestart,
    database: p.database,
    dataDir: p.dataDir,
    clients: p.clients,
    connections: { ...p.connections },
    foreground: p.foreground,
    lastActivityAt: iso(p.lastActivityAt),
    capture: { ...p.capture },
    diskFull: p.diskFull ? { ...p.diskFull } : null,
    dataDirWarning: p.dataDirWarning ?? null,
  };
}
