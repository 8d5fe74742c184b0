// The VS Code side of agent access: the tools of src/agents/tools.ts as language model tools
// (vscode.lm.registerTool), the `dormouse mcp` server as an MCP server definition
// (vscode.lm.registerMcpServerDefinitionProvider), and "Dormouse: Set up an AI agent…". Each API is
// feature-checked: on a VS Code without it the extension still activates, without that part.
// `dormouse.agentAccess` off: the tools answer that access is off and no MCP server is provided.
import * as vscode from 'vscode';
import { ACCESS_OFF_MESSAGE, type AgentBackend, TOOL_DEFINITIONS, callTool, describeCall } from '../../agents/tools';
import { type McpLaunch, mcpLaunch } from '../../agents/setup';
import type { Logger } from '../../shared/logger';
import { DisposableStore } from '../../shared/lifecycle';
import { runSetupAgentCommand } from './setup-agent';

export const MCP_PROVIDER_ID = 'dormouse.mcp';
export const SETUP_AGENT_COMMAND = 'dormouse.setupAgent';
const ACCESS_SETTING = 'dormouse.agentAccess';

export interface AgentAccessOptions {
  context: vscode.ExtensionContext;
  /** A daemon request (the window's supervisor). */
  request: AgentBackend['request'];
  log: Logger;
}

export function accessEnabled(): boolean {
  return vscode.workspace.getConfiguration('dormouse').get<boolean>('agentAccess', true);
}

/** The extension's own CLI as an MCP server: VS Code's runtime running dist/cli.js `mcp`. */
export function extensionMcpLaunch(context: vscode.ExtensionContext): McpLaunch {
  const dataDir = process.env.DORMOUSE_DATA_DIR;
  return mcpLaunch({
    execPath: process.execPath,
    cliScript: context.asAbsolutePath('dist/cli.js'),
    electron: Boolean(process.versions.electron),
    ...(dataDir ? { dataDir } : {}),
  });
}

export function registerAgentAccess(opts: AgentAccessOptions): vscode.Disposable {
  const store = new DisposableStore();
  const { log } = opts;
  const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
  const roots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

  if (typeof lm?.registerTool === 'function') {
    for (const def of TOOL_DEFINITIONS) {
      store.add(
        lm.registerTool<Record<string, unknown>>(def.name, {
          prepareInvocation: (options) => {
            const what = describeCall(def.name, options.input);
            return {
              invocationMessage: what.replace(/^(\w+)/, (verb) => `${verb.replace(/e$/, '')}ing`).replace(/:.*$/, '…'),
              confirmationMessages: { title: def.title, message: new vscode.MarkdownString(`${what}\n\nRead-only: nothing is changed or sent anywhere.`) },
            };
          },
          invoke: async (options) => {
            const answer = await callTool(def.name, options.input, { backend: { request: opts.request }, roots: roots(), accessEnabled });
            // Errors go back to the model as its error; "access is off" is an answer it should relay.
            if (answer.isError && answer.text !== ACCESS_OFF_MESSAGE) throw new Error(answer.text);
            return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(answer.text)]);
          },
        }),
      );
    }
  } else {
    log.info('this VS Code has no language model tools API (vscode.lm.registerTool): Dormouse tools are not offered in chat');
  }

  if (typeof lm?.registerMcpServerDefinitionProvider === 'function' && typeof vscode.McpStdioServerDefinition === 'function') {
    const changed = new vscode.EventEmitter<void>();
    store.add(changed);
    store.add(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(ACCESS_SETTING) && changed.fire()));
    const version = String((opts.context.extension?.packageJSON as { version?: unknown } | undefined)?.version ?? '');
    store.add(
      lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
        onDidChangeMcpServerDefinitions: changed.event,
        provideMcpServerDefinitions: () => {
          if (!accessEnabled()) return [];
          const launch = extensionMcpLaunch(opts.context);
          return [new vscode.McpStdioServerDefinition('Dormouse', launch.command, launch.args, launch.env, version || undefined)];
        },
      }),
    );
  } else {
    log.info('this VS Code has no MCP server definition API: the Dormouse MCP server is not provided (set it up by hand, see the README)');
  }

  store.add(vscode.commands.registerCommand(SETUP_AGENT_COMMAND, (target?: unknown) => runSetupAgentCommand(extensionMcpLaunch(opts.context), target)));
  return store;
}
