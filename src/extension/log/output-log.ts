// One log output channel, "Dormouse", for the extension and the daemon: the extension logs into
// it through the shared Logger seam, and the daemon's log file is tailed into it (see
// daemon-log-tail.ts), each daemon line at its own level and marked [daemon].
import * as vscode from 'vscode';
import type { Logger } from '../../shared/logger';

export function createOutputLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Dormouse', { log: true });
}

export function channelLogger(channel: vscode.LogOutputChannel, scope = ''): Logger {
  const prefix = scope ? `[${scope}] ` : '';
  return {
    debug: (m) => channel.debug(prefix + m),
    info: (m) => channel.info(prefix + m),
    warn: (m) => channel.warn(prefix + m),
    error: (m) => channel.error(prefix + m),
    child: (child) => channelLogger(channel, scope ? `${scope}/${child}` : child),
  };
}
