import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args';
import { parseDuration, parseTime, parseTimeSpec, resolveTimeSpec } from '../../../src/cli/time-arg';

const command = (argv: string[]) => {
  const parsed = parseArgs(argv);
  if (!parsed.ok) throw new Error(`expected ok, got ${parsed.error}`);
  return parsed.command;
};
const bad = (argv: string[]) => {
  const parsed = parseArgs(argv);
  if (parsed.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
  return parsed.error;
};

describe('time arguments', () => {
  it('durations: number+unit pairs', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('3d')).toBe(3 * 86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    for (const raw of ['', '15', 'm', '0m', '1.5h', '3 d', '-1d']) expect(parseDuration(raw)).toBeNull();
  });

  it('times: ISO-8601; a date alone is local midnight', () => {
    expect(parseTime('2026-05-01T18:00:00Z')).toBe(Date.UTC(2026, 4, 1, 18));
    expect(parseTime('2026-05-01')).toBe(new Date(2026, 4, 1).getTime());
    for (const raw of ['yesterday', '12', '2026-13-45T99']) expect(parseTime(raw)).toBeNull();
  });

  it('a spec is a duration back from now or a time', () => {
    expect(parseTimeSpec('3d')).toEqual({ ago: 3 * 86_400_000 });
    expect(resolveTimeSpec({ ago: 1000 }, 5000)).toBe(4000);
    expect(resolveTimeSpec({ at: 7 }, 5000)).toBe(7);
    expect(parseTimeSpec('soon')).toBeNull();
  });
});

describe('parseArgs: forget, pause, resume, export, import', () => {
  it('forget takes exactly one target, and --yes', () => {
    expect(command(['forget', '42'])).toEqual({ name: 'forget', what: { id: 42 }, yes: false });
    expect(command(['forget', '--path', 'src', '--yes'])).toEqual({ name: 'forget', what: { path: 'src' }, yes: true });
    expect(command(['forget', '--before', '3d'])).toEqual({ name: 'forget', what: { before: { ago: 3 * 86_400_000 } }, yes: false });
    expect(command(['forget', '--all', '--yes'])).toEqual({ name: 'forget', what: { all: true }, yes: true });
    expect(bad(['forget'])).toMatch(/exactly one of/);
    expect(bad(['forget', '--all', '--path', 'x'])).toMatch(/exactly one of/);
    expect(bad(['forget', 'abc'])).toMatch(/positive integer/);
    expect(bad(['forget', '0'])).toMatch(/positive integer/);
    expect(bad(['forget', '--before', 'later'])).toMatch(/ISO-8601.*duration/);
  });

  it('pause takes --for or --until; resume takes nothing', () => {
    expect(command(['pause'])).toEqual({ name: 'pause' });
    expect(command(['pause', '--for', '15m'])).toEqual({ name: 'pause', for: 900_000 });
    expect(command(['pause', '--until', '2026-05-01T18:00:00Z'])).toEqual({ name: 'pause', until: { at: Date.UTC(2026, 4, 1, 18) } });
    expect(bad(['pause', '--for', '15m', '--until', '1h'])).toMatch(/not both/);
    expect(bad(['pause', '--for', 'tomorrow'])).toMatch(/duration/);
    expect(command(['resume'])).toEqual({ name: 'resume' });
    expect(bad(['resume', 'now'])).toMatch(/takes no argument/);
  });

  it('export --since, import FILE', () => {
    expect(command(['export'])).toEqual({ name: 'export' });
    expect(command(['export', '--since', '1w'])).toEqual({ name: 'export', since: { ago: 7 * 86_400_000 } });
    expect(command(['import', 'm.jsonl'])).toEqual({ name: 'import', file: 'm.jsonl' });
    expect(bad(['import'])).toMatch(/needs one FILE/);
  });
});
