import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args';

const ok = (argv: string[]) => {
  const parsed = parseArgs(argv);
  if (!parsed.ok) throw new Error(`expected ok, got ${parsed.error}`);
  return parsed;
};
const bad = (argv: string[]) => {
  const parsed = parseArgs(argv);
  if (parsed.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
  return parsed.error;
};

describe('parseArgs', () => {
  it('takes global options anywhere', () => {
    for (const argv of [
      ['--data-dir', '/d', '--json', 'status'],
      ['status', '--data-dir', '/d', '--json'],
      ['--json', 'status', '--data-dir=/d'],
    ]) {
      const p = ok(argv);
      expect(p.global).toMatchObject({ dataDir: '/d', json: true });
      expect(p.command).toEqual({ name: 'status' });
    }
  });

  it('no command, help and version', () => {
    expect(ok([]).command).toBeUndefined();
    expect(ok(['--help']).global.help).toBe(true);
    expect(ok(['-h', 'recall']).command).toEqual({ name: 'help', topic: 'recall' });
    expect(ok(['capture', '--help']).command).toEqual({ name: 'help', topic: 'capture' });
    expect(ok(['--version']).global.version).toBe(true);
    expect(ok(['help', 'recall']).command).toEqual({ name: 'help', topic: 'recall' });
    expect(bad(['help', 'nope'])).toMatch(/unknown command/);
  });

  it('daemon flags', () => {
    expect(ok(['daemon']).command).toEqual({ name: 'daemon', foreground: false });
    expect(ok(['daemon', '--foreground', '--config', 'c.json']).command).toEqual({ name: 'daemon', foreground: true, configFile: 'c.json' });
    expect(bad(['daemon', '--foreground=yes'])).toMatch(/takes no value/);
  });

  it('reload collects repeated --set as parsed settings', () => {
    expect(ok(['reload', '--set', 'pollFloorMs=500', '--set', 'suspendEnabled=false', '--set', 'logLevel=debug', '--set=spawnJitterMs=[1,2]']).command).toEqual({
      name: 'reload',
      settings: { pollFloorMs: 500, suspendEnabled: false, logLevel: 'debug', spawnJitterMs: [1, 2] },
      unset: [],
    });
    expect(ok(['reload', '--config', 'x.json']).command).toEqual({ name: 'reload', configFile: 'x.json', settings: {}, unset: [] });
    expect(ok(['reload', '--unset', 'pollFloorMs', '--unset', 'logLevel']).command).toEqual({ name: 'reload', settings: {}, unset: ['pollFloorMs', 'logLevel'] });
    expect(bad(['reload', '--set', 'novalue'])).toMatch(/key=value/);
  });

  it('capture takes several files, or text with a title', () => {
    expect(ok(['capture', '--file', 'a.ts', 'b.ts', '--file', 'c.ts']).command).toEqual({ name: 'capture', files: ['a.ts', 'b.ts', 'c.ts'] });
    expect(ok(['capture', '--text', 'hello world', '--title', 'T']).command).toEqual({ name: 'capture', files: [], text: 'hello world', title: 'T' });
    expect(ok(['capture', '--file', 'a.ts', '--json']).global.json).toBe(true);
    expect(bad(['capture'])).toMatch(/--file PATH... or --text/);
    expect(bad(['capture', '--file', 'a', '--text', 't'])).toMatch(/not both/);
    expect(bad(['capture', '--file', 'a', '--title', 't'])).toMatch(/--title goes with --text/);
  });

  it('recall joins the query and checks --limit', () => {
    expect(ok(['recall', 'sqlite', 'wal', '--limit', '5']).command).toEqual({ name: 'recall', query: 'sqlite wal', limit: 5 });
    expect(ok(['recall', '--', '--not-a-flag']).command).toEqual({ name: 'recall', query: '--not-a-flag' });
    expect(bad(['recall', 'x', '--limit', '0'])).toMatch(/--limit/);
    expect(bad(['recall', 'x', '--limit', '201'])).toMatch(/--limit/);
    expect(bad(['recall', 'x', '--limit', '2.5'])).toMatch(/--limit/);
  });

  it('recall takes filter flags, and QUERY may be left out when one is given', () => {
    expect(ok(['recall', 'retry', '--kind', 'Terminal', '--in', 'src', '--since', '2h', '--until', 'yesterday']).command).toEqual({
      name: 'recall', query: 'retry', kind: 'terminal', in: 'src', since: '2h', until: 'yesterday',
    });
    expect(ok(['recall', '--kind', 'file']).command).toEqual({ name: 'recall', query: '', kind: 'file' });
    expect(ok(['recall', '--since=2026-11-30']).command).toEqual({ name: 'recall', query: '', since: '2026-11-30' });
    expect(bad(['recall'])).toMatch(/recall needs a QUERY or a filter \(--kind, --in, --since, --until\)/);
    expect(bad(['recall', ''])).toMatch(/QUERY or a filter/);
  });

  it('recall flag values are checked with the query language', () => {
    expect(bad(['recall', '--kind', 'folder'])).toBe('--kind folder: expected file, selection, terminal, text');
    expect(bad(['recall', 'x', '--since', 'banana'])).toMatch(/^--since banana: expected a duration \(30m, 2h, 3d, 2w\), a date/);
    expect(bad(['recall', 'x', '--until', '2026-13-45'])).toMatch(/^--until 2026-13-45: 2026-13-45 is not a date/);
    expect(bad(['recall', 'x', '--kind', 'file', '--kind', 'text'])).toMatch(/--kind given twice/);
  });

  it('recall takes -word as an exclusion, not an option', () => {
    expect(ok(['recall', 'retry', '-flaky']).command).toEqual({ name: 'recall', query: 'retry -flaky' });
    expect(ok(['recall', 'retry', '-h']).command).toEqual({ name: 'help', topic: 'recall' });
  });

  it('unknown flags, commands and arguments are usage errors', () => {
    expect(bad(['status', '--verbose'])).toMatch(/unknown option --verbose for status/);
    expect(bad(['--foreground', 'daemon'])).toMatch(/unknown option --foreground/);
    expect(bad(['status', '-x'])).toMatch(/unknown option -x/);
    expect(bad(['frobnicate'])).toMatch(/unknown command/);
    expect(bad(['wake', 'now'])).toMatch(/takes no argument/);
    expect(bad(['recall', 'x', '--limit', '3', '--limit', '4'])).toMatch(/twice/);
  });

  it('a flag without its value is a usage error', () => {
    expect(bad(['status', '--data-dir'])).toMatch(/--data-dir needs a value/);
    expect(bad(['daemon', '--config', '--foreground'])).toMatch(/--config needs a value/);
    expect(bad(['recall', 'x', '--limit'])).toMatch(/--limit needs a value/);
    expect(bad(['capture', '--text='])).toMatch(/non-empty/);
  });

  it('reports the command of a failed parse so help can point at it', () => {
    const parsed = parseArgs(['recall', '--limit']);
    expect(parsed).toMatchObject({ ok: false, command: 'recall' });
  });

  it('a failed parse still knows whether --json was asked for', () => {
    expect(parseArgs(['status', '--frobnicate', '--json'])).toMatchObject({ ok: false, json: true });
    expect(parseArgs(['--json', 'nope'])).toMatchObject({ ok: false, json: true });
    expect(parseArgs(['status', '--frobnicate'])).toMatchObject({ ok: false, json: false });
    // After `--` it is a positional, not the option.
    expect(parseArgs(['recall', '--limit', '0', '--', '--json'])).toMatchObject({ ok: false, json: false });
  });
});
