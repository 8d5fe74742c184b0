import { describe, expect, it } from 'vitest';
import { type StatusParts, buildStatus, daemonState } from '../../../src/daemon/health/daemon-status';
import type { LoopSnapshot } from '../../../src/daemon/scheduling/loop-snapshot';
import { defaultSettings } from '../../../src/shared/settings';

function loop(name: string, state: LoopSnapshot['state'], extra: Partial<LoopSnapshot> = {}): LoopSnapshot {
  return {
    name, state, intervalMs: 250, polls: 3, inFlight: false, consecutiveErrors: 0,
    lastPollStartedAt: null, lastPollCompletedAt: null, nextPollAt: null,
    lastPollStartedMono: null, lastPollCompletedMono: null, nextPollDueMono: null, ...extra,
  };
}

function parts(over: Partial<StatusParts>): StatusParts {
  return {
    pid: 1, version: '0.1.0', uptimeMs: 10, socket: 's', nowMono: 1_000_000,
    workerLoops: [], otherLoops: [],
    queue: { queued: 0, leased: 0, retrying: 0, dead: 0, done: 0 },
    stuck: { stuck: false, since: null }, staleThresholdMs: 60_000,
    counters: { sqlStatements: 0, wakes: 0, jobsCompleted: 0, capturesStored: 0, capturesSkipped: 0, jobsFailed: 0, skipsByReason: {}, memoriesForgotten: 0, memoriesImported: 0, timersArmed: 0 },
    config: defaultSettings(), pendingRestart: [], database: { path: 'db', quarantined: null },
    dataDir: 'd', clients: 0, connections: { open: 0, refused: 0, max: 1024, openFileLimit: null }, foreground: false, lastActivityAt: null, capture: { paused: false, until: null }, ...over,
  };
}

describe('daemon status', () => {
  it('the daemon is awake when any worker loop runs, backing off when none runs, else hibernating', () => {
    expect(daemonState([loop('capture', 'running'), loop('recall', 'suspended')])).toBe('awake');
    expect(daemonState([loop('capture', 'backing-off'), loop('recall', 'suspended')])).toBe('backing-off');
    expect(daemonState([loop('capture', 'suspended'), loop('recall', 'suspended')])).toBe('hibernating');
  });

  it('the reaper does not decide the daemon state', () => {
    const status = buildStatus(parts({
      workerLoops: [loop('capture', 'suspended'), loop('recall', 'suspended')],
      otherLoops: [loop('reaper', 'running')],
    }));
    expect(status.state).toBe('hibernating');
    expect(status.loops.map((l) => l.name)).toEqual(['capture', 'recall', 'reaper']);
  });

  it('a wedged tick shows as a stale loop and sets pollStale', () => {
    const wedged = loop('capture', 'running', { inFlight: true, lastPollStartedMono: 0, lastPollStartedAt: Date.UTC(2026, 0, 1) });
    const status = buildStatus(parts({
      nowMono: 120_000,
      workerLoops: [wedged, loop('recall', 'suspended')],
      queue: { queued: 1, leased: 1, retrying: 0, dead: 0, done: 0 },
    }));
    expect(status.health).toMatchObject({ pollStale: true, staleLoops: ['capture'] });
    expect(status.loops[0]).toMatchObject({ stale: true, lastPollStartedAt: '2026-01-01T00:00:00.000Z' });
  });
});
