// The whole stack at rest: a real daemon (dist/daemon.js, default cadence settings) hibernating
// with idle clients attached (the real extension bundle in a window child, bench/rest-window-child.cjs,
// an idle `dormouse mcp` process that has made one call, and a plain subscribed IPC client), beside
// the same daemon with no client, measured over the same wall-clock window. Wake-ups are the
// context switches (voluntary + involuntary) summed over every thread of the process; CPU is
// schedstat time (bench/proc.ts). The window's own cost is counted too: timers fired in its process,
// while the daemon hibernates beside the same window while the daemon backs off (probes relaxed).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI_SCRIPT } from '../test/helpers/daemon-process';
import { cpuNs } from './proc';
import { type BenchRow, absoluteAtMost, countAtMost } from './report';
import { type ShippedDaemon, startShippedDaemon } from './shipped-daemon';

const REPO = resolve(__dirname, '..');
const CHILD_SCRIPT = join(__dirname, 'rest-window-child.cjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Context switches of every thread of `pid` so far. */
export function contextSwitches(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      for (const line of readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8').split('\n')) {
        if (line.startsWith('voluntary_ctxt_switches:') || line.startsWith('nonvoluntary_ctxt_switches:')) total += Number(line.split(/\s+/)[1]);
      }
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return total;
}

interface Window {
  pid: number;
  ask(): Promise<{ timersFired: number; state: string }>;
  close(): void;
}

export async function openWindow(dataDir: string): Promise<Window> {
  const storageDir = join(dataDir, 'window-storage');
  mkdirSync(storageDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, DORMOUSE_DATA_DIR: dataDir };
  delete env.NODE_OPTIONS; // no tsx loader hooks in the window's process
  const child = spawn(process.execPath, [CHILD_SCRIPT, JSON.stringify({ bundle: join(REPO, 'dist', 'extension.js'), extensionPath: REPO, storageDir })], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const next = () =>
    new Promise<Record<string, unknown>>((res, rej) => {
      lines.once('line', (line) => res(JSON.parse(line) as Record<string, unknown>));
      child.once('exit', (code) => rej(new Error(`window child exited (${code})`)));
    });
  const ready = await next();
  if (ready.error) throw new Error(`window child: ${typeof ready.error === 'string' ? ready.error : JSON.stringify(ready.error)}`);
  return {
    pid: child.pid!,
    ask: async () => {
      const answer = next();
      child.stdin.write('?\n');
      return (await answer) as { timersFired: number; state: string };
    },
    close: () => child.stdin.end(),
  };
}

/** Per minute, from a window of `ms`. */
const perMinute = (delta: number, ms: number) => (delta * 60_000) / ms;

export async function benchAtRest(windowMs: number): Promise<BenchRow[]> {
  // Shipped defaults; the baseline daemon has no client at all, so its idle exit (60 s after the
  // last client) is off, or it would be gone before the window ends.
  const withClients: ShippedDaemon = await startShippedDaemon();
  const alone: ShippedDaemon = await startShippedDaemon({ idleExitMs: 0 });
  let window: Window | undefined;
  const mcp = new Client({ name: 'bench-rest', version: '0' });
  try {
    window = await openWindow(withClients.dataDir);
    await mcp.connect(new StdioClientTransport({ command: process.execPath, args: [CLI_SCRIPT, '--data-dir', withClients.dataDir, 'mcp'], env: { ...(process.env as Record<string, string>) }, stderr: 'ignore' }));
    await mcp.callTool({ name: 'dormouse_search', arguments: { query: 'anything' } }); // it connects on its first call
    const observer = await withClients.client('bench-observer');
    await observer.request('subscribe', { events: ['status'] });
    const aloneClient = await alone.client('bench');

    // Phase 1: the window just woke the daemon; it backs off with nothing to do (probes relaxed).
    await sleep(1000);
    const w0 = await window.ask();
    const wc0 = cpuNs(window.pid);
    await sleep(windowMs);
    const w1 = await window.ask();
    const wc1 = cpuNs(window.pid);

    // Phase 2: hibernated (what the window's own editor-idle signal asks for), every client idle.
    const h = await observer.request('hibernate', {});
    if (!h.hibernated) throw new Error(`could not hibernate: ${h.reason}`);
    if (!(await aloneClient.request('hibernate', {})).hibernated) throw new Error('the baseline daemon could not hibernate');
    aloneClient.close(); // the baseline has no client at all
    // Asked before the settle: the question's own allocations must not land in the window measured.
    const w2 = await window.ask();
    const settledFrom = performance.now();
    // The hibernate's aftermath: one coalesced status event, and V8's memory reducer (a few GCs on
    // delayed tasks some seconds after the last allocation), which is Node's, not Dormouse's.
    await sleep(10_000);
    const a = { cs: contextSwitches(withClients.pid), cpu: cpuNs(withClients.pid) };
    const b = { cs: contextSwitches(alone.pid), cpu: cpuNs(alone.pid) };
    const wc2 = cpuNs(window.pid);
    const wcs2 = contextSwitches(window.pid);
    await sleep(windowMs);
    const wc3 = cpuNs(window.pid);
    const wcs3 = contextSwitches(window.pid);
    const w3 = await window.ask();
    const timersSpan = performance.now() - settledFrom;
    const wakeA = perMinute(contextSwitches(withClients.pid) - a.cs, windowMs);
    const wakeB = perMinute(contextSwitches(alone.pid) - b.cs, windowMs);
    const cpuA = perMinute((cpuNs(withClients.pid) - a.cpu) / 1e6, windowMs);
    const cpuB = perMinute((cpuNs(alone.pid) - b.cpu) / 1e6, windowMs);
    const { state, clients } = await observer.request('status', {});

    const firedHibernated = perMinute(w3.timersFired - w2.timersFired, timersSpan);
    const firedBackingOff = perMinute(w1.timersFired - w0.timersFired, windowMs);
    const span = `${Math.round(windowMs / 1000)} s window, scaled to a minute`;
    const section = 'at rest';
    const daemonConfig = `${withClients.config}; hibernated by a hibernate request; clients: dist/extension.js under bench/vscode-shim.cjs in a Node process (not VS Code), node dist/cli.js mcp after one call, a subscribed IPC client; baseline: ${alone.config}, no client`;
    const windowConfig = `dist/extension.js activated under bench/vscode-shim.cjs in a plain Node process (not VS Code's extension host; its timers wrapped and counted); daemon: ${withClients.config}`;
    return [
      { section, name: `daemon wake-ups per minute, hibernated, ${clients} idle clients (window, mcp, 1 IPC) (${span})`, value: wakeA, unit: '/min', baseline: { name: 'same daemon, no client', value: wakeB }, ...countAtMost(wakeA, 1, '/min (issue 9)'), config: daemonConfig },
      { section, name: `daemon CPU per minute, hibernated, ${clients} idle clients (${span})`, value: cpuA, unit: 'ms', baseline: { name: 'same daemon, no client', value: cpuB }, ...absoluteAtMost(cpuA, 0.5, 'ms', 'issue 9'), config: daemonConfig },
      { section, name: `window (extension host) timers fired per minute, daemon hibernated (${Math.round(timersSpan / 1000)} s, settle included, scaled)`, value: firedHibernated, unit: '/min', baseline: { name: 'same window, daemon backing off', value: firedBackingOff }, ...countAtMost(firedHibernated, 0, '/min (issue 9)'), config: windowConfig },
      { section, name: `window (extension host) CPU per minute, daemon hibernated (${span})`, value: perMinute((wc3 - wc2) / 1e6, windowMs), unit: 'ms', baseline: { name: 'daemon backing off', value: perMinute((wc1 - wc0) / 1e6, windowMs) }, config: windowConfig },
      { section, name: `window (extension host) wake-ups per minute, daemon hibernated (${span})`, value: perMinute(wcs3 - wcs2, windowMs), unit: '/min', config: windowConfig },
      { section, name: 'daemon still hibernating after the window, and the window still connected', value: state === 'hibernating' && w3.state === 'running' ? 1 : 0, unit: '', target: '1', pass: state === 'hibernating' && w3.state === 'running', config: daemonConfig },
    ];
  } finally {
    window?.close();
    await mcp.close().catch(() => {});
    await withClients.kill();
    await alone.kill();
  }
}
