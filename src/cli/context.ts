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
  /** Asks the user a question and resolves with the answer; absent when there is no terminal to ask on. */
  prompt?: (question: string) => Promise<string>;
  /** Connects and authenticates; DaemonUnreachableError when no daemon answers. */
  connect(opts?: { connectTimeoutMs?: number }): Promise<DaemonClient>;
}

/**
 * A failure the command has already explained: exit with `code` after printing `message` on
 * stderr (and, with --json, an error document with `errorCode` on stdout).
 */
export class CliError extends Error {
  readonly errorCode: string;

  constructor(
    readonly code: 1 | 2,
    message: string,
    errorCode?: string,
  ) {
    super(message);
    this.name = 'CliError';
    this.errorCode = errorCode ?? (code === 2 ? 'USAGE' : 'FAILED');
  }
}

/** Exactly one JSON document, on one line group, on stdout. */
export function printJson(ctx: Pick<CliContext, 'io'>, value: unknown): void {
  ctx.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** The body of the one document a failing command prints with --json. */
export interface JsonError {
  /** USAGE, UNREACHABLE, INSECURE_SOCKET_FOLDER, FAILED, or the daemon's own code (INVALID_SETTINGS, TIMEOUT, ...). */
  code: string;
  message: string;
  /** INVALID_SETTINGS: every rejected key with its reason. */
  rejected?: Array<{ key: string; reason: string }>;
}

/** With --json, a failure is `{"error": {...}}` on stdout; the human message still goes to stderr. */
export function printJsonError(ctx: Pick<CliContext, 'io'>, error: JsonError): void {
  printJson(ctx, { error });
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
