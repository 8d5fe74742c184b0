// `npm run bench`: every figure beside a baseline measured in the same run, as ratios.
// Flags: --quick (shorter windows, fewer rounds), --recall-1m (the 1M-chunk recall corpus and the shared store at 1M memories, tens of minutes),
// --only WORD (run only the sections whose name contains WORD, e.g. `--only activation`).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAtRest } from './rest-bench';
import { benchCaptureThroughput } from './capture-throughput';
import { benchBackoffOnlyWait } from './backoff-only-wait';
import { benchColdStart, benchHibernation, benchWakeLatency } from './daemon-benches';
import { distBuild } from './dist-build';
import { benchExtensionActivation } from './extension-activation';
import { benchMcp } from './mcp-bench';
import { benchQueueThroughput } from './queue-bench';
import { benchRecallQuality } from './quality-rows';
import { benchRecall } from './recall-rows';
import { benchRepairCost } from './repair-cost';
import { type BenchRow, missedTargets, printReport } from './report';
import { benchSecrets } from './secrets-bench';
import { benchConnections } from './connections-bench';
import { benchStoreSize } from './store-size';
import { benchSharedRecallQuality } from './shared-recall-quality';
import { benchSharedStore } from './shared-store-bench';

const quick = process.argv.includes('--quick');
const recall1m = process.argv.includes('--recall-1m');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1];

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const section = async (name: string, run: () => Promise<BenchRow[]>) => {
    if (only !== undefined && !name.includes(only)) return;
    process.stderr.write(`bench: ${name}...\n`);
    try {
      rows.push(...(await run()));
    } catch (error) {
      // A section that fails is a missed target, not the end of the report.
      process.stderr.write(`bench: ${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      rows.push({ section: name, name: `section failed: ${error instanceof Error ? error.message : String(error)}`, value: Number.NaN, unit: '', target: 'runs', pass: false, config: 'see stderr' });
    }
  };
  await section('queue throughput vs plainjob', () => benchQueueThroughput(quick ? 5_000 : 20_000));
  await section('capture throughput', () => (quick ? benchCaptureThroughput(5, 200) : benchCaptureThroughput(5, 1_000)));
  await section('wake latency', () => benchWakeLatency(quick ? 100 : 300));
  await section('wake latency: backoff-only daemon', () => benchBackoffOnlyWait(quick ? 3 : 10));
  await section('cold start and idle memory', () => benchColdStart(quick ? 5 : 15));
  await section('recall quality (git history)', () => benchRecallQuality(process.cwd()));
  await section('store size (git history)', () => benchStoreSize(process.cwd()));
  await section('recall (100k chunks)', () => benchRecall(100_000, mkdtempSync(join(tmpdir(), 'dm-bench-recall-'))));
  if (recall1m) await section('recall (1M chunks)', () => benchRecall(1_000_000, mkdtempSync(join(tmpdir(), 'dm-bench-recall-'))));
  await section('secret scan', () => benchSecrets(process.cwd(), quick ? 5 : 20));
  await section('IPC connections', () => benchConnections(1_000));
  await section('repair: check and salvage cost', () => benchRepairCost(quick ? 20_000 : 100_000));
  await section('agents: MCP round trip', () => benchMcp(quick ? 100 : 300));
  await section('hibernation cost', () => benchHibernation(quick ? 10_000 : 30_000));
  await section('at rest (daemon + idle clients)', () => benchAtRest(quick ? 20_000 : 60_000));
  await section('shared store recall quality (git history)', () => benchSharedRecallQuality(process.cwd()));
  await section('shared store (PostgreSQL)', () => benchSharedStore(quick ? 10_000 : 100_000, quick ? 100 : 200));
  if (recall1m) await section('shared store (PostgreSQL), 1M memories', () => benchSharedStore(1_000_000, 100));
  await section('extension activation', () => benchExtensionActivation(quick ? { rounds: 5, slowRounds: 3, slowDaemonMs: 1000 } : { rounds: 30, slowRounds: 8, slowDaemonMs: 1000 }));
  console.log(`\nDormouse benchmarks (${new Date().toISOString()}, node ${process.version}, ${quick ? 'quick' : 'full'} run${only ? `, only "${only}"` : ''}; ${distBuild()})\n`);
  printReport(rows);
  const failed = missedTargets(rows);
  if (failed.length > 0) {
    console.log(`\n${failed.length} target(s) missed: ${failed.map((r) => `${r.section}: ${r.name}`).join('; ')}`);
    process.exitCode = 1; // a missed target fails `npm run bench` (CI, scripts)
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
