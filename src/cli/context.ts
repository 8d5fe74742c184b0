// What every command gets: output streams, the data dir's paths, and a way to reach its daemon.
import { DaemonClient } from '../client/daemon-client';
import type { DataDirPaths } from '../shared/paths';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliContext {
  io: CliIo;
  json: boolean;
  paths: DataDirPaths;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Connects and authenticates; DaemonUnreachableError when no daemon answers. */
  connect(opts?: { connectTimeoutMs?: number }): Promise<DaemonClient>;
}

/** A failure the command has already explained: exit with `code` after printing `message` on stderr. */
export class CliError extends Error {
  constructor(
    readonly code: 1 | 2,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exactly one JSON document, on one line group, on stdout. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Runs `fn` with a connected client and always closes it. */
export async function withClient<T>(ctx: CliContext, fn: (client: DaemonClient) => Promise<T>): Promise<T> {
  const client = await ctx.connect();
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

export function createConnect(paths: DataDirPaths): CliContext['connect'] {
  return (opts) => DaemonClient.connect({ paths, clientName: 'cli', connectTimeoutMs: opts?.connectTimeoutMs ?? 5000 });
}
