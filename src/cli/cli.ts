// `dormouse`: parses argv, runs one command, maps failures to the contract's exit codes:
// 0 ok; 1 daemon not reachable / operation failed; 2 bad usage or rejected input.
import pkg from '../../package.json';
import { DaemonUnreachableError } from '../client/daemon-client';
import { defaultDataDir, dataDirPaths } from '../shared/paths';
import { RpcError } from '../shared/protocol';
import { InsecureSocketFolderError } from '../shared/socket-folder';
import { type Command, type CommandName, parseArgs } from './args';
import { captureCommand } from './commands/capture';
import { daemonCommand } from './commands/daemon';
import { hibernateCommand } from './commands/hibernate';
import { recallCommand } from './commands/recall';
import { reloadCommand } from './commands/reload';
import { statusCommand } from './commands/status';
import { stopCommand } from './commands/stop';
import { wakeCommand } from './commands/wake';
import { type CliContext, CliError, type CliIo, createConnect, printJson } from './context';
import { commandHelp, usage } from './help';

export const VERSION: string = pkg.version;

export interface RunCliOptions {
  io?: CliIo;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
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
    return 2;
  }
  const { global, command } = parsed;
  if (global.version) {
    io.stdout(global.json ? `${JSON.stringify({ version: VERSION })}\n` : `${VERSION}\n`);
    return 0;
  }
  if (global.help || command?.name === 'help') {
    const topic: CommandName | undefined = command?.name === 'help' ? command.topic : command?.name;
    io.stdout(topic && topic !== 'help' ? commandHelp(topic) : usage());
    return 0;
  }
  if (!command) {
    io.stderr(usage());
    return 2;
  }
  const dataDir = global.dataDir ?? defaultDataDir(env);
  const paths = dataDirPaths(dataDir, env);
  const ctx: CliContext = { io, json: global.json, paths, cwd: opts.cwd ?? process.cwd(), env, connect: createConnect(paths) };
  try {
    return await dispatch(ctx, command);
  } catch (error) {
    return report(ctx, error);
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
  }
}

function report(ctx: CliContext, error: unknown): number {
  const { io } = ctx;
  if (error instanceof CliError) {
    io.stderr(`dormouse: ${error.message}\n`);
    return error.code;
  }
  if (error instanceof DaemonUnreachableError) {
    io.stderr(`dormouse: ${error.message}\n`);
    return 1;
  }
  if (error instanceof InsecureSocketFolderError) {
    io.stderr(`dormouse: refusing to talk to the daemon: ${error.message}\n`);
    return 1;
  }
  if (error instanceof RpcError) {
    // The daemon rejected the input itself: usage-class failure.
    const rejected = error.code === 'BAD_REQUEST' || error.code === 'INVALID_SETTINGS';
    const hint = error.code === 'DISCONNECTED' || error.code === 'TIMEOUT' ? ' (is the daemon running? start it with `dormouse daemon`)' : '';
    io.stderr(`dormouse: ${error.code}: ${error.message}${hint}\n`);
    return rejected ? 2 : 1;
  }
  io.stderr(`dormouse: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

export { printJson };
