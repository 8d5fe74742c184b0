// DaemonLogTail on real temp files. fs.watch timing is never relied on: the tests call readNew()
// themselves (a watcher event in between only reads earlier what the test then finds read).
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileLogSink } from '../../../src/daemon/log/file-log';
import { DaemonLogTail, type ParsedLogLine, parseDaemonLogLine } from '../../../src/extension/log/daemon-log-tail';
import { createLogger } from '../../../src/shared/logger';

let dir: string;
let logFile: string;
const tails: DaemonLogTail[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dormouse-logtail-'));
  logFile = join(dir, 'logs', 'daemon.log');
});

afterEach(() => {
  for (const t of tails.splice(0)) t.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function tail(file = logFile) {
  const lines: ParsedLogLine[] = [];
  const t = new DaemonLogTail(file, (line) => lines.push(line));
  tails.push(t);
  return { t, lines, messages: () => lines.map((l) => l.message) };
}

function logsFolder(): void {
  mkdirSync(join(dir, 'logs'), { recursive: true });
}

const line = (level: string, message: string) => `2026-11-23T10:00:00.000Z ${level.padEnd(5)} ${message}\n`;

describe('parseDaemonLogLine', () => {
  it('maps the level and drops the timestamp', () => {
    expect(parseDaemonLogLine('2026-11-23T10:00:00.000Z DEBUG [queue] leased 3')).toEqual({ level: 'debug', message: '[queue] leased 3' });
    expect(parseDaemonLogLine('2026-11-23T10:00:00.000Z INFO  daemon ready')).toEqual({ level: 'info', message: 'daemon ready' });
    expect(parseDaemonLogLine('2026-11-23T10:00:00.000Z WARN  STALE poll loop(s): capture')).toEqual({ level: 'warn', message: 'STALE poll loop(s): capture' });
    expect(parseDaemonLogLine('2026-11-23T10:00:00.000Z ERROR [ipc] bad frame')).toEqual({ level: 'error', message: '[ipc] bad frame' });
  });

  it('a line in another shape is shown whole, as info', () => {
    expect(parseDaemonLogLine('    at Object.<anonymous> (daemon.js:1:1)')).toEqual({ level: 'info', message: '    at Object.<anonymous> (daemon.js:1:1)' });
    expect(parseDaemonLogLine('INFO no timestamp')).toEqual({ level: 'info', message: 'INFO no timestamp' });
  });

  it('reads back what the daemon\'s own file logger writes', () => {
    const sink = fileLogSink(logFile, false);
    const { t, lines } = tail();
    const log = createLogger(sink, () => 'debug', () => Date.UTC(2026, 10, 23, 10));
    log.debug('one');
    log.info('two');
    log.child('capture').warn('three');
    log.error('four');
    sink.close();
    t.readNew();
    expect(lines).toEqual([
      { level: 'debug', message: 'one' },
      { level: 'info', message: 'two' },
      { level: 'warn', message: '[capture] three' },
      { level: 'error', message: 'four' },
    ]);
  });
});

describe('DaemonLogTail', () => {
  it('shows only what is logged from now on, and each line once', () => {
    logsFolder();
    writeFileSync(logFile, line('INFO', 'from an earlier run'));
    const { t, messages } = tail();
    t.readNew();
    expect(messages()).toEqual([]);

    appendFileSync(logFile, line('INFO', 'a') + line('WARN', 'b'));
    t.readNew();
    appendFileSync(logFile, line('ERROR', 'c'));
    t.readNew();
    t.readNew();
    expect(messages()).toEqual(['a', 'b', 'c']);
  });

  it('keeps a partial last line until it is completed', () => {
    logsFolder();
    writeFileSync(logFile, '');
    const { t, lines } = tail();
    appendFileSync(logFile, line('INFO', 'whole') + '2026-11-23T10:00:00.000Z ERROR half a');
    t.readNew();
    expect(lines).toEqual([{ level: 'info', message: 'whole' }]);

    appendFileSync(logFile, ' line\n');
    t.readNew();
    expect(lines).toEqual([{ level: 'info', message: 'whole' }, { level: 'error', message: 'half a line' }]);
  });

  it('a half line of a log that is then truncated does not glue onto the new first line', () => {
    logsFolder();
    writeFileSync(logFile, '');
    const { t, lines } = tail();
    appendFileSync(logFile, line('INFO', 'before') + '2026-11-23T10:00:00.000Z ERROR torn');
    t.readNew();
    writeFileSync(logFile, line('WARN', 'fresh'));
    t.readNew();
    expect(lines).toEqual([{ level: 'info', message: 'before' }, { level: 'warn', message: 'fresh' }]);
  });

  it('blank lines are skipped', () => {
    logsFolder();
    writeFileSync(logFile, '');
    const { t, messages } = tail();
    appendFileSync(logFile, `\n${line('INFO', 'a')}\n  \n`);
    t.readNew();
    expect(messages()).toEqual(['a']);
  });

  it('a truncated log is read again from its beginning', () => {
    logsFolder();
    writeFileSync(logFile, '');
    const { t, messages } = tail();
    appendFileSync(logFile, line('INFO', 'a long line before the truncation') + line('INFO', 'another'));
    t.readNew();

    writeFileSync(logFile, line('INFO', 'x'));
    t.readNew();
    expect(messages()).toEqual(['a long line before the truncation', 'another', 'x']);
  });

  it('after a rotation (rename to .1, new file) the new file is read from its beginning', () => {
    logsFolder();
    writeFileSync(logFile, '');
    const { t, messages } = tail();
    appendFileSync(logFile, line('INFO', 'old 1') + line('INFO', 'old 2'));
    t.readNew();

    renameSync(logFile, `${logFile}.1`);
    writeFileSync(logFile, line('INFO', 'new 1'));
    t.readNew();
    expect(messages()).toEqual(['old 1', 'old 2', 'new 1']);
  });

  it('a missing file is not an error and is read once it appears', () => {
    logsFolder();
    const { t, messages } = tail();
    t.readNew();
    expect(messages()).toEqual([]);
    writeFileSync(logFile, line('INFO', 'first'));
    t.readNew();
    expect(messages()).toEqual(['first']);
  });

  it('ensureWatching does nothing when the folder does not exist, and creates none', () => {
    const { t, messages } = tail();
    t.ensureWatching();
    t.readNew();
    expect(existsSync(join(dir, 'logs'))).toBe(false);
    expect(messages()).toEqual([]);

    // The daemon's first start creates the folder; the next connection calls ensureWatching.
    logsFolder();
    writeFileSync(logFile, line('INFO', 'daemon started'));
    t.ensureWatching();
    expect(messages()).toEqual(['daemon started']); // it reads what is there at once
  });

  it('after dispose nothing more is read', () => {
    logsFolder();
    writeFileSync(logFile, '');
    const { t, messages } = tail();
    t.dispose();
    appendFileSync(logFile, line('INFO', 'late'));
    t.readNew();
    t.ensureWatching();
    expect(messages()).toEqual([]);
  });
});
