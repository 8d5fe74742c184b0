import { describe, expect, it } from 'vitest';
import { daemonEnv } from '../../../src/extension/daemon/fork-daemon';

describe('daemonEnv', () => {
  it('adds ELECTRON_RUN_AS_NODE under Electron only, without touching the base env', () => {
    const base = { PATH: '/bin' };
    expect(daemonEnv(base, { ...process.versions, electron: '35.0.0' })).toEqual({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' });
    const plain = { ...process.versions } as NodeJS.ProcessVersions & { electron?: string };
    delete plain.electron;
    expect(daemonEnv(base, plain)).toEqual({ PATH: '/bin' });
    expect(base).toEqual({ PATH: '/bin' });
  });
});
