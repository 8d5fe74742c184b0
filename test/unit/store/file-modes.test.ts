import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataDirWarning, tightenDataDir } from '../../../src/daemon/store/file-modes';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-modes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('files left readable by others become 0600 and folders 0700; the data dir itself and symlink targets are left alone', () => {
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'dormouse.db'), 'x', { mode: 0o644 });
    mkdirSync(join(dir, 'logs'), { mode: 0o755 });
    writeFileSync(join(dir, 'logs', 'daemon.log'), 'x', { mode: 0o666 });
    const outside = join(tmpdir(), `dm-outside-${process.pid}`);
    writeFileSync(outside, 'x', { mode: 0o644 });
    symlinkSync(outside, join(dir, 'link'));
    try {
      const changed = tightenDataDir(dir);
      expect(changed.sort()).toEqual([join(dir, 'dormouse.db'), join(dir, 'logs'), join(dir, 'logs', 'daemon.log')].sort());
      expect([mode(join(dir, 'dormouse.db')), mode(join(dir, 'logs')), mode(join(dir, 'logs', 'daemon.log'))]).toEqual(['600', '700', '600']);
      expect(mode(dir)).toBe('755');
      expect(mode(outside)).toBe('644');
      expect(tightenDataDir(dir)).toEqual([]);
    } finally {
      rmSync(outside, { force: true });
    }
  });

  it('a data dir with group or other bits is reported with its mode; a private one is not', () => {
    chmodSync(dir, 0o750);
    expect(dataDirWarning(dir)).toMatch(/open to other users \(mode 0750\).*chmod 700/);
    chmodSync(dir, 0o700);
    expect(dataDirWarning(dir)).toBeNull();
  });
});
