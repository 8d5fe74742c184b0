// The daemon's log file: one line per entry, written synchronously to a descriptor kept open
// (one write(2) per line, no open/close: the wake path logs and must stay well under a
// millisecond), so the last lines before a crash are on disk. Rotates at 5 MB to daemon.log.1.
//
// A failed write (a full disk: ENOSPC, a file size limit: EFBIG) keeps the descriptor: it is not
// broken, and the next line simply tries again on it once space is back. Reopening per failure
// leaked one descriptor per refused capture (28 -> 132 after 111 refusals) until EMFILE.
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
  const open = (): number => {
    const opened = openSync(file, 'a', 0o600);
    try {
      size = fstatSync(opened).size;
    } catch (error) {
      closeSync(opened);
      throw error;
    }
    fd = opened;
    return opened;
  };
  const close = () => {
    if (fd === null) return;
    const closing = fd;
    fd = null;
    try {
      closeSync(closing);
    } catch {
      // Already gone; nothing to leak.
    }
  };
  const sink = ((_level: LogLevel, line: string) => {
    const text = line + '\n';
    if (alsoStderr) process.stderr.write(text);
    try {
      let target = fd ?? open();
      if (size + text.length > MAX_BYTES) {
        close();
        renameSync(file, file + '.1');
        target = open();
      }
      size += writeSync(target, text);
    } catch {
      // A full or read-only disk must not take the daemon down; stderr still has the line, and the
      // descriptor (if any) stays open for the next line.
    }
  }) as FileLogSink;
  sink.close = close;
  return sink;
}
