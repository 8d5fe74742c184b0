// A daemon started the way the product starts it (src/client/spawn-daemon.ts): the built bundle
// `node --no-memory-reducer dist/daemon.js --data-dir DIR`, no --config, so every setting is the
// shipped default. The test helper (test/helpers/daemon-process.ts) writes FAST_SETTINGS (10 ms
// poll floor, 200 ms ceiling, no jitter, no idle exit) so tests run fast; a bench row must not
// inherit those without saying so. A row that needs a setting changed puts it where a user would,
// the data dir's config.json, and `config` names every change for the row.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DaemonClient } from '../src/client/daemon-client';
import { DAEMON_NODE_FLAGS } from '../src/shared/daemon-flags';
import { type DataDirPaths, dataDirPaths } from '../src/shared/paths';
import type { Settings } from '../src/shared/settings';

export const DAEMON_BUNDLE = resolve(__dirname, '..', 'dist', 'daemon.js');

export interface ShippedDaemon {
  dataDir: string;
  paths: DataDirPaths;
  pid: number;
  /** "shipped defaults", or "shipped defaults except ..." naming every changed setting. */
  config: string;
  client(name?: string): Promise<DaemonClient>;
  /** SIGTERM (a graceful stop) unless told otherwise; resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** "shipped defaults" or "shipped defaults except idleExitMs 0, pollCeilingMs 2000". */
export function describeSettings(changed: Partial<Settings>): string {
  const entries = Object.entries(changed);
  if (entries.length === 0) return 'shipped defaults';
  return `shipped defaults except ${entries.map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}`;
}

export async function startShippedDaemon(changed: Partial<Settings> = {}, dataDir = mkdtempSync(join(tmpdir(), 'dm-bench-d-'))): Promise<ShippedDaemon> {
  const paths = dataDirPaths(dataDir);
  if (Object.keys(changed).length > 0) writeFileSync(paths.config, JSON.stringify(changed));
  const child: ChildProcess = spawn(process.execPath, [...DAEMON_NODE_FLAGS, DAEMON_BUNDLE, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const ready = await new Promise<{ ready: boolean; error?: string }>((res, rej) => {
    createInterface({ input: child.stdout! }).once('line', (line) => res(JSON.parse(line) as { ready: boolean; error?: string }));
    void exited.then(() => rej(new Error(`daemon exited before ready: ${stderr}`)));
  });
  if (!ready.ready) throw new Error(`daemon did not start: ${ready.error}`);
  const clients: DaemonClient[] = [];
  return {
    dataDir,
    paths,
    pid: child.pid!,
    config: describeSettings(changed),
    async client(name = 'bench') {
      const c = await DaemonClient.connect({ paths, clientName: name });
      clients.push(c);
      return c;
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      for (const c of clients) c.close();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
