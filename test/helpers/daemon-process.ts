// Starts the REAL daemon (dist/daemon.js, built by `npm test`) as a child process on a real
// socket and database in a fresh temp data dir. Waits on the daemon's ready line, never sleeps.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DAEMON_NODE_FLAGS } from '../../src/shared/daemon-flags';
import { DaemonClient } from '../../src/client/daemon-client';
import { waitFor } from '../../src/shared/event';
import { type DataDirPaths, dataDirPaths } from '../../src/shared/paths';
import type { EventMessage } from '../../src/shared/protocol';
import type { Settings } from '../../src/shared/settings';
import type { DaemonStatus } from '../../src/shared/status';

export const DAEMON_SCRIPT = resolve(__dirname, '../../dist/daemon.js');
export const CLI_SCRIPT = resolve(__dirname, '../../dist/cli.js');

/** Settings that make tests fast and deterministic: no jitter, quick backoff, no idle exit. */
export const FAST_SETTINGS: Partial<Settings> = {
  spawnJitterMs: [0, 0],
  pollFloorMs: 10,
  pollCeilingMs: 200,
  idleExitMs: 0,
};

export function tempDataDir(prefix = 'dm-it-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface DaemonHandle {
  dataDir: string;
  paths: DataDirPaths;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  stderr: string[];
  client(name?: string): Promise<DaemonClient>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export async function startDaemon(
  opts: { dataDir?: string; settings?: Partial<Settings>; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<DaemonHandle> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const configFile = join(dataDir, 'test-config.json');
  writeFileSync(configFile, JSON.stringify({ ...FAST_SETTINGS, ...opts.settings }));
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, DAEMON_SCRIPT, '--data-dir', dataDir, '--config', configFile, ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | string>((res) => child.on('exit', (code, signal) => res(code ?? signal ?? -1)));
  type ReadyLine = { ready: boolean; pid?: number; error?: string };
  const ready = await new Promise<ReadyLine>((res, rej) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => res(JSON.parse(line) as ReadyLine));
    void exited.then((code) => rej(new Error(`daemon exited (${code}) before ready: ${stderr.join('')}`)));
  });
  if (!ready.ready) throw new Error(`daemon did not start: ${ready.error}`);
  const paths = dataDirPaths(dataDir);
  const clients: DaemonClient[] = [];
  return {
    dataDir,
    paths,
    pid: child.pid!,
    child,
    exited,
    stderr,
    async client(name = 'test') {
      const c = await DaemonClient.connect({ paths, clientName: name });
      clients.push(c);
      return c;
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      for (const c of clients) c.close();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Subscribes to status events and resolves with the first status that satisfies `predicate`. */
export async function waitForStatus(client: DaemonClient, predicate: (s: DaemonStatus) => boolean): Promise<DaemonStatus> {
  const now = await client.request('status', {});
  if (predicate(now)) return now;
  const event = waitFor(client.onEvent, (e: EventMessage) => e.event === 'status' && predicate(e.data as DaemonStatus));
  // Subscribing after arming the waiter; then re-check once in case the change happened in between.
  await client.request('subscribe', { events: ['status', 'related'] });
  const again = await client.request('status', {});
  if (predicate(again)) return again;
  return (await event).data as DaemonStatus;
}
