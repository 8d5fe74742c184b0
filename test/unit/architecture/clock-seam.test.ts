// The clock seam: the daemon, the shared code, the client (DaemonClient, its connection, the
// detached spawn) and the extension read the time and arm timers only through the injected Clock
// (src/shared/clock.ts), never by a raw `Date.now()`, `new Date()`, timer, `performance.now()` or
// `process.hrtime`. That is what lets a test drive every timeout with a ManualClock, and what makes
// `counters.timersArmed` (0 while hibernating) count every timer. Read from the source, so a new
// file is covered the day it is added. An exception is listed below with its reason; a listed
// exception that is no longer needed fails too.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../../src');
/** Folders under src/ where every clock read and timer goes through the Clock. */
const FOLDERS = ['daemon', 'shared', 'client', 'extension'];

/** What only the clock may do. */
const RAW_TIME: { name: string; pattern: RegExp }[] = [
  { name: 'Date.now()', pattern: /\bDate\s*\.\s*now\s*\(/g },
  { name: 'new Date()', pattern: /\bnew\s+Date\s*\(\s*\)/g },
  { name: 'performance.now()', pattern: /\bperformance\s*\.\s*now\s*\(/g },
  { name: 'process.hrtime', pattern: /\bprocess\s*\.\s*hrtime\b/g },
  // A bare timer call; `clock.setTimeout(` (a member call) is the seam itself.
  { name: 'a raw timer', pattern: /(?<![\w$.])(?:set|clear)(?:Timeout|Interval|Immediate)\s*\(/g },
  { name: 'a raw timer', pattern: /\b(?:globalThis|global|window)\s*\.\s*(?:set|clear)(?:Timeout|Interval|Immediate)\b/g },
  { name: 'the timers module', pattern: /['"](?:node:)?timers(?:\/promises)?['"]/g },
];

/** Exceptions: file (relative to src), what it does, and why the clock is not the tool. */
const ALLOWED: { file: string; name: string; why: string }[] = [
  ...['Date.now()', 'performance.now()', 'a raw timer'].map((name) => ({
    file: 'shared/clock.ts',
    name,
    why: 'the clock itself: RealClock wraps the real clock and timers; ManualClock lets promises settle between its timers',
  })),
  {
    file: 'daemon/queue/completion-scope.ts',
    name: 'a raw timer',
    why: 'setImmediate: the group commit runs on the next turn of the event loop, not after a delay; no time passes, nothing stays armed (ManualClock tests let it run by settling)',
  },
  {
    file: 'shared/yield-turn.ts',
    name: 'a raw timer',
    why: 'setImmediate yields one turn of the event loop between slices of work (the window outbox\'s drain batches, the replicator\'s next batch while the server works); no time passes that a clock could drive, and a ManualClock would never fire it',
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * The code without its comments, and (with `blankStrings`) without the text of its strings: a
 * quote never starts a comment, a URL's `//` never ends the code, and a message that names
 * Date.now() is not a use of it. A template's `${…}` expressions stay: they are code.
 */
function codeOf(source: string, blankStrings: boolean): string {
  let out = '';
  let i = 0;
  const blank = (text: string) => (blankStrings ? text.replace(/[^\n]/g, ' ') : text);
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' '); // keep line numbers
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      out += c;
      let j = i + 1;
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') {
          out += blank(source.slice(j, j + 2));
          j += 2;
        } else if (c === '`' && source[j] === '$' && source[j + 1] === '{') {
          let depth = 0;
          const from = j++; // from the '$'; counting starts at the '{'
          do {
            if (source[j] === '{') depth++;
            else if (source[j] === '}') depth--;
            j++;
          } while (j < source.length && depth > 0);
          out += source.slice(from, j);
        } else {
          out += blank(source[j]!);
          j++;
        }
      }
      out += source[j] ?? '';
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Every raw use of time in `source`, with its line. */
function rawTimeUses(source: string): { name: string; line: number }[] {
  const code = codeOf(source, true);
  const withStrings = codeOf(source, false); // for module specifiers, which are strings
  return RAW_TIME.flatMap(({ name, pattern }) => {
    const text = name === 'the timers module' ? withStrings : code;
    return [...text.matchAll(pattern)].map((m) => ({ name, line: text.slice(0, m.index).split('\n').length }));
  });
}

function offences(): { file: string; name: string; line: number }[] {
  return FOLDERS.flatMap((folder) =>
    sourceFiles(join(SRC, folder)).flatMap((path) =>
      rawTimeUses(readFileSync(path, 'utf8')).map((use) => ({ file: relative(SRC, path).split('\\').join('/'), ...use })),
    ),
  );
}

const isAllowed = (o: { file: string; name: string }) => ALLOWED.some((a) => a.file === o.file && a.name === o.name);

describe('the clock seam', () => {
  for (const folder of FOLDERS) {
    it(`src/${folder} reads the time and arms timers only through the injected Clock`, () => {
      const found = offences().filter((o) => o.file.startsWith(`${folder}/`) && !isAllowed(o));
      expect(found.map((o) => `src/${o.file}:${o.line} uses ${o.name}; take the Clock (src/shared/clock.ts) instead`)).toEqual([]);
    });
  }

  it('every allowed exception is still needed, and says why', () => {
    const found = offences();
    for (const a of ALLOWED) {
      expect(a.why.length).toBeGreaterThan(20);
      expect(found.some((o) => o.file === a.file && o.name === a.name), `${a.file} no longer uses ${a.name}: drop it from ALLOWED`).toBe(true);
    }
  });

  it('the scan sees raw time where there is some, and not in comments, strings or the clock\'s own calls', () => {
    const sample = [
      'const a = Date.now();',
      'const b = new Date();',
      'setTimeout(() => {}, 10);',
      'globalThis.setInterval(tick, 5);',
      "import { setTimeout as wait } from 'node:timers/promises';",
      'const c = performance.now();',
      '// Date.now() in a comment',
      '/* setTimeout( in a block */',
      'clock.setTimeout(() => {}, 10);',
      'const d = new Date(at);',
      "const e = 'see https://example.com // Date.now()';",
      'const f = `${file}.${Date.now().toString(36)}.tmp`;',
    ].join('\n');
    expect(rawTimeUses(sample).sort((x, y) => x.line - y.line)).toEqual([
      { name: 'Date.now()', line: 1 },
      { name: 'new Date()', line: 2 },
      { name: 'a raw timer', line: 3 },
      { name: 'a raw timer', line: 4 },
      { name: 'the timers module', line: 5 },
      { name: 'performance.now()', line: 6 },
      { name: 'Date.now()', line: 12 },
    ]);
  });
});
