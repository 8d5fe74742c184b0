// A tiny sequential test framework for the extension host (no mocha: nothing to configure, and
// the runner only needs a JSON file). Suite files call test() at import time; runAll() runs them in
// order, one at a time, and rewrites the results file after each test so a host that crashes
// mid-run still leaves what it got through (the rest stay "pending").
import { writeFileSync } from 'node:fs';
import { RealClock } from '../../../src/shared/clock';
import { mapStack } from './stack-mapping';

export type TestStatus = 'pending' | 'passed' | 'failed';

export interface TestResult {
  name: string;
  status: TestStatus;
  durationMs?: number;
  error?: string;
}

export interface ResultsFile {
  startedAt: string;
  finished: boolean;
  tests: TestResult[];
}

interface RegisteredTest {
  name: string;
  fn: () => Promise<void> | void;
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const registered: RegisteredTest[] = [];
const clock = new RealClock();

export function test(name: string, fn: () => Promise<void> | void, options: { timeoutMs?: number } = {}): void {
  if (registered.some((t) => t.name === name)) throw new Error(`duplicate e2e test name: ${name}`);
  registered.push({ name, fn, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
}

export interface RunOptions {
  /** Where to write the results (JSON); nowhere when undefined. */
  resultsFile: string | undefined;
  /** Called after a test failed, before the next starts (e.g. a screenshot); its errors are logged, not fatal. */
  onFailure?: (test: { index: number; name: string }) => Promise<void>;
}

/** Runs every registered test in order; rejects when any failed (the host then exits non-zero). */
export async function runAll({ resultsFile, onFailure }: RunOptions): Promise<void> {
  // DORMOUSE_E2E_ONLY=<part of a name>[|<part of another>…]: a quick local loop over a few tests
  // (each test waits for what it needs, e.g. a running daemon, so any subset can run on its own).
  const only = process.env.DORMOUSE_E2E_ONLY?.split('|').filter(Boolean);
  const chosen = only?.length ? registered.filter((t) => only.some((part) => t.name.includes(part))) : registered;
  const results: ResultsFile = {
    startedAt: new Date().toISOString(),
    finished: false,
    tests: chosen.map((t) => ({ name: t.name, status: 'pending' })),
  };
  const save = () => {
    if (resultsFile) writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  };
  save();
  for (const [index, t] of chosen.entries()) {
    const result = results.tests[index]!;
    const started = performance.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeoutMs, t.name);
      result.status = 'passed';
    } catch (error) {
      result.status = 'failed';
      result.error = describe(error);
    }
    result.durationMs = Math.round(performance.now() - started);
    if (result.status === 'failed' && onFailure) {
      await withTimeout(onFailure({ index, name: t.name }), 15_000, 'the failure hook').catch((error: unknown) =>
        console.error(`[e2e] failure hook failed: ${describe(error)}`),
      );
    }
    console.log(`[e2e] ${result.status === 'passed' ? 'PASS' : 'FAIL'} ${t.name} (${result.durationMs} ms)${result.error ? `\n${result.error}` : ''}`);
    save();
  }
  results.finished = true;
  save();
  const failed = results.tests.filter((t) => t.status !== 'passed');
  if (failed.length > 0) throw new Error(`${failed.length} e2e test(s) failed: ${failed.map((t) => t.name).join('; ')}`);
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, name: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error(`test timed out after ${timeoutMs} ms: ${name}`)), timeoutMs);
    work.then(
      (value) => (timer.dispose(), resolve(value)),
      (error: unknown) => (timer.dispose(), reject(error)),
    );
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) return mapStack(error.stack ?? `${error.name}: ${error.message}`);
  return String(error);
}
