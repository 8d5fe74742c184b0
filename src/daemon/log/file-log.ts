// The daemon's log file: one line per entry, appended synchronously so the last lines before a
// crash are on disk. Rotates at 5 MB to daemon.log.1 (one old file kept).
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel, LogSink } from '../../shared/logger';

const MAX_BYTES = 5 * 1024 * 1024;

export function fileLogSink(file: string, alsoStderr: boolean): LogSink {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    size = 0;
  }
  return (_level: LogLevel, line: string) => {
    const text = line + '\n';
    if (alsoStderr) process.stderr.write(text);
    try {
      if (size + text.length > MAX_BYTES) {
        renameSync(file, file + '.1');
        size = 0;
      }
      appendFileSync(file, text, { mode: 0o600 });
      size += Buffer.byteLength(text);
    } catch {
      // A full or read-only disk must not take the daemon down; stderr still has the line.
    }
  };
}
