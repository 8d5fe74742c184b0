import { describe, expect, it } from 'vitest';
import { DiskFullState, isDiskFull } from '../../../src/daemon/health/disk-full';

const sqliteFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('disk full', () => {
  it('SQLite\'s and Node\'s out-of-space errors are disk full; other failures are not', () => {
    expect(isDiskFull(sqliteFull)).toBe(true);
    expect(isDiskFull(Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('file too large'), { code: 'EFBIG' }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isDiskFull(new Error('boom'))).toBe(false);
  });

  it('a refused write starts one episode, named after the data dir; the next write that succeeds ends it', () => {
    const changes: Array<[boolean, number | undefined]> = [];
    let now = Date.UTC(2026, 0, 1);
    const state = new DiskFullState('/data', () => now, (entered, s) => changes.push([entered, s?.refusals]));
    expect(state.refused(new Error('boom'))).toBe(false);
    expect(state.status).toBeNull();
    expect(state.refused(sqliteFull)).toBe(true);
    now += 1000;
    state.refused(sqliteFull);
    expect(state.status).toEqual({ since: '2026-01-01T00:00:00.000Z', message: 'disk full: no space left in /data', refusals: 2 });
    expect(state.rpcError()).toMatchObject({ code: 'DISK_FULL', message: expect.stringContaining('disk full: no space left in /data') });
    state.succeeded();
    state.succeeded();
    expect(state.status).toBeNull();
    expect(changes).toEqual([[true, 1], [false, 2]]);
  });
});
