// End-to-end capture throughput: C clients on the real socket each enqueue F small real files at
// once (in batches of 100, as the extension's outbox sends them) to a real daemon process with the
// default settings; the figure is the time until every capture is stored. Beside it, in the same
// run: the same work with pacing off (spawnJitterMs [0, 0]) and the in-process no-op queue's rate
// (bench/queue-bench.ts), the ceiling of what the queue alone allows.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonClient } from '../src/client/daemon-client';
import type { JobInput } from '../src/shared/protocol';
import type { Settings } from '../src/shared/settings';
import { tempDataDir, waitForStatus } from '../test/helpers/daemon-process';
import { noOpQueueRate } from './queue-bench';
import { type BenchRow, ratioAtMost } from './report';
import { startShippedDaemon } from './shipped-daemon';

const BATCH = 100;

/** Writes clients x perClient small source files (a few hundred bytes each, all different). */
function writeFiles(root: string, clients: number, perClient: number): string[][] {
  return Array.from({ length: clients }, (_, c) => {
    const dir = join(root, `client-${c}`);
    mkdirSync(dir, { recursive: true });
    return Array.from({ length: perClient }, (_, i) => {
      const path = join(dir, `module-${i}.ts`);
      writeFileSync(path, `// module ${c}-${i}\nexport function handler${c}x${i}(input: number): number {\n  const retries = ${i % 7};\n  return input * retries + ${c};\n}\n`);
      return path;
    });
  });
}

async function enqueueAll(client: DaemonClient, paths: string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += BATCH) {
    const jobs: JobInput[] = paths.slice(i, i + BATCH).map((path) => ({
      kind: 'capture', payload: { type: 'file', path, language: 'typescript' }, idempotencyKey: `bench:${path}`,
    }));
    await client.request('enqueue', { jobs });
  }
}

/** Seconds from the first enqueue until the daemon has stored every capture, and the daemon's configuration. */
async function timeToStoreAll(changed: Partial<Settings>, files: string[][]): Promise<{ seconds: number; config: string }> {
  const daemon = await startShippedDaemon(changed);
  try {
    const watcher = await daemon.client('bench-watch');
    const clients = await Promise.all(files.map((_, c) => daemon.client(`bench-${c}`)));
    const total = files.reduce((n, f) => n + f.length, 0);
    const t0 = performance.now();
    // Stored or skipped: a skip must end the wait (and fail the bench), not hang it.
    const stored = waitForStatus(watcher, (s) => s.counters.capturesStored + s.counters.capturesSkipped >= total);
    await Promise.all(clients.map((client, c) => enqueueAll(client, files[c]!)));
    const status = await stored;
    const seconds = (performance.now() - t0) / 1000;
    if (status.counters.capturesSkipped > 0) {
      throw new Error(`captures skipped (${JSON.stringify(status.counters.skipsByReason)}): the bench must store every one`);
    }
    return { seconds, config: daemon.config };
  } finally {
    await daemon.kill();
  }
}

export async function benchCaptureThroughput(clients: number, perClient: number): Promise<BenchRow[]> {
  const files = writeFiles(tempDataDir('dm-bench-files-'), clients, perClient);
  const paced = await timeToStoreAll({}, files);
  const unpaced = await timeToStoreAll({ spawnJitterMs: [0, 0] }, files);
  const total = clients * perClient;
  const noOp = await noOpQueueRate(total);
  const what = `${clients} clients x ${perClient} small files, real socket`;
  const config = `${paced.config}; real daemon process, files on disk, batches of ${BATCH} per enqueue; baseline: ${unpaced.config}`;
  return [
    {
      section: 'capture throughput', name: `${what}: time until all stored`, value: paced.seconds, unit: 's',
      baseline: { name: 'pacing off (spawnJitterMs [0, 0])', value: unpaced.seconds }, ...ratioAtMost(paced.seconds, unpaced.seconds, 1.5, 'issue 9'), config,
    },
    {
      section: 'capture throughput', name: `${what}: captures stored per second (for contrast with the queue alone)`, value: Math.round(total / paced.seconds), unit: 'captures/s',
      baseline: { name: `no-op queue in process (${total} jobs)`, value: Math.round(noOp) },
      config: `${paced.config}; baseline in process, no daemon (see the queue rows)`,
    },
  ];
}
