import { describe, expect, it } from 'vitest';
import { buildTree, formatUptime } from '../../../src/extension/core/tree-model';
import type { DaemonStatus, LoopStatus } from '../../../src/shared/status';
import { defaultSettings } from '../../../src/shared/settings';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const clock = (ms: number) => `${String(new Date(ms).getHours()).padStart(2, '0')}:${String(new Date(ms).getMinutes()).padStart(2, '0')}`;

function loop(name: string, over: Partial<LoopStatus> = {}): LoopStatus {
  return { name, state: 'running', intervalMs: 250, polls: 3, lastPollStartedAt: iso(2000), lastPollCompletedAt: iso(1900), nextPollAt: iso(-250),
    stale: false, inFlight: false, consecutiveErrors: 0, ...over };
}

function status(over: Partial<DaemonStatus> = {}): DaemonStatus {
  return {
    pid: 4242, version: '0.1.0', uptimeMs: 125_000, socket: '/s', state: 'awake', loops: [loop('capture'), loop('recall')],
    queue: { queued: 2, leased: 1, retrying: 0, dead: 0, done: 10 },
    health: { pollStale: false, stuckQueue: false, stuckSince: null, staleLoops: [] },
    counters: { sqlStatements: 99, wakes: 1, jobsCompleted: 10, capturesStored: 5, capturesSkipped: 0, jobsFailed: 0, skipsByReason: {}, memoriesForgotten: 0, memoriesImported: 0, timersArmed: 2 },
    config: defaultSettings(), pendingRestart: [], database: { path: '/db', quarantined: null }, dataDir: '/data', clients: 1,
    connections: { open: 1, refused: 0, max: 1024, openFileLimit: null },
    foreground: false, lastActivityAt: null, capture: { paused: false, until: null }, ...over,
  };
}

describe('tree model', () => {
  it('is empty when the daemon is not connected, so the welcome content shows', () => {
    expect(buildTree({ supervisor: 'stopped', status: status(), recall: null, now: NOW })).toEqual([]);
    expect(buildTree({ supervisor: 'given-up', status: status(), recall: null, now: NOW })).toEqual([]);
    expect(buildTree({ supervisor: 'starting', status: null, recall: null, now: NOW })).toEqual([]);
  });

  it('has the Daemon, Loops, Queue and Recall sections in that order', () => {
    const roots = buildTree({ supervisor: 'running', status: status(), recall: null, now: NOW });
    expect(roots.map((r) => r.label)).toEqual(['Daemon', 'Loops', 'Queue', 'Recall']);
    const daemon = roots[0]!;
    expect(daemon.children!.find((c) => c.label === 'PID')!.description).toBe('4242');
    expect(daemon.children!.find((c) => c.label === 'Uptime')!.description).toBe('2 min 5 s');
  });

  it('a salvaged database, a full disk and an open data dir each have a row in the Daemon section', () => {
    const s = status({
      database: { path: '/db', quarantined: { movedTo: '/db.corrupt-x', reason: 'quick_check: …', at: iso(0) },
        lastRepair: { kind: 'salvaged', at: iso(0), found: 'quick_check: …', rebuilt: [], saved: { memories: 48, jobs: 2 }, lost: { memories: 12, jobs: 0 }, movedTo: '/db.corrupt-x' } },
      diskFull: { since: iso(60_000), message: 'disk full: no space left in /data', refusals: 3 },
      dataDirWarning: 'the data dir /data is open to other users (mode 0755)',
    });
    const rows = buildTree({ supervisor: 'running', status: s, recall: null, now: NOW })[0]!.children!;
    expect(rows.find((r) => r.id === 'daemon/repair')).toMatchObject({ label: 'Database salvaged', description: '48 saved, 12 lost', tone: 'warning' });
    expect(rows.find((r) => r.id === 'daemon/quarantine')).toBeUndefined(); // the repair row says it all
    expect(rows.find((r) => r.id === 'daemon/disk-full')).toMatchObject({ label: 'Disk full', tooltip: 'disk full: no space left in /data', tone: 'error' });
    expect(rows.find((r) => r.id === 'daemon/data-dir')).toMatchObject({ label: 'Data dir open to others' });
  });

  it('an unreachable shared store has a row saying since when, what waits and why; one without the schema says to run store init; a reachable one has none', () => {
    const down = status({ store: { kind: 'postgres', reachable: false, backlog: 4, lastError: 'wrong password', unreachableSince: iso(60_000) } });
    const rows = buildTree({ supervisor: 'running', status: down, recall: null, now: NOW })[0]!.children!;
    expect(rows.find((r) => r.id === 'daemon/shared-store')).toMatchObject({
      label: 'Shared store unreachable', description: '4 waiting', tone: 'warning',
      tooltip: `shared store unreachable since ${clock(NOW - 60_000)} (1 min ago) (4 waiting): wrong password`,
    });
    const noSchema = status({ store: { kind: 'postgres', reachable: false, backlog: 1, lastError: 'shared store not initialised: run `dormouse store init --url URL` (denied)', unreachableSince: iso(1000) } });
    expect(buildTree({ supervisor: 'running', status: noSchema, recall: null, now: NOW })[0]!.children!.find((r) => r.id === 'daemon/shared-store')).toMatchObject({
      label: 'Shared store not initialised', tooltip: expect.stringMatching(/^shared store not initialised: run `dormouse store init` \(1 waiting\)/),
    });
    const up = status({ store: { kind: 'postgres', reachable: true, backlog: 0, lastError: null, unreachableSince: null } });
    expect(buildTree({ supervisor: 'running', status: up, recall: null, now: NOW })[0]!.children!.find((r) => r.id === 'daemon/shared-store')).toBeUndefined();
  });

  it('uptime counts on from the last status: a hibernating daemon is not probed', () => {
    const roots = buildTree({ supervisor: 'running', status: status(), statusAgeMs: 10 * 60_000, recall: null, now: NOW });
    expect(roots[0]!.children!.find((c) => c.label === 'Uptime')!.description).toBe('12 min 5 s');
  });

  it('a stale loop is marked in its row and in the Loops section, in error tone', () => {
    const s = status({ loops: [loop('capture', { stale: true, inFlight: true }), loop('recall')], health: { pollStale: true, stuckQueue: false, stuckSince: null, staleLoops: ['capture'] } });
    const loops = buildTree({ supervisor: 'running', status: s, recall: null, now: NOW })[1]!;
    expect(loops.description).toBe('1 stale');
    expect(loops.tone).toBe('error');
    const capture = loops.children![0]!;
    expect(capture.description).toMatch(/^stale/);
    expect(capture.children!.find((c) => c.label === 'Last poll started')!.description).toBe('2 s ago');
  });

  it('a stuck queue says so and since when', () => {
    const s = status({ health: { pollStale: false, stuckQueue: true, stuckSince: iso(180_000), staleLoops: [] } });
    const queue = buildTree({ supervisor: 'running', status: s, recall: null, now: NOW })[2]!;
    expect(queue.description).toMatch(/^stuck/);
    expect(queue.tone).toBe('warning');
    expect(queue.children!.find((c) => c.label === 'Stuck since')!.description).toBe('3 min ago');
  });

  it('a suspended loop polls next on wake, not at a time', () => {
    const s = status({ state: 'hibernating', loops: [loop('capture', { state: 'suspended', nextPollAt: null })] });
    const capture = buildTree({ supervisor: 'running', status: s, recall: null, now: NOW })[1]!.children![0]!;
    expect(capture.children!.find((c) => c.label === 'Next poll')!.description).toBe('on wake');
  });

  it("recall shows the file's earlier versions and related memories; rows open their memory", () => {
    const own = { id: 7, kind: 'file' as const, path: '/w/a.ts', title: 'a.ts', capturedAt: iso(60_000), snippet: '', score: 0 };
    const peer = { id: 9, kind: 'selection' as const, path: '/w/b.ts', title: 'b.ts:1-2', capturedAt: iso(120_000), snippet: 'x', score: 1 };
    const recall = buildTree({ supervisor: 'running', status: status(), recall: { path: '/w/a.ts', hits: [peer], history: [own], pending: false }, now: NOW })[3]!;
    expect(recall.description).toBe('a.ts: 2');
    expect(recall.children!.map((c) => c.label)).toEqual(['Earlier versions', 'Related']);
    const row = recall.children![0]!.children![0]!;
    expect(row.command).toEqual({ command: 'dormouse.openMemory', title: 'Open memory', args: [7] });
    expect(row.contextValue).toBe('dormouse.memory.file');
    expect(row.description).toBe('file · 1 min ago');
    expect(recall.children![1]!.children![0]!.contextValue).toBe('dormouse.memory.selection');
  });

  it('recall for a file with no memories says so', () => {
    const recall = buildTree({ supervisor: 'running', status: status(), recall: { path: '/w/a.ts', hits: [], history: [], pending: false }, now: NOW })[3]!;
    expect(recall.children!.map((c) => c.label)).toEqual(['No memories of this file yet']);
  });

  it('formats uptime in the two largest units', () => {
    expect(formatUptime(5_000)).toBe('5 s');
    expect(formatUptime(3_600_000 + 120_000)).toBe('1 h 2 min');
    expect(formatUptime(2 * 86_400_000 + 3_600_000)).toBe('2 d 1 h');
  });
});
