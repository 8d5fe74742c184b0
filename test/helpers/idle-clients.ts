// Holds many authenticated idle connections to a daemon from child processes
// (idle-clients-child.cjs), so a test or the bench can have a thousand real clients without
// spending its own descriptors. Apart from use-daemons.ts: the bench imports it too.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readToken } from '../../src/daemon/ipc/token';
import type { DataDirPaths } from '../../src/shared/paths';

const CHILD = join(__dirname, 'idle-clients-child.cjs');

export interface IdleClients {
  authed: number;
  /** Refusals by error code (TOO_MANY_CONNECTIONS...). */
  refused: Record<string, number>;
  /** Connections that closed or failed before any reply. */
  failed: number;
  /** Closes every connection (the child exits). */
  release(): void;
}

/** `count` connections from one child process; resolves once each said hello and got its answer. */
export function holdIdleClients(paths: Pick<DataDirPaths, 'socket' | 'token'>, count: number): Promise<IdleClients> {
  const child: ChildProcess = spawn(process.execPath, [CHILD, paths.socket, readToken(paths.token), String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const release = () => void child.stdin?.end();
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ ...(JSON.parse(line) as Omit<IdleClients, 'release'>), release }));
    child.once('exit', (code) => reject(new Error(`idle-clients child exited (${code}) before it reported`)));
  });
}
