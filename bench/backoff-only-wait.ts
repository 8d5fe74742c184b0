// What the wake bus saves: how long a daemon that only backs off (suspension off, backed off to
// its ceiling) takes to start a job that nobody announced, measured on a real daemon with the real
// clock. The job is written straight into the daemon's database file by another connection (as a
// daemon without a wake bus would learn of it: not at all), so only the loop's next poll finds it.
// Baseline: the same daemon in the same backed-off state, the job enqueued over the socket (the
// enqueue wakes the loop through the wake bus).
//
// The shipped ceiling is 30 s, and every sample must first wait for the loop to back off to it
// (~64 s from the floor), so the row runs with pollCeilingMs 2000 (a value the settings allow; the
// curve to it takes ~5 s) and says so; the wait is uniform over the ceiling, so the row also gives
// the mean as a share of the ceiling, which is what carries over to 30 s.
import Database from 'better-sqlite3';
import { waitFor } from '../src/shared/event';
import type { EventMessage } from '../src/shared/protocol';
import { insertJob } from '../src/daemon/queue/enqueue';
import { SqlDatabase } from '../src/daemon/store/sql';
import type { DaemonClient } from '../src/client/daemon-client';
import type { BenchRow } from './report';
import { startShippedDaemon } from './shipped-daemon';

const CEILING_MS = 2000;
const SHIPPED_CEILING_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (status is control-plane: no SQL, no wake) until the recall loop's next delay is its ceiling. */
async function untilAtCeiling(client: DaemonClient): Promise<void> {
  for (;;) {
    const status = await client.request('status', {});
    const loop = status.loops.find((l) => l.name === 'recall');
    if (loop && loop.intervalMs >= CEILING_MS) return;
    await sleep(100);
  }
}

export async function benchBackoffOnlyWait(samples: number): Promise<BenchRow[]> {
  const d = await startShippedDaemon({ suspendEnabled: false, pollCeilingMs: CEILING_MS });
  const db = new SqlDatabase(new Database(d.paths.database));
  db.pragma('busy_timeout = 5000');
  try {
    const client = await d.client('bench');
    await client.request('subscribe', { events: ['jobStarted'] });
    // One job at a time, so the next jobStarted is that job's (its event may come before the enqueue's reply).
    const started = () => waitFor(client.onEvent, (e: EventMessage) => e.event === 'jobStarted');
    const unannounced: number[] = [];
    const woken: number[] = [];
    for (let i = 0; i < samples; i++) {
      // Unannounced: at a random phase of the loop's ceiling interval, a row the daemon is not told about.
      await untilAtCeiling(client);
      await sleep(Math.random() * CEILING_MS);
      const found = started();
      const t0 = performance.now();
      insertJob(db, { kind: 'recall', payload: { path: `/bench/unannounced/${i}.ts` } }, 5, Date.now());
      await found;
      unannounced.push(performance.now() - t0);
      // Announced: the same state, the job enqueued over the socket.
      await untilAtCeiling(client);
      await sleep(Math.random() * CEILING_MS);
      const wokenStart = started();
      const t1 = performance.now();
      void client.request('enqueue', { jobs: [{ kind: 'recall', payload: { path: `/bench/announced/${i}.ts` } }] });
      await wokenStart;
      woken.push(performance.now() - t1);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const share = mean(unannounced) / CEILING_MS;
    const config = `${d.config} (shipped: ${SHIPPED_CEILING_MS}); ${samples} samples at a random phase of the ceiling interval; the unannounced job is inserted into dormouse.db by a second connection`;
    return [
      {
        section: 'wake latency', name: `backoff-only daemon at its ceiling: mean wait for a job no wake announces (${samples} samples; ${share.toFixed(2)} of the ceiling, ${((share * SHIPPED_CEILING_MS) / 1000).toFixed(1)} s at the shipped 30 s)`,
        value: mean(unannounced), unit: 'ms', baseline: { name: 'same daemon, job enqueued over the socket (wake bus)', value: mean(woken) }, config,
      },
      {
        section: 'wake latency', name: `backoff-only daemon at its ceiling: worst wait (max of ${samples})`,
        value: Math.max(...unannounced), unit: 'ms', baseline: { name: 'pollCeilingMs (the setting)', value: CEILING_MS }, config,
      },
    ];
  } finally {
    db.close();
    await d.kill();
  }
}
