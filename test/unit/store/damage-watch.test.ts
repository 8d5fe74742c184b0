import { describe, expect, it } from 'vitest';
import { DamageWatch, isCorruptionError } from '../../../src/daemon/store/damage-watch';
import { memoryLogger } from '../../../src/shared/logger';

const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });

describe('damage seen while serving', () => {
  it('only SQLite corruption counts as damage', () => {
    expect(isCorruptionError(corrupt)).toBe(true);
    expect(isCorruptionError(Object.assign(new Error('x'), { code: 'SQLITE_CORRUPT_VTAB' }))).toBe(true);
    expect(isCorruptionError(Object.assign(new Error('x'), { code: 'SQLITE_NOTADB' }))).toBe(true);
    expect(isCorruptionError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isCorruptionError(new Error('x'))).toBe(false);
  });

  it('the first damage is remembered for the next start and logged once', () => {
    const log = memoryLogger();
    const watch = new DamageWatch(log);
    watch.note(new Error('not damage'), 'recall');
    expect(watch.seen).toBeNull();
    watch.note(corrupt, 'recall');
    watch.note(corrupt, 'capture job');
    expect(watch.seen).toBe('recall: database disk image is malformed');
    expect(log.lines.filter((l) => l.includes('checked and repaired at the next start'))).toHaveLength(1);
  });
});
