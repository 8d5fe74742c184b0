// Tails the daemon's log file into the output channel. Driven by fs.watch (inotify/FSEvents), so
// an idle daemon costs the extension no timer and no read. A shorter file than the offset means
// the log was rotated or truncated: start again from its beginning.
import { type FSWatcher, closeSync, existsSync, fstatSync, openSync, readSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Disposable } from '../../shared/lifecycle';
import type { LogLevel } from '../../shared/logger';

export interface ParsedLogLine {
  level: LogLevel;
  message: string;
}

const LINE = /^\S+Z (DEBUG|INFO|WARN|ERROR)\s+(.*)$/;

/** `2026-11-23T10:00:00.000Z INFO  [scope] message` → level + message (timestamp dropped: the channel adds its own). */
export function parseDaemonLogLine(line: string): ParsedLogLine {
  const m = LINE.exec(line);
  if (!m) return { level: 'info', message: line };
  return { level: m[1]!.toLowerCase() as LogLevel, message: m[2]! };
}

const MAX_READ = 256 * 1024;

export class DaemonLogTail implements Disposable {
  private offset: number;
  private partial = '';
  private watcher: FSWatcher | undefined;
  private disposed = false;

  constructor(
    private readonly file: string,
    private readonly write: (line: ParsedLogLine) => void,
  ) {
    // Show only what the daemon logs from now on; "Show daemon log" offers the whole file.
    this.offset = sizeOf(file);
    this.ensureWatching();
  }

  /** Reads what was appended since the last read. */
  readNew(): void {
    if (this.disposed) return;
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        // Rotated or truncated: a half line of the old file must not glue onto the new one.
        this.offset = 0;
        this.partial = '';
      }
      if (size - this.offset > MAX_READ) this.offset = size - MAX_READ; // a burst: keep the tail
      const buf = Buffer.alloc(size - this.offset);
      const n = buf.length > 0 ? readSync(fd, buf, 0, buf.length, this.offset) : 0;
      this.offset += n;
      const text = this.partial + buf.subarray(0, n).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.write(parseDaemonLogLine(line));
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Watches the log's folder (not the file: rotation replaces it). The daemon creates the folder
   * with its own permissions, so before its first start there is nothing to watch: the supervisor
   * calls this again on every connection.
   */
  ensureWatching(): void {
    if (this.disposed || this.watcher) return;
    const folder = dirname(this.file);
    if (!existsSync(folder)) return;
    this.readNew();
    try {
      this.watcher = watch(folder, (_event, name) => {
        if (name === null || name === basename(this.file)) this.readNew();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // No watcher (e.g. inotify limit): the channel still gets the extension's own lines.
    }
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.close();
  }
}

function sizeOf(file: string): number {
  try {
    const fd = openSync(file, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}
