// The machine's speed, measured in the same run: a bare Node process from spawn to its first line
// on stdout. Process start-up is CPU-bound work of the same kind as loading a bundle, so times of
// the daemon's start and of the extension's activation are judged as ratios to it, not in
// absolute milliseconds that a slower or busier machine misses without any change in the product.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Spawn → first stdout line of `node -e`, once (ms). */
export async function bareNodeFirstLineMs(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("ready\\n")'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => createInterface({ input: child.stdout }).once('line', () => resolve()));
  const ms = performance.now() - t0;
  await new Promise((r) => child.on('exit', r));
  return ms;
}
