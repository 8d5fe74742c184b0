// Benchmarks of the real daemon process on a real socket: hibernation cost, wake latency,
// cold start and idle memory. Each figure is printed with a baseline measured in the same run.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { waitFor } from '../src/shared/event';
import type { EventMessage } from '../src/shared/protocol';
import { type DaemonHandle, startDaemon } from '../test/helpers/daemon-process';
import { cpuNs, rssMb } from './proc';
import { type BenchRow, percentile } from './report';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hibernated daemon vs a flat 1 s poll, over the same wall-clock window, side by side. */
export async function benchHibernation(windowMs: number): Promise<BenchRow[]> {
  const hibernating = await startDaemon({ settings: { idleExitMs: 0 } });
  const polling = await startDaemon({ settings: { idleExitMs: 0, backoffEnabled: false, suspendEnabled: false, pollFloorMs: 1000, pollCeilingMs: 1000 } });
  try {
    const a = await hibernating.client('bench');
    const b = await polling.client('bench');
    await a.request('hibernate', {});
    // Let the start-up and the hibernate request's own aftermath (a coalesced status event, GC) settle.
    await sleep(2000);
    const a0 = (await a.request('status', {})).counters.sqlStatements;
    const b0 = (await b.request('status', {})).counters.sqlStatements;
    const ca0 = cpuNs(hibernating.pid);
    const cb0 = cpuNs(polling.pid);
    await sleep(windowMs);
    const ca1 = cpuNs(hibernating.pid);
    const cb1 = cpuNs(polling.pid);
    const a1 = (await a.request('status', {})).counters.sqlStatements;
    const b1 = (await b.request('status', {})).counters.sqlStatements;
    const scale = 30_000 / windowMs;
    const cpuA = ((ca1 - ca0) / 1e6) * scale;
    const cpuB = ((cb1 - cb0) / 1e6) * scale;
    return [
      { section: 'hibernation', name: 'SQL statements per 30 s, hibernated', value: Math.round((a1 - a0) * scale), unit: 'stmts', baseline: { name: 'flat 1 s poll', value: Math.round((b1 - b0) * scale) }, target: '0', pass: a1 - a0 === 0 },
      { section: 'hibernation', name: 'CPU per 30 s, hibernated', value: cpuA, unit: 'ms', baseline: { name: 'flat 1 s poll', value: cpuB }, target: '<= 1 ms', pass: cpuA <= 1 },
    ];
  } finally {
    await hibernating.kill();
    await polling.kill();
  }
}

/** Enqueue (from a client on the real socket) to the job's start, on a hibernated daemon vs an awake one. */
export async function benchWakeLatency(rounds: number): Promise<BenchRow[]> {
  const d = await startDaemon({ settings: { idleExitMs: 0, pollFloorMs: 250, pollCeilingMs: 30_000 } });
  try {
    const client = await d.client('bench');
    await client.request('subscribe', { events: ['jobStarted', 'related'] });
    const measure = async (hibernate: boolean): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < rounds; i++) {
        if (hibernate) {
          const h = await client.request('hibernate', {});
          if (!h.hibernated) throw new Error(`could not hibernate: ${h.reason}`);
        }
        const started = waitFor(client.onEvent, (e: EventMessage) => e.event === 'jobStarted');
        const finished = waitFor(client.onEvent, (e: EventMessage) => e.event === 'related');
        const t0 = performance.now();
        void client.request('enqueue', { jobs: [{ kind: 'recall', payload: { path: `/bench/${hibernate ? 'h' : 'a'}/${i}.ts` } }] });
        await started;
        samples.push(performance.now() - t0);
        await finished;
      }
      return samples;
    };
    await measure(false); // warm-up
    const awake = await measure(false);
    const hibernated = await measure(true);
    const p50 = percentile(hibernated, 50);
    const p99 = percentile(hibernated, 99);
    return [
      { section: 'wake latency', name: 'enqueue → job start p50, hibernated', value: p50, unit: 'ms', baseline: { name: 'awake daemon', value: percentile(awake, 50) }, target: '<= 0.5 ms', pass: p50 <= 0.5 },
      { section: 'wake latency', name: 'enqueue → job start p99, hibernated', value: p99, unit: 'ms', baseline: { name: 'awake daemon', value: percentile(awake, 99) }, target: '<= 2 ms', pass: p99 <= 2 },
      { section: 'wake latency', name: 'backoff-only daemon (no wake bus): mean / worst wait', value: 15_000, unit: 'ms', baseline: { name: 'worst = ceiling', value: 30_000 }, target: 'for contrast' },
    ];
  } finally {
    await d.kill();
  }
}

/** Spawn → first reply (hello + status) of the real daemon, vs a bare Node process's first output line. */
export async function benchColdStart(rounds: number): Promise<BenchRow[]> {
  const bare: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("ready\\n")'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => createInterface({ input: child.stdout }).once('line', () => resolve()));
    bare.push(performance.now() - t0);
    await new Promise((r) => child.on('exit', r));
  }
  const daemon: number[] = [];
  let last: DaemonHandle | undefined;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const d = await startDaemon({ settings: { idleExitMs: 0 } });
    const client = await d.client('bench');
    await client.request('status', {});
    daemon.push(performance.now() - t0);
    if (last) await last.kill();
    last = d;
  }
  const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30); process.stdout.write("ready\\n")'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => createInterface({ input: idle.stdout }).once('line', () => resolve()));
  const client = await last!.client('bench-rss');
  await client.request('hibernate', {});
  await sleep(1000);
  const rss = rssMb(last!.pid);
  const bareRss = rssMb(idle.pid!);
  idle.kill();
  await last!.kill();
  const p50 = percentile(daemon, 50);
  return [
    { section: 'process', name: 'cold start → first reply p50', value: p50, unit: 'ms', baseline: { name: 'bare node first line', value: percentile(bare, 50) }, target: '<= 100 ms', pass: p50 <= 100 },
    { section: 'process', name: 'idle RSS, hibernated', value: rss, unit: 'MB', baseline: { name: 'bare idle node', value: bareRss }, target: '<= 60 MB', pass: rss <= 60 },
  ];
}
