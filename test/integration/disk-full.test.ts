// A full disk under the real daemon: its data dir is a small tmpfs (a real file system that runs
// out of space; we mount it, so this needs root and is skipped with the reason otherwise).
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RpcError } from '../../src/shared/protocol';
import { tempDataDir, waitForStatus } from '../helpers/daemon-process';
import { useDaemons } from '../helpers/use-daemons';

const daemon = useDaemons();
const isRoot = process.getuid?.() === 0;

function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes a filler file until the file system refuses (ENOSPC). */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 16, 1 << 10, 1]) {
      const block = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

const descriptors = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

describe.skipIf(!isRoot)('disk full (tmpfs data dir; needs root to mount)', () => {
  it('captures are refused with the cause and the data dir, descriptors do not grow, nothing acknowledged is lost, and space back ends it', async () => {
    const dir = tempDataDir('dm-full-');
    if (!mountTmpfs(dir, '3m')) throw new Error('mount -t tmpfs failed although running as root');
    let d: Awaited<ReturnType<typeof daemon>> | undefined;
    try {
      d = await daemon({ dataDir: dir });
      const client = await d.client();
      const capture = (i: number) => client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: `capture ${i} ${'x'.repeat(2_000)}` } }] });
      let acknowledged = 0;
      await capture(acknowledged++);
      await waitForStatus(client, (s) => s.counters.capturesStored === 1);
      const filler = fill(dir);

      // Until the database's WAL needs room it no longer has, captures still go in (acknowledged).
      let refusal: RpcError | undefined;
      for (let i = 0; i < 5_000 && !refusal; i++) {
        try {
          await capture(i);
          acknowledged++;
        } catch (error) {
          refusal = error as RpcError;
        }
      }
      expect(refusal?.code).toBe('DISK_FULL');
      expect(refusal?.message).toContain(`disk full: no space left in ${dir}`);

      const before = descriptors(d.pid);
      let refused = 0;
      for (let i = 0; i < 111; i++) {
        try {
          await capture(i);
          acknowledged++;
        } catch (error) {
          expect((error as RpcError).code).toBe('DISK_FULL');
          refused++;
        }
      }
      expect(refused).toBeGreaterThan(100);
      expect(descriptors(d.pid)).toBeLessThanOrEqual(before);
      const full = await client.request('status', {});
      expect(full.diskFull).toMatchObject({ message: `disk full: no space left in ${dir}` });

      // Space back: the next capture goes in and the state ends, with no timer of its own.
      rmSync(filler);
      await capture(-1);
      acknowledged++;
      expect((await client.request('status', {})).diskFull).toBeNull();
      // Every acknowledged capture is stored (those refused by the worker are retried, attempt refunded).
      const stored = await waitForStatus(client, (s) => s.counters.capturesStored + s.counters.capturesSkipped >= acknowledged && s.queue.queued + s.queue.retrying + s.queue.leased === 0);
      expect(stored.queue.dead).toBe(0);
    } finally {
      await d?.kill('SIGKILL');
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
