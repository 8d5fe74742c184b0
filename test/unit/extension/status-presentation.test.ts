import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/shared/settings';
import type { DaemonStatus, LoopStatus } from '../../../src/shared/status';
import { presentStatus, StatusTracker, type StatusInput, type StatusValue } from '../../../src/extension/core/status-presentation';
import type { SupervisorState } from '../../../src/extension/core/supervisor-state';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (n: number) => n * 60_000;

function loop(over: Partial<LoopStatus> = {}): LoopStatus {
  return {
    name: 'capture', state: 'running', intervalMs: 1000, polls: 10,
    lastPollStartedAt: iso(NOW - 2000), lastPollCompletedAt: iso(NOW - 1900), nextPollAt: iso(NOW + 1000),
    stale: false, inFlight: false, consecutiveErrors: 0, ...over,
  };
}

type StatusOverrides = Omit<Partial<DaemonStatus>, 'health' | 'queue'> & {
  health?: Partial<DaemonStatus['health']>;
  queue?: Partial<DaemonStatus['queue']>;
};

function status(over: StatusOverrides = {}): DaemonStatus {
  const { health, queue, ...rest } = over;
  return {
    pid: 4242, version: '0.1.0', uptimeMs: 60_000, socket: '/tmp/dormouse.sock', state: 'awake',
    loops: [loop()],
    queue: { queued: 0, leased: 0, retrying: 0, dead: 0, done: 5, ...queue },
    health: { pollStale: false, stuckQueue: false, stuckSince: null, staleLoops: [], ...health },
    counters: { sqlStatements: 0, wakes: 0, jobsCompleted: 0, capturesStored: 0, capturesSkipped: 0, jobsFailed: 0, skipsByReason: {}, memoriesForgotten: 0, memoriesImported: 0, timersArmed: 1 },
    config: defaultSettings(), pendingRestart: [], database: { path: '/tmp/db.sqlite', quarantined: null },
    dataDir: '/tmp', clients: 1, connections: { open: 1, refused: 0, max: 1024, openFileLimit: null }, foreground: false, lastActivityAt: null,
    capture: { paused: false, until: null },
    ...rest,
  };
}

function input(supervisor: SupervisorState, s: DaemonStatus | null, extra: Partial<StatusInput> = {}): StatusInput {
  return { supervisor, status: s, now: NOW, ...extra };
}

const running = (over: StatusOverrides = {}) => input('running', status(over));
const commands = (actions: { command: string }[]) => actions.map((a) => a.command);

describe('presentStatus: one value from supervisor state and daemon status', () => {
  it.each<[string, StatusInput, StatusValue, string]>([
    ['a supervisor that gave up shows given-up', input('given-up', status()), 'given-up', 'given up'],
    ['a stopped supervisor shows stopped', input('stopped', status()), 'stopped', 'stopped'],
    ['a stopping supervisor shows stopped', input('stopping', null), 'stopped', 'stopped'],
    ['starting with no status yet shows starting', input('starting', null), 'starting', 'starting'],
    ['running before the first status shows starting', input('running', null), 'starting', 'starting'],
    ['a crash shows restarting, ignoring the old status', input('crashed', status({ health: { pollStale: true } })), 'starting', 'restarting'],
    ['starting again after a connection shows restarting', input('starting', status()), 'starting', 'restarting'],
    ['starting again after a crash shows restarting', input('starting', null, { lastError: 'daemon exited' }), 'starting', 'restarting'],
    ['a hibernating daemon shows hibernating', running({ state: 'hibernating' }), 'hibernating', 'hibernating'],
    ['a backing-off daemon shows backing-off', running({ state: 'backing-off' }), 'backing-off', 'backing off'],
    ['an awake daemon with nothing in flight shows awake', running(), 'awake', 'awake'],
    ['an awake daemon with a tick in flight shows working', running({ loops: [loop({ inFlight: true })] }), 'working', 'working'],
    ['an awake daemon with a leased job shows working', running({ queue: { leased: 1 } }), 'working', 'working'],
    ['a stale poll loop shows stale', running({ health: { pollStale: true, staleLoops: ['capture'] } }), 'stale', 'poll loop stale'],
    ['a stuck queue shows stuck', running({ health: { stuckQueue: true, stuckSince: iso(NOW) } }), 'stuck', 'stuck queue'],
  ])('%s', (_rule, given, value, label) => {
    const p = presentStatus(given);
    expect(p.value).toBe(value);
    expect(p.label).toBe(label);
  });

  it('a stale loop beats a stuck queue', () => {
    const p = presentStatus(running({ health: { pollStale: true, staleLoops: ['capture'], stuckQueue: true, stuckSince: iso(NOW) } }));
    expect(p.value).toBe('stale');
    expect(p.tooltipMarkdown).toContain('The queue is stuck as well.');
  });

  it('stale and stuck win over the daemon state (a hibernating daemon can be stuck)', () => {
    expect(presentStatus(running({ state: 'hibernating', health: { stuckQueue: true } })).value).toBe('stuck');
    expect(presentStatus(running({ state: 'backing-off', health: { pollStale: true } })).value).toBe('stale');
  });

  it('severity: stale and given-up are errors, stuck a warning, the rest none', () => {
    expect(presentStatus(running({ health: { pollStale: true } })).severity).toBe('error');
    expect(presentStatus(input('given-up', null)).severity).toBe('error');
    expect(presentStatus(running({ health: { stuckQueue: true } })).severity).toBe('warning');
    for (const given of [running(), running({ state: 'hibernating' }), input('stopped', null), input('starting', null)]) {
      expect(presentStatus(given).severity).toBe('none');
    }
  });

  it('the status bar text carries a codicon, and names the problem only when there is one', () => {
    expect(presentStatus(running()).text).toBe('$(eye) Dormouse');
    expect(presentStatus(running({ loops: [loop({ inFlight: true })] })).text).toBe('$(sync~spin) Dormouse');
    expect(presentStatus(running({ state: 'hibernating' })).text).toBe('$(debug-pause) Dormouse');
    expect(presentStatus(running({ health: { pollStale: true } })).text).toBe('$(error) Dormouse: stale');
    expect(presentStatus(running({ health: { stuckQueue: true } })).text).toBe('$(warning) Dormouse: stuck');
    expect(presentStatus(input('given-up', null)).text).toBe('$(error) Dormouse: given up');
  });

  it('a stale value holds since the oldest stale loop last showed progress', () => {
    const wedged = loop({ name: 'capture', stale: true, inFlight: true, lastPollStartedAt: iso(NOW - minutes(7)), lastPollCompletedAt: iso(NOW - minutes(8)) });
    const neverFired = loop({ name: 'recall', stale: true, lastPollStartedAt: iso(NOW - minutes(4) - 100), lastPollCompletedAt: iso(NOW - minutes(4)) });
    const healthy = loop({ name: 'reaper', lastPollCompletedAt: iso(NOW - minutes(60)) });
    const p = presentStatus(running({ loops: [wedged, neverFired, healthy], health: { pollStale: true, staleLoops: ['capture', 'recall'] } }));
    expect(p.since).toBe(NOW - minutes(7));
    expect(p.accessibilityLabel).toBe('Dormouse daemon: poll loop stale for over 7 minutes');
    expect(p.tooltipMarkdown).toContain('_capture_, _recall_');
    expect(p.tooltipMarkdown).not.toContain('reaper');
  });

  it('a stuck value holds since the daemon says the queue got stuck, and says how many jobs wait', () => {
    const p = presentStatus(running({ queue: { queued: 3, retrying: 1 }, health: { stuckQueue: true, stuckSince: iso(NOW - minutes(2) - 5000) } }), NOW - 10);
    expect(p.since).toBe(NOW - minutes(2) - 5000);
    expect(p.accessibilityLabel).toBe('Dormouse daemon: stuck queue for over 2 minutes');
    expect(p.tooltipMarkdown).toContain('**Dormouse daemon: stuck queue** for over 2 minutes');
    expect(p.tooltipMarkdown).toContain('4 jobs waiting, none leased');
  });

  it('values the daemon does not timestamp use the since given, or none', () => {
    const hibernating = running({ state: 'hibernating' });
    expect(presentStatus(hibernating).since).toBeNull();
    expect(presentStatus(hibernating).accessibilityLabel).toBe('Dormouse daemon: hibernating');
    const p = presentStatus(hibernating, NOW - minutes(2));
    expect(p.since).toBe(NOW - minutes(2));
    expect(p.accessibilityLabel).toBe('Dormouse daemon: hibernating for over 2 minutes');
  });

  it('actions: the most useful first for each value', () => {
    expect(commands(presentStatus(running({ state: 'hibernating' })).actions)[0]).toBe('dormouse.wake');
    expect(commands(presentStatus(running({ state: 'backing-off' })).actions)[0]).toBe('dormouse.wake');
    expect(commands(presentStatus(running({ health: { pollStale: true } })).actions).slice(0, 2)).toEqual(['dormouse.showLog', 'dormouse.restartDaemon']);
    expect(commands(presentStatus(input('given-up', null)).actions).slice(0, 2)).toEqual(['dormouse.restartDaemon', 'dormouse.showLog']);
    expect(commands(presentStatus(input('stopped', null)).actions)[0]).toBe('dormouse.restartDaemon');
    expect(commands(presentStatus(running()).actions)).toContain('dormouse.hibernate');
  });

  it('every action is linked in the tooltip as a command link', () => {
    const p = presentStatus(running({ state: 'hibernating' }));
    expect(p.tooltipMarkdown).toContain('[Wake daemon](command:dormouse.wake)');
    for (const a of p.actions) expect(p.tooltipMarkdown).toContain(`(command:${a.command})`);
  });

  it('settings waiting for a restart are listed and offer Restart daemon', () => {
    const p = presentStatus(running({ pendingRestart: ['dataDir'] }));
    expect(p.tooltipMarkdown).toContain('Waiting for a restart: _dataDir_');
    expect(commands(p.actions)).toContain('dormouse.restartDaemon');
  });

  it('the last error is shown for given-up', () => {
    const p = presentStatus(input('given-up', null, { lastError: 'spawn ENOENT\n    at foo' }));
    expect(p.tooltipMarkdown).toContain('Last error: spawn ENOENT at foo');
  });

  it('untrusted text cannot inject links, command links, HTML or codicons into the tooltip', () => {
    const evil = '[click](command:dormouse.restartDaemon) <img src=x> $(alert) **bold**';
    const p1 = presentStatus(input('given-up', null, { lastError: evil }));
    const p2 = presentStatus(running({ loops: [loop({ name: evil, stale: true })], health: { pollStale: true, staleLoops: [evil] } }));
    for (const p of [p1, p2]) {
      const md = p.tooltipMarkdown;
      // The only live links are the presentation's own actions.
      expect(md.split('](command:').length - 1).toBe(p.actions.length);
      expect(md).not.toContain('[click]');
      expect(md).not.toMatch(/(^|[^\\])<img/);
      expect(md).toContain('\\<img');
      expect(md).not.toContain('$(alert)');
      expect(md).not.toContain('**bold**');
      expect(md).toContain('\\[click\\]\\(command\\:dormouse\\.restartDaemon\\)');
    }
  });
});

describe('StatusTracker', () => {
  it('remembers when the value changed, so the tooltip says since when', () => {
    const tracker = new StatusTracker();
    const t0 = NOW;
    expect(tracker.update({ ...running({ state: 'hibernating' }), now: t0 }).since).toBe(t0);
    const later = tracker.update({ ...running({ state: 'hibernating' }), now: t0 + minutes(3) });
    expect(later.since).toBe(t0);
    expect(later.accessibilityLabel).toBe('Dormouse daemon: hibernating for over 3 minutes');
  });

  it('a new value starts a new since', () => {
    const tracker = new StatusTracker();
    tracker.update({ ...running({ state: 'hibernating' }), now: NOW });
    const awake = tracker.update({ ...running(), now: NOW + minutes(5) });
    expect(awake.value).toBe('awake');
    expect(awake.since).toBe(NOW + minutes(5));
    expect(awake.accessibilityLabel).toBe('Dormouse daemon: awake for less than a minute');
  });

  it('the daemon\'s own timestamp beats the tracker\'s for stale and stuck', () => {
    const tracker = new StatusTracker();
    const p = tracker.update(running({ health: { stuckQueue: true, stuckSince: iso(NOW - minutes(10)) } }));
    expect(p.since).toBe(NOW - minutes(10));
  });
});

describe('presentStatus: a capture pause is shown whatever the daemon does', () => {
  const until = new Date(NOW).setHours(new Date(NOW).getHours() + 2, 30, 0, 0);
  const clock = (ms: number) => `${String(new Date(ms).getHours()).padStart(2, '0')}:${String(new Date(ms).getMinutes()).padStart(2, '0')}`;

  it('a pause with an end shows "paused until HH:MM", even while hibernating', () => {
    const p = presentStatus({ ...running({ state: 'hibernating' }), pause: { paused: true, until } });
    expect(p.value).toBe('hibernating');
    expect(p.text).toMatch(new RegExp(`^\\$\\(debug-pause\\) Dormouse paused until (tomorrow )?${clock(until)}$`));
    expect(p.accessibilityLabel).toContain('capture paused until');
    expect(p.tooltipMarkdown).toContain('nothing is captured or buffered');
  });

  it('a pause until resumed says paused; the click menu offers Resume first', () => {
    const p = presentStatus({ ...running(), pause: { paused: true, until: null } });
    expect(p.text).toBe('$(debug-pause) Dormouse paused');
    expect(p.actions[0]!.command).toBe('dormouse.resumeCapture');
  });

  it('paused while the daemon is unreachable is still shown, after the state\'s own words', () => {
    const p = presentStatus(input('stopped', null, { pause: { paused: true, until: null } }));
    expect(p.text).toBe('$(circle-slash) Dormouse: stopped · paused');
  });

  it('a pause whose end has passed is not shown', () => {
    const p = presentStatus({ ...running(), pause: { paused: true, until: NOW - 1 } });
    expect(p.text).toBe('$(eye) Dormouse');
    expect(commands(p.actions)).not.toContain('dormouse.resumeCapture');
  });
});

describe('presentStatus: disk full and an open data dir', () => {
  const diskFull = { since: iso(NOW - minutes(3)), message: 'disk full: no space left in /data', refusals: 7 };

  it('a full disk shows "disk full" in error colours, with the folder in the tooltip, even while hibernating', () => {
    const p = presentStatus(running({ state: 'hibernating', diskFull }));
    expect(p).toMatchObject({ value: 'disk-full', text: '$(error) Dormouse: disk full', severity: 'error', label: 'disk full' });
    expect(p.tooltipMarkdown).toContain('no space left in \\/data'); // escaped: untrusted text stays literal
    expect(p.accessibilityLabel).toBe('Dormouse daemon: disk full for over 3 minutes');
  });

  it('space back (diskFull null) shows the ordinary value again', () => {
    expect(presentStatus(running({ diskFull: null })).value).toBe('awake');
  });

  it('a stale loop still wins over a full disk', () => {
    expect(presentStatus(running({ diskFull, health: { pollStale: true, staleLoops: ['capture'] } })).value).toBe('stale');
  });

  it('a data dir open to others is said in the tooltip', () => {
    const p = presentStatus(running({ dataDirWarning: 'the data dir /data is open to other users (mode 0755)' }));
    expect(p.tooltipMarkdown).toContain('**Data dir:** the data dir \\/data is open to other users \\(mode 0755\\)');
  });
});

describe('presentStatus: a burst of captures being sent', () => {
  const burst = { done: 1_240, total: 2_000 };

  it('shows its progress as the one status value: "Dormouse: storing 1,240 of 2,000"', () => {
    const p = presentStatus(input('running', status(), { captureProgress: burst }));
    expect(p.value).toBe('awake');
    expect(p.text).toBe('$(sync~spin) Dormouse: storing 1,240 of 2,000');
    expect(p.accessibilityLabel).toBe('Dormouse daemon: awake; storing 1,240 of 2,000');
    expect(p.tooltipMarkdown).toContain('**Storing captures**: 1,240 of 2,000 are safe in the daemon\'s queue');
  });

  it('a state with words of its own keeps them, and the progress follows', () => {
    const p = presentStatus(input('running', status({ health: { stuckQueue: true, stuckSince: iso(NOW - minutes(2)) } }), { captureProgress: burst }));
    expect(p.value).toBe('stuck');
    expect(p.text).toBe('$(warning) Dormouse: stuck · storing 1,240 of 2,000');
  });

  it('a paused window says paused first, then the progress of what it captured before', () => {
    const p = presentStatus(input('running', status(), { captureProgress: burst, pause: { paused: true, until: null } }));
    expect(p.text).toBe('$(debug-pause) Dormouse paused · storing 1,240 of 2,000');
  });

  it('is not shown while the daemon is not connected: the burst waits in the buffer', () => {
    const p = presentStatus(input('crashed', status(), { captureProgress: burst }));
    expect(p.text).not.toContain('storing');
  });

  it('no burst, no progress: the text is the plain value', () => {
    expect(presentStatus(input('running', status(), { captureProgress: null })).text).toBe('$(eye) Dormouse');
  });
});

describe('presentStatus: the shared store says when it cannot take memories', () => {
  const clock = (ms: number) => `${String(new Date(ms).getHours()).padStart(2, '0')}:${String(new Date(ms).getMinutes()).padStart(2, '0')}`;
  const down = { kind: 'postgres' as const, reachable: false, backlog: 12, lastError: 'cannot connect: nothing listens there', unreachableSince: iso(NOW - minutes(5)) };

  it('an unreachable shared store shows "shared store unreachable since …" with the backlog, as a warning', () => {
    const p = presentStatus(running({ store: down }));
    expect(p.value).toBe('awake');
    expect(p.text).toBe('$(warning) Dormouse: shared store unreachable');
    expect(p.severity).toBe('warning');
    expect(p.tooltipMarkdown).toContain(`shared store unreachable since ${clock(NOW - minutes(5)).replace(':', '\\:')} \\(5 min ago\\) \\(12 waiting\\)`);
    expect(p.accessibilityLabel).toContain('(12 waiting): cannot connect');
  });

  it('a database without the schema says to run `dormouse store init`', () => {
    const p = presentStatus(running({ store: { ...down, lastError: "shared store not initialised: run `dormouse store init --url URL` as the database's owner or an admin (permission denied)" } }));
    expect(p.text).toBe('$(warning) Dormouse: shared store not initialised');
    expect(p.tooltipMarkdown).toContain('run \\`dormouse store init\\` \\(12 waiting\\)');
  });

  it('a state with words of its own keeps them and says the store after them', () => {
    const p = presentStatus(running({ store: down, health: { stuckQueue: true, stuckSince: iso(NOW - minutes(1)) }, queue: { queued: 3 } }));
    expect(p.text).toBe('$(warning) Dormouse: stuck · shared store unreachable');
  });

  it('a reachable shared store, or the local store only, adds nothing', () => {
    expect(presentStatus(running({ store: { ...down, reachable: true, lastError: null, unreachableSince: null, backlog: 0 } })).text).toBe('$(eye) Dormouse');
    expect(presentStatus(running({ store: { kind: 'sqlite', reachable: null, backlog: 0, lastError: null, unreachableSince: null } })).severity).toBe('none');
  });
});
