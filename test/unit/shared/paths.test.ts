// Where a data dir's socket lives: a private per-user folder whose full socket path fits in a
// Unix socket address (shared/docs/ipc.md), never a predictable folder in the shared temp dir
// while a better one fits.
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dataDirId, dataDirPaths, maxSocketPathBytes } from '../../../src/shared/paths';

const bytes = (path: string) => Buffer.byteLength(path);

afterEach(() => vi.unstubAllEnvs());

describe.runIf(process.platform !== 'win32')('dataDirPaths on Unix', () => {
  it('the socket lives under XDG_RUNTIME_DIR when set', () => {
    const p = dataDirPaths('/home/u/.local/share/dormouse', { XDG_RUNTIME_DIR: '/run/user/1000' });
    expect(dirname(p.socketRoot)).toBe('/run/user/1000');
    expect(p.socket).toBe(join(p.socketRoot, `${dataDirId('/home/u/.local/share/dormouse')}.sock`));
    // The rest of the layout stays in the data dir.
    expect(p).toMatchObject({
      dataDir: '/home/u/.local/share/dormouse',
      database: '/home/u/.local/share/dormouse/dormouse.db',
      token: '/home/u/.local/share/dormouse/token',
      logFile: '/home/u/.local/share/dormouse/logs/daemon.log',
      config: '/home/u/.local/share/dormouse/config.json',
    });
  });

  it('without XDG_RUNTIME_DIR the socket folder is under the data dir', () => {
    const dataDir = '/home/u/.local/share/dormouse';
    const p = dataDirPaths(dataDir, {});
    expect(p.socketRoot).toBe(join(dataDir, 'run'));
    expect(p.socket).toBe(join(dataDir, 'run', `${dataDirId(dataDir)}.sock`));
    expect(p.socketRoot.startsWith(tmpdir())).toBe(false);
    // A relative XDG_RUNTIME_DIR is ignored (the spec requires an absolute path).
    expect(dataDirPaths(dataDir, { XDG_RUNTIME_DIR: 'run/user' }).socketRoot).toBe(join(dataDir, 'run'));
  });

  it('a long data dir falls back to a short per-user path under 107 bytes', () => {
    const longDir = `/home/u/${'deeply-nested-project-folder/'.repeat(4)}dormouse`;
    expect(bytes(join(longDir, 'run', 'x.sock'))).toBeGreaterThan(107);

    vi.stubEnv('HOME', '/home/u');
    expect(homedir()).toBe('/home/u');
    const p = dataDirPaths(longDir, {});
    expect(p.socketRoot).toBe('/home/u/.cache/dormouse/run');
    expect(bytes(p.socket)).toBeLessThanOrEqual(Math.min(107, maxSocketPathBytes()));
    expect(p.dataDir).toBe(longDir);
    // Two long data dirs still get two sockets.
    expect(dataDirPaths(`${longDir}-2`, {}).socket).not.toBe(p.socket);

    // A long XDG_RUNTIME_DIR is skipped the same way.
    expect(dataDirPaths(longDir, { XDG_RUNTIME_DIR: longDir }).socketRoot).toBe('/home/u/.cache/dormouse/run');

    // Only when the home folder is too long as well: the temp dir, still short enough.
    vi.stubEnv('HOME', longDir);
    const last = dataDirPaths(longDir, {});
    expect(last.socketRoot.startsWith(tmpdir())).toBe(true);
    expect(bytes(last.socket)).toBeLessThanOrEqual(107);
  });
});
