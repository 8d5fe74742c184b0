// `dormouse`: parses argv, runs one command, maps failures to the contract's exit codes:
// 0 ok; 1 daemon not reachable / operation failed; 2 bad usage or rejected input.
import pkg from '../../package.json';
import { DaemonUnreachableError } from '../client/daemon-client';
import { defaultDataDir, dataDirPaths } from '../shared/paths';
import { RpcError } from '../shared/protocol';
import { InsecureSocketFolderError } from '../shared/socket-folder';
import { type Command, type CommandName, parseArgs } from './args';
import { createInterface } from 'node:readline/promises';
import { captureCommand } from './commands/capture';
import { daemonCommand } from './commands/daemon';
import { exportCommand } from './commands/export';
import { forgetCommand } from './commands/forget';
import { importCommand } from './commands/import';
import { pauseCommand, resumeCommand } from './commands/pause';
import { hibernateCommand } from './commands/hibernate';
import { mcpCommand } from './commands/mcp';
import { recallCommand } from './commands/recall';
import { reloadCommand } from './commands/reload';
import { statusCommand } from './commands/status';
import { stopCommand } from './commands/stop';
import { storeCommand } from './commands/store';
import { wakeCommand } from './commands/wake';
import { type CliContext, CliError, type CliIo, createConnect, type JsonError, printJson, printJsonError } from './context';
import { commandHelp, usage } from './help';
import { errorMessage } from '../shared/error-message';

export const VERSION: string = pkg.version;

export interface RunCliOptions {
  io?: CliIo;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How to ask the user (forget's confirmation); default: stdin/stderr when both are a terminal, else none. */
  prompt?: CliContext['prompt'] | null;
}

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export async function runCli(argv: readonly string[], opts: RunCliOptions = {}): Promise<number> {
  const io = opts.io ?? processIo;
  const env = opts.env ?? process.env;
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    const more = parsed.command ? `dormouse help ${parsed.command}` : 'dormouse help';
    io.stderr(`dormouse: ${parsed.error}\nRun '${more}' for usage.\n`);
    if (parsed.json) printJsonError({ io }, { code: 'USAGE', message: parsed.error });
    return 2;
  }
  const { global, command } = parsed;
  const out = { io };
  if (global.version) {
    if (global.json) printJson(out, { version: VERSION });
    else io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (global.help || command?.name === 'help') {
    const topic: CommandName | undefined = command?.name === 'help' ? command.topic : command?.name;
    const text = topic && topic !== 'help' ? commandHelp(topic) : usage();
    if (global.json) printJson(out, { help: { topic: topic ?? null, text } });
    else io.stdout(text);
    return 0;
  }
  if (!command) {
    io.stderr(usage());
    if (global.json) printJsonError(out, { code: 'USAGE', message: 'no command given; run `dormouse help` for usage' });
    return 2;
  }
  let ctx: CliContext | undefined;
  try {
    const dataDir = global.dataDir ?? defaultDataDir(env);
    const paths = dataDirPaths(dataDir, env);
    const prompt = opts.prompt === undefined ? terminalPrompt() : (opts.prompt ?? undefined);
    ctx = { io, json: global.json, paths, cwd: opts.cwd ?? process.cwd(), env, connect: createConnect(paths), ...(prompt && { prompt }) };
    return await dispatch(ctx, command);
  } catch (error) {
    return report(ctx ?? { io, json: global.json }, error);
  }
}

function dispatch(ctx: CliContext, command: Exclude<Command, { name: 'help' }>): Promise<number> {
  switch (command.name) {
    case 'daemon':
      return daemonCommand(ctx, command);
    case 'status':
      return statusCommand(ctx);
    case 'wake':
      return wakeCommand(ctx);
    case 'hibernate':
      return hibernateCommand(ctx);
    case 'reload':
      return reloadCommand(ctx, command);
    case 'capture':
      return captureCommand(ctx, command);
    case 'recall':
      return recallCommand(ctx, command);
    case 'stop':
      return stopCommand(ctx);
    case 'forget':
      return forgetCommand(ctx, command);
    case 'pause':
      return pauseCommand(ctx, command);
    case 'resume':
      return resumeCommand(ctx);
    case 'export':
      return exportCommand(ctx, command);
    case 'import':
      return importCommand(ctx, command);
    case 'mcp':
      return mcpCommand(ctx);
    case 'store':
      return storeCommand(ctx, command);
  }
}

/** A question on stderr, the answer from stdin: only when both are a terminal. */
function terminalPrompt(): CliContext['prompt'] {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };
}

/** Prints a failure on stderr (and, with --json, as one error document on stdout); returns the exit code. */
function report(ctx: Pick<CliContext, 'io' | 'json'>, error: unknown): number {
  const { exitCode, human, body } = describeFailure(error);
  ctx.io.stderr(human);
  if (ctx.json) printJsonError(ctx, body);
  return exitCode;
}

function describeFailure(error: unknown): { exitCode: 1 | 2; human: string; body: JsonError } {
  if (error instanceof CliError) {
    return { exitCode: error.code, human: `dormouse: ${error.message}\n`, body: { code: error.errorCode, message: error.message } };
  }
  if (error instanceof DaemonUnreachableError) {
    return { exitCode: 1, human: `dormouse: ${error.message}\n`, body: { code: 'UNREACHABLE', message: error.message } };
  }
  if (error instanceof InsecureSocketFolderError) {
    const message = `refusing to talk to the daemon: ${error.message}`;
    return { exitCode: 1, human: `dormouse: ${message}\n`, body: { code: 'INSECURE_SOCKET_FOLDER', message } };
  }
  if (error instanceof RpcError) {
    if (error.code === 'INVALID_SETTINGS') {
      // All or nothing: list every rejected key with its reason.
      const rejected = (error.details?.rejected ?? []).map((r) => ({ key: r.key, reason: r.reason }));
      const lines = rejected.length > 0 ? rejected.map((r) => `  ${r.key}: ${r.reason}\n`) : [`  ${error.message}\n`];
      return {
        exitCode: 2,
        human: `dormouse: settings rejected, nothing changed:\n${lines.join('')}`,
        body: { code: error.code, message: `settings rejected, nothing changed: ${error.message}`, rejected },
      };
    }
    // The daemon rejected the input itself: usage-class failure.
    const rejected = error.code === 'BAD_REQUEST';
    const hint = error.code === 'DISCONNECTED' || error.code === 'TIMEOUT' ? ' (is the daemon running? start it with `dormouse daemon`)' : '';
    return { exitCode: rejected ? 2 : 1, human: `dormouse: ${error.code}: ${error.message}${hint}\n`, body: { code: error.code, message: `${error.message}${hint}` } };
  }
  const message = errorMessage(error);
  return { exitCode: 1, human: `dormouse: ${message}\n`, body: { code: 'FAILED', message } };
}

export { printJson };
