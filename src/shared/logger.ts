// The log seam: the daemon writes to a file (and stderr in the foreground); tests capture lines.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines are prefixed with `[scope]`. */
  child(scope: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (level: LogLevel, line: string) => void;

/** A logger writing `ISO level [scope] message` lines to a sink, filtered by a level read at call time. */
export function createLogger(sink: LogSink, level: () => LogLevel, now: () => number = Date.now, scope = ''): Logger {
  const write = (lvl: LogLevel, message: string) => {
    if (ORDER[lvl] < ORDER[level()]) return;
    const prefix = scope ? `[${scope}] ` : '';
    sink(lvl, `${new Date(now()).toISOString()} ${lvl.toUpperCase().padEnd(5)} ${prefix}${message}`);
  };
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    child: (child) => createLogger(sink, level, now, scope ? `${scope}/${child}` : child),
  };
}

/** A logger that keeps lines in memory: for tests, which assert on them. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger((_lvl, line) => lines.push(line), () => level, () => 0);
  return Object.assign(logger, { lines });
}
