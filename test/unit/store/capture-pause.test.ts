import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CAPTURE_PAUSE_FILE, CapturePauseStore } from '../../../src/daemon/capture/capture-pause';
import { memoryLogger } from '../../../src/shared/logger';

let dir: string;
const T0 = Date.UTC(2026, 4, 1, 12);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-pause-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (now = T0, log = memoryLogger()) => new CapturePauseStore(dir, log, now);
const file = () => join(dir, CAPTURE_PAUSE_FILE);

describe('CapturePauseStore', () => {
  it('not paused without a file', () => {
    expect(open().current(T0)).toEqual({ paused: false, until: null });
  });

  it('a pause until resumed is written to the data dir and read back by the next daemon', () => {
    expect(open().pause(undefined, T0)).toEqual({ paused: true, until: null });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toMatchObject({ until: null });
    const next = open(T0 + 86_400_000);
    expect(next.isPaused(T0 + 86_400_000)).toBe(true);
    expect(next.resume(T0)).toEqual({ paused: false, until: null });
    expect(existsSync(file())).toBe(false);
    expect(open().isPaused(T0)).toBe(false);
  });

  it('a pause with an end is over once the end passes, with no timer: the next look says so', () => {
    const store = open();
    store.pause(T0 + 60_000, T0);
    expect(store.current(T0 + 59_999)).toEqual({ paused: true, until: new Date(T0 + 60_000).toISOString() });
    expect(store.current(T0 + 60_000)).toEqual({ paused: false, until: null });
    expect(store.isPaused(T0 + 60_000)).toBe(false);
    // A daemon started after the end drops the stale file.
    open(T0 + 60_000);
    expect(existsSync(file())).toBe(false);
  });

  it('a pause until a time already past is a resume', () => {
    const store = open();
    store.pause(undefined, T0);
    expect(store.pause(T0 - 1, T0)).toEqual({ paused: false, until: null });
    expect(existsSync(file())).toBe(false);
  });

  it('an unreadable pause file is logged and means not paused', () => {
    writeFileSync(file(), '{"until": "soon"}');
    const log = memoryLogger();
    expect(open(T0, log).isPaused(T0)).toBe(false);
    expect(log.lines.join('\n')).toMatch(/unreadable/);
  });
});
