// The clock seam: time is read and timers are armed through the injected Clock
// (src/shared/clock.ts), never by a raw `Date.now()`, `new Date()`, `setTimeout`, `setInterval`,
// `setImmediate`, `performance.now()` or `process.hrtime`. That is what lets a test drive time with a
// ManualClock, and what makes `counters.timersArmed` (0 while hibernating) count every timer.
// Read from the source, so a new file is covered the day it is added. To cover another folder,
// add it to SCANNED_ROOTS (and any real exception, with its reason, to ALLOWED).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../../src');

/** Folders under src/ where every clock read and timer goes through the Clock. */
const SCANNED_ROOTS = ['daemon', 'shared'];

/** Raw clock reads and timers, by name. `clock.setTimeout(` (a method call on a Clock) is not one. */
const RAW_CALLS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'Date.now()', pattern: /\bDate\s*\.\s*now\s*\(/g },
  { name: 'new Date()', pattern: /\bnew\s+Date\s*\(\s*\)/g },
  { name: 'performance.now()', pattern: /\bperformance\s*\.\s*now\s*\(/g },
  { name: 'process.hrtime', pattern: /\bprocess\s*\.\s*hrtime\b/g },
  ...['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({
    name: `${name}()`,
    // Bare or through the global object; not preceded by `.` or an identifier character (a method of a Clock).
    pattern: new RegExp(`(?<![\\w$.])(?:(?:globalThis|global|window)\\s*\\.\\s*)?${name}\\s*\\(`, 'g'),
  })),
];

/** Files (relative to src/) allowed some raw calls, and why. Each entry must still be needed. */
const ALLOWED: Array<{ file: string; calls: string[]; why: string }> = [
  {
    file: 'shared/clock.ts',
    calls: ['Date.now()', 'performance.now()', 'setTimeout()', 'setImmediate()'],
    why: 'the clock itself: RealClock wraps the real clock and timers; ManualClock lets promises settle between its timers',
  },
  {
    file: 'daemon/queue/completion-scope.ts',
    calls: ['setImmediate()'],
    why: 'the group commit runs on the next turn of the event loop, not after a delay: no time passes, nothing stays armed (ManualClock tests let it run by settling)',
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Source without comments, so a comment that names `setTimeout(` is not a call. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

/** The raw calls in a piece of source, as `name (line N)`. */
function rawCalls(source: string): Array<{ name: string; line: number }> {
  const stripped = code(source);
  return RAW_CALLS.flatMap(({ name, pattern }) =>
    [...stripped.matchAll(pattern)].map((m) => ({ name, line: stripped.slice(0, m.index).split('\n').length })),
  );
}

describe('the clock seam', () => {
  for (const root of SCANNED_ROOTS) {
    it(`src/${root} reads the time and arms timers only through the injected Clock`, () => {
      const files = sourceFiles(join(SRC, root));
      expect(files.length).toBeGreaterThan(0);
      const offences = files.flatMap((file) => {
        const rel = relative(SRC, file).split('\\').join('/');
        const allowed = ALLOWED.find((a) => a.file === rel)?.calls ?? [];
        return rawCalls(readFileSync(file, 'utf8'))
          .filter((c) => !allowed.includes(c.name))
          .map((c) => `${rel}:${c.line} calls ${c.name}`);
      });
      expect(offences).toEqual([]);
    });
  }

  it('every allowed exception is still needed (an unused entry is removed, not kept as a loophole)', () => {
    for (const { file, calls } of ALLOWED) {
      const found = new Set(rawCalls(readFileSync(join(SRC, file), 'utf8')).map((c) => c.name));
      expect([...calls].filter((c) => !found.has(c)), file).toEqual([]);
    }
  });

  it('the check sees raw calls, bare or through globalThis, and not a Clock method or a comment', () => {
    const sample = [
      'const t = Date.now();',
      'const d = new Date();',
      'setTimeout(() => {}, 5);',
      'globalThis.setInterval(tick, 10);',
      'const h = setImmediate(run);',
      'this.clock.setTimeout(() => {}, 5);',
      'const at = new Date(ms).toISOString();',
      '// setTimeout( in a comment',
    ].join('\n');
    expect(rawCalls(sample).map((c) => `${c.name}@${c.line}`).sort()).toEqual(
      ['Date.now()@1', 'new Date()@2', 'setTimeout()@3', 'setInterval()@4', 'setImmediate()@5'].sort(),
    );
  });
});
