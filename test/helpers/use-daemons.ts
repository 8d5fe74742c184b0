// For a test file: a `daemon()` that starts a real daemon process and SIGKILLs every one it
// started after each test, so a failing test never leaks a process into the next. Apart from
// daemon-process.ts because it registers a vitest hook, and the benchmarks import that file.
import { afterEach } from 'vitest';
import { type DaemonHandle, startDaemon } from './daemon-process';

export function useDaemons(): (opts?: Parameters<typeof startDaemon>[0]) => Promise<DaemonHandle> {
  const running: DaemonHandle[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.kill('SIGKILL')));
  });
  return async (opts = {}) => {
    const d = await startDaemon(opts);
    running.push(d);
    return d;
  };
}
