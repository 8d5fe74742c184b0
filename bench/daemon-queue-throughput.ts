// Queue throughput of the product as shipped: the real daemon (dist/daemon.js, shipped defaults)
// runs N recall jobs (on an empty store: the cheapest job kind the daemon has, a related-memories
// lookup that finds nothing) enqueued by a client over the socket in batches of 100, as the
// extension's outbox sends them; timed from the first enqueue until the daemon's status counts
// every job completed. Beside it: the in-process queue's no-op rate from the same run
// (bench/queue-bench.ts), so the ratio is what the daemon's job wrapper, the recall handler and
// IPC cost on top of the queue.
import { waitForStatus } from '../test/helpers/daemon-process';
import type { BenchRow } from './report';
import { startShippedDaemon } from './shipped-daemon';

const BATCH = 100;

export async function benchDaemonQueueThroughput(n: number, inProcessNoOpPerSec: number): Promise<BenchRow[]> {
  const d = await startShippedDaemon();
  try {
    const client = await d.client('bench');
    const watcher = await d.client('bench-watch');
    const t0 = performance.now();
    const completed = waitForStatus(watcher, (s) => s.counters.jobsCompleted + s.counters.jobsFailed >= n);
    for (let i = 0; i < n; i += BATCH) {
      const jobs = Array.from({ length: Math.min(BATCH, n - i) }, (_, j) => ({ kind: 'recall' as const, payload: { path: `/bench/q/${i + j}.ts` } }));
      await client.request('enqueue', { jobs });
    }
    const status = await completed;
    const seconds = (performance.now() - t0) / 1000;
    if (status.counters.jobsFailed > 0) throw new Error(`${status.counters.jobsFailed} recall job(s) failed: the bench must complete every one`);
    return [{
      section: 'queue', name: `processed end to end by the daemon: ${n} recall jobs (empty store) enqueued over the socket in batches of ${BATCH}`,
      value: Math.round(n / seconds), unit: 'jobs/s', baseline: { name: 'in-process queue, no-op handler (row above)', value: Math.round(inProcessNoOpPerSec) },
      config: `${d.config}; real daemon process and socket; each job runs the recall handler (related memories of a path, nothing stored)`,
    }];
  } finally {
    await d.kill();
  }
}
