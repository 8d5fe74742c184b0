// `dormouse mcp`: an MCP server on stdin/stdout for AI agents (Claude Code, Cursor, VS Code), a
// client of the one per-user daemon (started detached when none runs). It lives exactly as long
// as its MCP client: it exits when stdin ends or closes (the client quit, or died: its end of the
// pipe closes with it) or stdout breaks. No timer runs while idle; the parent pid is compared
// only when a tool is called, for a parent that died while something else keeps the pipe open.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { DaemonBackend } from '../../agents/daemon-backend';
import { createMcpServer } from '../../agents/mcp-server';
import { VERSION } from '../../shared/version';
import type { CliContext } from '../context';
import { errorMessage } from '../../shared/error-message';

export interface McpStreams {
  stdin: NodeJS.ReadableStream & { once(event: string, listener: (...args: unknown[]) => void): unknown };
  stdout: NodeJS.WritableStream;
}

export async function mcpCommand(ctx: CliContext, streams: McpStreams = { stdin: process.stdin, stdout: process.stdout }): Promise<number> {
  const log = (line: string) => ctx.io.stderr(`dormouse mcp: ${line}\n`);
  const backend = new DaemonBackend({ paths: ctx.paths, env: ctx.env, clientName: `mcp-${process.pid}` });
  const parentPid = process.ppid;
  let finish!: (why: string) => void;
  const finished = new Promise<string>((resolve) => (finish = resolve));
  const server = createMcpServer({
    backend,
    version: VERSION,
    roots: [ctx.cwd],
    beforeCall: () => {
      // Reparented: the client that started us is gone (its pipe may be held open by another process).
      if (process.ppid !== parentPid) finish(`the parent process ${parentPid} is gone`);
    },
  });
  const transport = new StdioServerTransport(streams.stdin as never, streams.stdout as never);
  streams.stdin.once('end', () => finish('stdin ended'));
  streams.stdin.once('close', () => finish('stdin closed'));
  streams.stdout.once('error', () => finish('stdout is broken'));
  transport.onerror = (error) => log(`transport error: ${error.message}`);
  await server.connect(transport);
  // Reach (or start) the daemon now so the first call is quick; hello is control-plane: no activity.
  backend.connect().then(
    (client) => log(`connected to the daemon (pid ${client.hello.daemonPid}, data dir ${ctx.paths.dataDir})`),
    (error: unknown) => log(`the daemon is not reachable yet (${errorMessage(error)}); tools will retry`),
  );
  const why = await finished;
  log(`exiting: ${why}`);
  backend.close();
  await server.close().catch(() => {});
  return 0;
}
