import { describe, expect, it } from 'vitest';
import { openFileLimitWarning, readOpenFileLimit } from '../../../src/daemon/ipc/open-file-limit';

const limits = (soft: string, hard: string) => [
  'Limit                     Soft Limit           Hard Limit           Units',
  'Max processes             63704                63704                processes',
  `Max open files            ${soft}                 ${hard}              files`,
].join('\n');

describe('open-file limit', () => {
  it('is read from /proc/self/limits; unknown where it cannot be read', () => {
    expect(readOpenFileLimit(() => limits('1024', '524288'))).toEqual({ soft: 1024, hard: 524288 });
    expect(readOpenFileLimit(() => limits('unlimited', 'unlimited'))).toEqual({ soft: null, hard: null });
    expect(readOpenFileLimit(() => { throw new Error('ENOENT'); })).toBeNull();
    expect(readOpenFileLimit()).not.toBeNull(); // this machine is Linux
  });

  it('a limit too small for ipcMaxConnections is reported with what to run, a roomy one is not', () => {
    const warning = openFileLimitWarning(1024, { soft: 1024, hard: 524288 });
    expect(warning).toContain('ipcMaxConnections is 1024 but the open-file limit (ulimit -n) is 1024');
    expect(warning).toContain('about 960 clients fit');
    expect(warning).toContain('`ulimit -n 524288`');
    expect(openFileLimitWarning(1024, { soft: 1024, hard: 1024 })).not.toContain('hard limit');
    expect(openFileLimitWarning(1024, { soft: 20000, hard: 20000 })).toBeNull();
    expect(openFileLimitWarning(1024, null)).toBeNull();
  });
});
