// The daemon's log file: one line per entry, written synchronously to a descriptor kept open
// (one write(2) per line, no open/close: the wake path logs and must stay well under a
// millisecond), so the last lines before a crash are on disk. Rotates at 5 MB to daemon.log.1.
import { closeSync, mkdirSync, openSync, renameSync, fstatSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel, LogSink } from '../../shared/logger';

const MAX_BYTES = 5 * 1024 * 1024;

export interface FileLogSink extends LogSink {
  close(): void;
}

export function fileLogSink(file: string, alsoStderr: boolean): FileLogSink {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let fd: number | null = null;
  let size = 0;
  const open = () => {
    fd = openSync(file, 'a', 0o600);
    size = fstatSync(fd).size;
  };
  const sink = ((_level: LogLevel, line: string) => {
    const text = line + '\n';
    if (alsoStderr) process.stderr.write(text);
    try {
      if (fd === null) open();
      if (size + text.length > MAX_BYTES) {
        closeSync(fd!);
        renameSync(file, file + '.1');
        open();
      }
      size += writeSync(fd!, text);
    } catch {
      // A full or read-only disk must not take the daemon down; stderr still has the line.
      fd = null;
    }
  }) as FileLogSink;
  sink.close = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  return sink;
}
