// File modes of the data dir under the real daemon, and a second OS user who tries to read them.
// Creating that user (useradd) and switching to it (spawn's uid/gid) needs root: skipped otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDataDir, waitForStatus } from '../helpers/daemon-process';
import { useDaemons } from '../helpers/use-daemons';
import { systemTool } from '../helpers/system-tool';

const daemon = useDaemons();
const isRoot = process.getuid?.() === 0;
const OTHER_USER = 'dormouse-other';

function otherUser(): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', OTHER_USER], { stdio: 'ignore' });
  } catch {
    execFileSync(systemTool('useradd'), ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OTHER_USER], { stdio: 'ignore' });
  }
  const uid = Number(execFileSync('id', ['-u', OTHER_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', OTHER_USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function walk(dir: string): Array<{ path: string; mode: number; dir: boolean }> {
  const out: Array<{ path: string; mode: number; dir: boolean }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isSocket()) continue;
    out.push({ path, mode: st.mode & 0o777, dir: st.isDirectory() });
    if (st.isDirectory()) out.push(...walk(path));
  }
  return out;
}

describe.skipIf(!isRoot)('file modes (a second OS user needs root to create and switch to)', () => {
  it('every file in a data dir open to others is 0600 and every folder 0700 whatever the umask, another user reads nothing, and the open folder is reported', async () => {
    const dataDir = tempDataDir('dm-modes-');
    chmodSync(dataDir, 0o755); // a folder the user made, readable by everyone
    const umask = process.umask(0); // the loosest umask the daemon could inherit
    let d;
    try {
      d = await daemon({ dataDir });
    } finally {
      process.umask(umask);
    }
    const client = await d.client();
    await client.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'a private thought about okapis' } }] });
    await waitForStatus(client, (s) => s.counters.capturesStored === 1);
    const status = await client.request('status', {});
    expect(status.dataDirWarning).toMatch(/open to other users \(mode 0755\)/);

    const entries = walk(dataDir);
    const names = entries.map((e) => e.path.slice(dataDir.length + 1));
    expect(names).toEqual(expect.arrayContaining(['dormouse.db', 'dormouse.db-wal', 'dormouse.db-shm', 'token', 'logs', 'logs/daemon.log', 'test-config.json']));
    for (const e of entries) expect({ path: e.path, mode: e.mode.toString(8) }).toEqual({ path: e.path, mode: e.dir ? '700' : '600' });

    const { uid, gid } = otherUser();
    for (const e of entries.filter((x) => !x.dir)) {
      const read = spawnSync('cat', [e.path], { uid, gid, encoding: 'utf8' });
      expect({ path: e.path, status: read.status, stdout: read.stdout }).toEqual({ path: e.path, status: 1, stdout: '' });
      expect(read.stderr).toMatch(/Permission denied/);
    }
    expect(readFileSync(d.paths.logFile, 'utf8')).toContain('open to other users');
  });
});
