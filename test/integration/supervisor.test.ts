// The extension's daemon supervisor against REAL daemon processes (dist/daemon.js, built by
// `node esbuild.mjs`): real forks, real sockets, real SQLite files, the real clock with short
// probe intervals. Every wait is on an event; nothing sleeps.
import { existsSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client';
import { CrashBudget } from '../../src/extension/daemon/crash-budget';
import { daemonEnv } from '../../src/extension/daemon/fork-daemon';
import { DaemonSupervisor, type StateChange, type SupervisorOptions } from '../../src/extension/daemon/supervisor';
import { type SupervisorState, isLegalTransition } from '../../src/extension/core/supervisor-state';
import { ManualClock, RealClock } from '../../src/shared/clock';
import { waitFor } from '../../src/shared/event';
import { memoryLogger } from '../../src/shared/logger';
import { isProcessAlive } from '../../src/shared/process-alive';
import { dataDirPaths } from '../../src/shared/paths';
import { DAEMON_SCRIPT, FAST_SETTINGS, tempDataDir } from '../helpers/daemon-process';

interface Window {
  supervisor: DaemonSupervisor;
  log: ReturnType<typeof memoryLogger>;
  states: SupervisorState[];
  /** Every change of state, "from -> to". */
  moves: string[];
}

const windows: Window[] = [];
/** Every daemon pid a supervisor connected to, SIGKILLed (after SIGCONT) once each test ends. */
const daemonPids = new Set<number>();
let windowCount = 0;

beforeAll(() => {
  if (!existsSync(DAEMON_SCRIPT)) throw new Error(`${DAEMON_SCRIPT} is missing: run \`node esbuild.mjs\` first`);
});

afterEach(() => {
  const done = windows.splice(0);
  for (const w of done) w.supervisor.dispose();
  for (const pid of daemonPids) {
    kill(pid, 'SIGCONT');
    kill(pid, 'SIGKILL');
  }
  daemonPids.clear();
  // Whatever a test did, every window only took moves the table allows, and none was refused.
  for (const w of done) expect(illegalMoves(w)).toEqual([]);
});

/** Moves not in TRANSITIONS, and moves the supervisor refused (logged). */
function illegalMoves(w: Window): string[] {
  const taken = w.moves.filter((move) => !isLegalTransition(...(move.split(' -> ') as [SupervisorState, SupervisorState])));
  return [...taken, ...w.log.lines.filter((l) => l.includes('illegal supervisor state change'))];
}

/** A fresh data dir whose config.json makes the daemon fast; idle exit is a safety net only. */
function dataDir(): string {
  const dir = tempDataDir('dm-sv-');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...FAST_SETTINGS, idleExitMs: 60_000 }));
  return dir;
}

/** One VS Code window's supervisor. */
function window(dir: string, overrides: Partial<SupervisorOptions> = {}): Window {
  const log = memoryLogger();
  const supervisor = new DaemonSupervisor({
    dataDir: dir,
    daemonScript: DAEMON_SCRIPT,
    execPath: process.execPath,
    env: daemonEnv(process.env),
    clientName: `test-window-${++windowCount}`,
    clock: new RealClock(),
    log,
    probeIntervalMs: 100,
    probeTimeoutMs: 1000,
    restartDelayMs: 20,
    ...overrides,
  });
  const w: Window = { supervisor, log, states: [], moves: [] };
  supervisor.onDidChangeState(({ state, previous }) => {
    w.states.push(state);
    w.moves.push(`${previous} -> ${state}`);
  });
  supervisor.onDidConnect(() => {
    if (supervisor.daemonPid !== null) daemonPids.add(supervisor.daemonPid);
  });
  windows.push(w);
  return w;
}

function stateIs(state: SupervisorState): (change: StateChange) => boolean {
  return (change) => change.state === state;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Waits until the supervisor has seen the daemon hibernate and its watchdog armed nothing (the hibernate request's owed probe answered). */
async function hibernatedAndSettled(supervisor: DaemonSupervisor, clock: { activeTimers: number }): Promise<void> {
  if (supervisor.status?.state !== 'hibernating') await waitFor(supervisor.onDidChangeStatus, (s) => s?.state === 'hibernating');
  while (clock.activeTimers > 0 || supervisor.status?.state !== 'hibernating') await waitFor(supervisor.onDidChangeStatus);
}

/** A stretch of real time in which nothing should happen: the absence of events cannot be awaited. */
function realWindow(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('DaemonSupervisor with real daemons', () => {
  it('starts a daemon when none runs and connects', async () => {
    const dir = dataDir();
    const { supervisor, log } = window(dir);
    const connected = waitFor(supervisor.onDidConnect);
    await supervisor.start();
    await connected;

    expect(supervisor.state).toBe('running');
    const pid = supervisor.daemonPid!;
    expect(pid).toEqual(expect.any(Number));
    expect(pid).not.toBe(process.pid);
    expect(isProcessAlive(pid)).toBe(true);
    expect(supervisor.status).toMatchObject({ pid, dataDir: dataDirPaths(dir).dataDir, clients: 1 });
    expect(supervisor.lastError).toBeNull();
    expect(log.lines.some((l) => l.includes(`started daemon pid ${pid}`))).toBe(true);
    expect((await supervisor.request('status', {})).pid).toBe(pid);
  });

  it('a second supervisor connects to the running daemon instead of forking another', async () => {
    const dir = dataDir();
    const first = window(dir);
    await first.supervisor.start();
    const second = window(dir);
    await second.supervisor.start();

    expect(second.supervisor.daemonPid).toBe(first.supervisor.daemonPid);
    expect(second.log.lines.some((l) => l.includes('started daemon'))).toBe(false);
    expect((await second.supervisor.request('status', {})).clients).toBe(2);
  });

  it('two windows starting at once end on one daemon', async () => {
    const dir = dataDir();
    const a = window(dir);
    const b = window(dir);
    await Promise.all([a.supervisor.start(), b.supervisor.start()]);

    expect(a.supervisor.daemonPid).toBe(b.supervisor.daemonPid);
    expect((await a.supervisor.request('status', {})).clients).toBe(2);
  });

  it('stopping one window\'s supervisor leaves the daemon running for the others', async () => {
    const dir = dataDir();
    const a = window(dir);
    const b = window(dir);
    await a.supervisor.start();
    await b.supervisor.start();
    const pid = a.supervisor.daemonPid!;

    // The daemon counts a gone client when its socket closes: b's next probe or status event shows it.
    const oneClientLeft = waitFor(b.supervisor.onDidChangeStatus, (s) => s?.clients === 1);
    await a.supervisor.stop();

    expect(a.supervisor.state).toBe('stopped');
    expect(a.supervisor.daemonPid).toBeNull();
    expect(isProcessAlive(pid)).toBe(true);
    expect((await oneClientLeft)?.pid).toBe(pid);
    expect((await b.supervisor.request('status', {})).pid).toBe(pid);
    expect(b.supervisor.state).toBe('running');
  });

  it('stop is safe to call twice', async () => {
    const dir = dataDir();
    const w = window(dir);
    await w.supervisor.start();
    const pid = w.supervisor.daemonPid!;

    const first = w.supervisor.stop();
    const second = w.supervisor.stop();
    expect(second).toBe(first);
    await Promise.all([first, second]);

    expect(w.supervisor.state).toBe('stopped');
    expect(w.states).toEqual(['starting', 'running', 'stopping', 'stopped']);
    // The daemon was never told to stop: it still serves a new client.
    const client = await DaemonClient.connect({ paths: dataDirPaths(dir), clientName: 'after-stop' });
    try {
      expect((await client.request('status', {})).pid).toBe(pid);
    } finally {
      client.close();
    }
  });

  it('a killed daemon is restarted and the supervisor is running again', async () => {
    const w = window(dataDir());
    await w.supervisor.start();
    const killed = w.supervisor.daemonPid!;
    const crashed = waitFor(w.supervisor.onDidChangeState, stateIs('crashed'));
    const reconnected = waitFor(w.supervisor.onDidConnect);

    process.kill(killed, 'SIGKILL');

    expect((await crashed).reason).toMatch(new RegExp(`connection to the daemon \\(pid ${killed}\\) closed unexpectedly`));
    await reconnected;
    expect(w.supervisor.state).toBe('running');
    expect(w.supervisor.daemonPid).not.toBe(killed);
    expect((await w.supervisor.request('status', {})).pid).toBe(w.supervisor.daemonPid);
    expect(w.states).toEqual(['starting', 'running', 'crashed', 'starting', 'running']);
  });

  it('a deliberate stop by another client reconnects without spending the crash budget', async () => {
    // A budget of zero crashes: any counted crash would give up.
    const w = window(dataDir(), { crashBudget: new CrashBudget({ clock: new RealClock(), maxCrashes: 0 }) });
    await w.supervisor.start();
    const stopped = w.supervisor.daemonPid!;
    const crashed = waitFor(w.supervisor.onDidChangeState, stateIs('crashed'));
    const reconnected = waitFor(w.supervisor.onDidConnect);
    const other = window(w.supervisor.status!.dataDir);
    await other.supervisor.restart(); // another window's "Restart daemon"
    expect((await crashed).reason).toMatch(/stopped: stop requested/);
    await reconnected;
    expect(w.supervisor.state).toBe('running');
    expect(w.supervisor.daemonPid).not.toBe(stopped);
    expect(w.log.lines.some((l) => l.includes('daemon crashed'))).toBe(false);
  });

  it('a window refused at the connection limit says why, spends no crash budget, and joins once a slot frees', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...FAST_SETTINGS, idleExitMs: 60_000, ipcMaxConnections: 1 }));
    const first = window(dir);
    await first.supervisor.start();
    // A budget of zero crashes: a refusal counted as a crash would give up.
    const late = window(dir, { crashBudget: new CrashBudget({ clock: new RealClock(), maxCrashes: 0 }), restartDelayMs: 50 });
    const refused = waitFor(late.supervisor.onDidChangeState, stateIs('crashed'));
    const joined = waitFor(late.supervisor.onDidConnect);
    void late.supervisor.start();
    expect((await refused).reason).toMatch(/^TOO_MANY_CONNECTIONS: the daemon serves at most 1 client at once/);
    first.supervisor.dispose();
    await joined;
    expect(late.supervisor.state).toBe('running');
    expect(late.log.lines.some((l) => l.includes('daemon crashed'))).toBe(false);
  });

  it('when the shared daemon dies, every window reconnects to one new daemon', async () => {
    const dir = dataDir();
    const a = window(dir);
    const b = window(dir);
    await a.supervisor.start();
    await b.supervisor.start();
    const killed = a.supervisor.daemonPid!;
    const bothBack = Promise.all([waitFor(a.supervisor.onDidConnect), waitFor(b.supervisor.onDidConnect)]);

    process.kill(killed, 'SIGKILL');
    await bothBack;

    expect(a.supervisor.daemonPid).not.toBe(killed);
    expect(b.supervisor.daemonPid).toBe(a.supervisor.daemonPid);
    expect((await a.supervisor.request('status', {})).clients).toBe(2);
  });

  it('three failed probes in a row restart an unresponsive daemon', async () => {
    const w = window(dataDir(), { probeIntervalMs: 100, probeTimeoutMs: 150 });
    await w.supervisor.start();
    const frozen = w.supervisor.daemonPid!;
    const crashed = waitFor(w.supervisor.onDidChangeState, stateIs('crashed'));
    const reconnected = waitFor(w.supervisor.onDidConnect);

    process.kill(frozen, 'SIGSTOP'); // afterEach sends SIGCONT and SIGKILL to every daemon pid

    expect((await crashed).reason).toBe(`the daemon (pid ${frozen}) did not answer 3 status probes in a row; killed it`);
    await reconnected;
    expect(w.supervisor.daemonPid).not.toBe(frozen);
    expect(w.supervisor.state).toBe('running');
    const probeWarnings = w.log.lines.map((l) => l.match(/status probe (\d\/3) failed/)?.[1]).filter(Boolean);
    expect(probeWarnings).toEqual(['1/3', '2/3', '3/3']);
  });

  it('a hibernated daemon with the supervisor attached gets no status probe', async () => {
    const clock = new RealClock();
    const w = window(dataDir(), { clock, probeIntervalMs: 50 });
    await w.supervisor.start();
    expect(await w.supervisor.request('hibernate', {})).toEqual({ hibernated: true });
    await hibernatedAndSettled(w.supervisor, clock);

    // Twenty probe intervals: the old watchdog would have asked for status twenty times.
    let statuses = 0;
    const counting = w.supervisor.onDidChangeStatus(() => statuses++);
    await realWindow(20 * 50);
    counting.dispose();
    expect(statuses).toBe(0);
    expect(clock.activeTimers).toBe(0);
    expect(w.log.lines.filter((l) => /status probe/.test(l))).toEqual([]);
  });

  it('a daemon that hangs with work in flight is found and restarted within the watchdog bound', async () => {
    const dir = dataDir();
    const interval = 100;
    const timeout = 150;
    const clock = new RealClock();
    const w = window(dir, { clock, env: { ...daemonEnv(process.env), DORMOUSE_TEST_HOOKS: '1' }, probeIntervalMs: interval, probeTimeoutMs: timeout });
    await w.supervisor.start();
    await w.supervisor.request('hibernate', {});
    await hibernatedAndSettled(w.supervisor, clock);
    // Work in flight: a capture tick held by the test hook (the daemon can no longer hibernate).
    const inFlight = waitFor(w.supervisor.onDidChangeStatus, (s) => s?.loops.some((l) => l.name === 'capture' && l.inFlight) === true);
    await w.supervisor.request('debug', { action: 'wedge-loop', loop: 'capture' });
    await inFlight;
    const frozen = w.supervisor.daemonPid!;
    const crashed = waitFor(w.supervisor.onDidChangeState, stateIs('crashed'));
    const reconnected = waitFor(w.supervisor.onDidConnect);

    const hungAt = performance.now();
    process.kill(frozen, 'SIGSTOP'); // afterEach sends SIGCONT and SIGKILL to every daemon pid

    expect((await crashed).reason).toBe(`the daemon (pid ${frozen}) did not answer 3 status probes in a row; killed it`);
    // The bound at the floor: three intervals and three timeouts (plus slack for a busy machine).
    expect(performance.now() - hungAt).toBeLessThan(3 * (interval + timeout) + 2000);
    await reconnected;
    expect(w.supervisor.daemonPid).not.toBe(frozen);
  });

  it('a daemon that hung while hibernating is found by the probe the next request owes', async () => {
    const clock = new RealClock();
    const w = window(dataDir(), { clock, probeIntervalMs: 100, probeTimeoutMs: 150 });
    await w.supervisor.start();
    await w.supervisor.request('hibernate', {});
    await hibernatedAndSettled(w.supervisor, clock);
    const frozen = w.supervisor.daemonPid!;
    const crashed = waitFor(w.supervisor.onDidChangeState, stateIs('crashed'));
    process.kill(frozen, 'SIGSTOP');
    expect(clock.activeTimers).toBe(0); // nothing would notice, until the window needs the daemon

    const recall = w.supervisor.request('recall', { query: 'anything' });
    expect((await crashed).reason).toBe(`the daemon (pid ${frozen}) did not answer 3 status probes in a row; killed it`);
    await expect(recall).rejects.toBeDefined(); // the connection closed under it: the caller buffers or retries
  });

  it('a stale poll loop is only reported through status, never acted on', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...FAST_SETTINGS, idleExitMs: 60_000, staleThresholdMs: 1000 }));
    const env = { ...daemonEnv(process.env), DORMOUSE_TEST_HOOKS: '1' };
    const w = window(dir, { env });
    await w.supervisor.start();
    const pid = w.supervisor.daemonPid!;
    const stale = waitFor(w.supervisor.onDidChangeStatus, (s) => s?.health.pollStale === true);

    await w.supervisor.request('debug', { action: 'wedge-loop', loop: 'capture' });

    expect((await stale)?.health.staleLoops).toEqual(['capture']);
    expect(w.supervisor.state).toBe('running');
    expect(w.supervisor.daemonPid).toBe(pid);
    expect(w.states).toEqual(['starting', 'running']);
    await w.supervisor.request('debug', { action: 'release-loop', loop: 'capture' });
  });

  it('more than 5 crashes in 3 minutes gives up and says so', async () => {
    const dir = dataDir();
    const script = join(dir, 'crash-at-once.js');
    writeFileSync(script, 'process.exit(1);\n');
    const w = window(dir, { daemonScript: script, crashBudget: new CrashBudget({ clock: new ManualClock() }), restartDelayMs: 1 });
    const gaveUp = waitFor(w.supervisor.onDidGiveUp);

    await expect(w.supervisor.start()).rejects.toThrow(/crashed 6 times in 3 minutes; not restarting it/);

    const { message } = await gaveUp;
    expect(message).toMatch(/^The Dormouse daemon crashed 6 times in 3 minutes; not restarting it\. Last error: .*exited \(code 1\) before it was ready/);
    expect(w.supervisor.state).toBe('given-up');
    expect(w.states.filter((s) => s === 'crashed')).toHaveLength(6);
    expect(w.states.at(-1)).toBe('given-up');
    await expect(w.supervisor.request('status', {})).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });

  it('restart leaves given-up and resets the budget', async () => {
    const dir = dataDir();
    // Crashes at once while the flag file exists, else runs the real daemon.
    const flag = join(dir, 'crash-flag');
    writeFileSync(flag, '');
    const script = join(dir, 'flaky-daemon.js');
    writeFileSync(script, `if (require('node:fs').existsSync(${JSON.stringify(flag)})) process.exit(1);\nrequire(${JSON.stringify(DAEMON_SCRIPT)});\n`);
    const w = window(dir, { daemonScript: script, crashBudget: new CrashBudget({ clock: new ManualClock() }), restartDelayMs: 1 });
    await expect(w.supervisor.start()).rejects.toThrow(/not restarting it/);
    expect(w.supervisor.state).toBe('given-up');

    rmSync(flag);
    await w.supervisor.restart();
    expect(w.supervisor.state).toBe('running');

    // Six crashes are on the (frozen) clock: without the reset, one more would give up again.
    const killed = w.supervisor.daemonPid!;
    const reconnected = waitFor(w.supervisor.onDidConnect);
    process.kill(killed, 'SIGKILL');
    await reconnected;
    expect(w.supervisor.state).toBe('running');
    expect(w.supervisor.daemonPid).not.toBe(killed);
  });

  it('restart stops the running daemon and starts a fresh one that every window joins', async () => {
    const dir = dataDir();
    const a = window(dir);
    const b = window(dir);
    await a.supervisor.start();
    await b.supervisor.start();
    const old = a.supervisor.daemonPid!;
    const bBack = waitFor(b.supervisor.onDidConnect);

    await a.supervisor.restart();
    await bBack;

    expect(isProcessAlive(old)).toBe(false);
    expect(a.supervisor.daemonPid).not.toBe(old);
    expect(b.supervisor.daemonPid).toBe(a.supervisor.daemonPid);
    expect(a.log.lines.some((l) => l.includes(`daemon pid ${old} stopped`))).toBe(true);
    expect(a.states).not.toContain('crashed'); // the stop it asked for is not a crash
  });

  it('request while not connected rejects at once', async () => {
    const w = window(dataDir());
    await expect(w.supervisor.request('status', {})).rejects.toMatchObject({ code: 'DISCONNECTED', message: expect.stringMatching(/not connected \(stopped\)/) });

    const started = w.supervisor.start();
    expect(w.supervisor.state).toBe('starting');
    await expect(w.supervisor.request('recall', { query: 'anything' })).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(w.supervisor.state).toBe('starting'); // it answered before the start finished

    await started;
    await expect(w.supervisor.request('status', {})).resolves.toMatchObject({ pid: w.supervisor.daemonPid });
  });

  it('a stopped supervisor arms no timers', async () => {
    const clock = new RealClock();
    const w = window(dataDir(), { clock });
    await w.supervisor.start();
    // One timer while running: the watchdog's next probe, or the timeout of the probe in flight.
    expect(clock.activeTimers).toBeLessThanOrEqual(1);
    await w.supervisor.stop();
    // A probe in flight was rejected by the close; let its `finally` run (one turn, not a sleep).
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.activeTimers).toBe(0);
  });
});

describe("the supervisor's real paths take only legal transitions", () => {
  it('start: stopped -> starting -> running', async () => {
    const w = window(dataDir());
    await w.supervisor.start();
    expect(w.moves).toEqual(['stopped -> starting', 'starting -> running']);
    expect(illegalMoves(w)).toEqual([]);
  });

  it('a crash, then the restart: running -> crashed -> starting -> running', async () => {
    const w = window(dataDir());
    await w.supervisor.start();
    const reconnected = waitFor(w.supervisor.onDidConnect);
    process.kill(w.supervisor.daemonPid!, 'SIGKILL');
    await reconnected;
    expect(w.moves).toEqual(['stopped -> starting', 'starting -> running', 'running -> crashed', 'crashed -> starting', 'starting -> running']);
    expect(illegalMoves(w)).toEqual([]);
  });

  it('the crash budget spent: starting -> crashed six times, then crashed -> given-up; restart leaves it', async () => {
    const dir = dataDir();
    const flag = join(dir, 'crash-flag');
    writeFileSync(flag, '');
    const script = join(dir, 'flaky-daemon.js');
    writeFileSync(script, `if (require('node:fs').existsSync(${JSON.stringify(flag)})) process.exit(1);\nrequire(${JSON.stringify(DAEMON_SCRIPT)});\n`);
    const w = window(dir, { daemonScript: script, crashBudget: new CrashBudget({ clock: new ManualClock() }), restartDelayMs: 1 });
    await expect(w.supervisor.start()).rejects.toThrow(/not restarting it/);
    const crashLoop = ['starting -> crashed', 'crashed -> starting'];
    expect(w.moves).toEqual(['stopped -> starting', ...Array(5).fill(crashLoop).flat(), 'starting -> crashed', 'crashed -> given-up']);

    rmSync(flag);
    await w.supervisor.restart();
    expect(w.moves.slice(-2)).toEqual(['given-up -> starting', 'starting -> running']);
    expect(illegalMoves(w)).toEqual([]);
  });

  it('the restart command: running -> starting -> running, the stop it asked for counted as no crash', async () => {
    const w = window(dataDir());
    await w.supervisor.start();
    await w.supervisor.restart();
    expect(w.moves).toEqual(['stopped -> starting', 'starting -> running', 'running -> starting', 'starting -> running']);
    expect(illegalMoves(w)).toEqual([]);
  });

  it('stop twice: running -> stopping -> stopped, once', async () => {
    const w = window(dataDir());
    await w.supervisor.start();
    await Promise.all([w.supervisor.stop(), w.supervisor.stop()]);
    await w.supervisor.stop();
    expect(w.moves).toEqual(['stopped -> starting', 'starting -> running', 'running -> stopping', 'stopping -> stopped']);
    expect(illegalMoves(w)).toEqual([]);
  });
});

describe('cancellation: each attempt has an AbortSignal', () => {
  /** A script that never reports ready: it writes its pid and lingers (the test kills it). */
  function neverReady(dir: string): { script: string; pidFile: string } {
    const pidFile = join(dir, 'never-ready.pid');
    const script = join(dir, 'never-ready.js');
    writeFileSync(script, `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nsetTimeout(() => {}, 60_000);\n`);
    return { script, pidFile };
  }

  /** The pid the script writes, once it has (watched, not polled). */
  async function pidIn(file: string): Promise<number> {
    const watcher = watch(dirname(file));
    try {
      while (!existsSync(file) || readFileSync(file, 'utf8') === '') await new Promise((resolve) => watcher.once('change', resolve));
      return Number(readFileSync(file, 'utf8'));
    } finally {
      watcher.close();
    }
  }

  /** A logger that also tells the test of each line as it is written. */
  function hookedLog(onLine: (line: string) => void): ReturnType<typeof memoryLogger> {
    const log = memoryLogger();
    // The originals, bound before they are replaced (the hooks call them).
    const { debug, info, warn, error } = { debug: log.debug.bind(log), info: log.info.bind(log), warn: log.warn.bind(log), error: log.error.bind(log) };
    const hook = (write: (m: string) => void) => (m: string) => {
      write(m);
      onLine(m);
    };
    return Object.assign(log, { debug: hook(debug), info: hook(info), warn: hook(warn), error: hook(error) });
  }

  it('a stop during a start attempt cancels it: no daemon is adopted afterwards', async () => {
    const dir = dataDir();
    const a = window(dir);
    await a.supervisor.start();
    const b = window(dir);
    let connects = 0;
    b.supervisor.onDidConnect(() => connects++);

    const started = b.supervisor.start(); // its connect is in flight
    await b.supervisor.stop();

    await expect(started).rejects.toThrow(/stopped before it connected/);
    expect(b.moves).toEqual(['stopped -> starting', 'starting -> stopping', 'stopping -> stopped']);
    // Whatever the cancelled connect had reached, it is over: a round trip later, still nothing.
    expect((await a.supervisor.request('status', {})).clients).toBe(1);
    expect(connects).toBe(0);
    expect(b.supervisor.daemonPid).toBeNull();
    expect(b.log.lines.some((l) => l.includes('connected to daemon'))).toBe(false);
  });

  it('a stop while the fork waits for the daemon to be ready stops waiting at once; the half-started daemon is left to its own deadline', async () => {
    const dir = dataDir();
    const { script, pidFile } = neverReady(dir);
    let forking!: () => void;
    const forkBegan = new Promise<void>((resolve) => (forking = resolve));
    const log = hookedLog((line) => line.includes('starting one') && forking());
    // Both bounds far beyond the test's timeout: only the abort can end the wait in time.
    const w = window(dir, { daemonScript: script, forkTimeoutMs: 120_000, stopTimeoutMs: 120_000, log });
    const started = w.supervisor.start();
    await forkBegan;

    await w.supervisor.stop();

    await expect(started).rejects.toThrow(/stopped before it connected/);
    expect(w.moves).toEqual(['stopped -> starting', 'starting -> stopping', 'stopping -> stopped']);
    expect(w.states).not.toContain('crashed'); // a cancelled fork is not a failed one
    const pid = await pidIn(pidFile);
    daemonPids.add(pid); // killed after the test
    expect(isProcessAlive(pid)).toBe(true); // not killed by the stop: it might have served other windows
  });

  it('a restart during a start attempt supersedes it: one connection, to the restarted daemon', async () => {
    const dir = dataDir();
    const a = window(dir);
    await a.supervisor.start();
    const old = a.supervisor.daemonPid!;
    const b = window(dir);
    let connects = 0;
    b.supervisor.onDidConnect(() => connects++);

    const started = b.supervisor.start(); // its connect is in flight
    await b.supervisor.restart();
    await started; // the first caller is served by the restart's connection

    expect(connects).toBe(1);
    expect(b.supervisor.daemonPid).not.toBe(old);
    expect(b.moves).toEqual(['stopped -> starting', 'starting -> running']); // a restart while starting stays there
    expect((await b.supervisor.request('status', {})).pid).toBe(b.supervisor.daemonPid);
  });
});

describe('restart stops the daemon process (stop-daemon.ts)', () => {
  it('a daemon that does not answer stop within stopTimeoutMs is killed, and a fresh one started', async () => {
    const w = window(dataDir(), { stopTimeoutMs: 300 });
    await w.supervisor.start();
    const hung = w.supervisor.daemonPid!;
    process.kill(hung, 'SIGSTOP'); // afterEach sends SIGCONT and SIGKILL to every daemon pid

    await w.supervisor.restart();

    expect(w.log.lines.some((l) => l.includes(`daemon pid ${hung} did not answer stop (stop got no reply within 300 ms); killing it`))).toBe(true);
    expect(w.supervisor.daemonPid).not.toBe(hung);
    expect(w.states).not.toContain('crashed');
  });

  it('a stop during a restart stops waiting at once and kills nothing: the daemon was asked to stop and is left to do it', async () => {
    // Both bounds far beyond the test's timeout: only the abort can end the wait in time.
    const w = window(dataDir(), { stopTimeoutMs: 120_000 });
    await w.supervisor.start();
    const asked = w.supervisor.daemonPid!;
    process.kill(asked, 'SIGSTOP'); // it will not answer `stop`: the restart waits for it

    const restarting = w.supervisor.restart();
    await w.supervisor.stop();

    await expect(restarting).rejects.toThrow(/stopped before it connected/);
    expect(w.moves.slice(-3)).toEqual(['running -> starting', 'starting -> stopping', 'stopping -> stopped']);
    expect(isProcessAlive(asked)).toBe(true);
    expect(w.log.lines.filter((l) => l.includes('killing it'))).toEqual([]);
  });
});

describe('the crash budget on the supervisor\'s clock', () => {
  /** A supervisor on a ManualClock forking a script that exits at once: each restart waits `restartDelayMs` of clock time. */
  function crashingWindow(restartDelayMs: number) {
    const dir = dataDir();
    const script = join(dir, 'crash-at-once.js');
    writeFileSync(script, 'process.exit(1);\n');
    const clock = new ManualClock();
    const w = window(dir, { daemonScript: script, clock, restartDelayMs });
    /** The next crash (after the restart the clock releases). */
    const nextCrash = async () => {
      const crashed = waitFor(w.supervisor.onDidChangeState, stateIs('crashed'));
      await clock.advance(restartDelayMs); // the restart timer falls due at the end of the advance
      await crashed;
    };
    return { w, clock, nextCrash };
  }

  it('six crashes inside three minutes of clock time give up', async () => {
    const { w, nextCrash } = crashingWindow(30_000);
    const gaveUp = waitFor(w.supervisor.onDidChangeState, stateIs('given-up'));
    const started = w.supervisor.start().catch((e: unknown) => e);
    await waitFor(w.supervisor.onDidChangeState, stateIs('crashed'));
    for (let crash = 2; crash <= 5; crash++) await nextCrash(); // at 30, 60, 90, 120 s
    expect(w.supervisor.state).toBe('crashed');

    await nextCrash(); // the sixth, at 150 s: inside the window of the first
    await gaveUp;
    expect(String(await started)).toMatch(/crashed 6 times in 3 minutes/);
  });

  it('crashes spaced wider than the budget allows are restarted however many there are', async () => {
    const { w, nextCrash } = crashingWindow(40_000);
    void w.supervisor.start().catch(() => undefined);
    await waitFor(w.supervisor.onDidChangeState, stateIs('crashed'));
    // One every 40 s: never more than 5 inside any 3 minutes.
    for (let crash = 2; crash <= 8; crash++) await nextCrash();
    expect(w.states.filter((s) => s === 'crashed')).toHaveLength(8);
    expect(w.states).not.toContain('given-up');
    expect(w.log.lines.filter((l) => l.includes('(crash 5 of 5 allowed in 3 minutes)')).length).toBeGreaterThan(0);
  });
});
