// The VS Code side of agent access: the tools of src/agents/tools.ts as language model tools
// (vscode.lm.registerTool), the `dormouse mcp` server as an MCP server definition
// (vscode.lm.registerMcpServerDefinitionProvider), and "Dormouse: Set up an AI agent…". Each API is
// feature-checked: on a VS Code without it the extension still activates, without that part.
// `dormouse.agentAccess` off: the tools answer that access is off and no MCP server is provided.
// On activation the MCP launcher (mcp-launcher.ts) is brought up to date in the global storage
// folder: the configs the setup command writes for other agents run it, so they survive updates.
import * as vscode from 'vscode';
import { ACCESS_OFF_MESSAGE, type AgentBackend, TOOL_DEFINITIONS, callTool, describeCall } from '../../agents/tools';
import { type McpLaunch, launcherLaunch, mcpLaunch } from '../../agents/setup';
import type { Logger } from '../../shared/logger';
import { DisposableStore } from '../../shared/lifecycle';
import { writeMcpLauncher } from './mcp-launcher';
import { runSetupAgentCommand } from './setup-agent';
import { errorMessage } from '../../shared/error-message';

const MCP_PROVIDER_ID = 'dormouse.mcp';
const SETUP_AGENT_COMMAND = 'dormouse.setupAgent';
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
function extensionMcpLaunch(context: vscode.ExtensionContext): McpLaunch {
  const dataDir = process.env.DORMOUSE_DATA_DIR;
  return mcpLaunch({
    execPath: process.execPath,
    cliScript: context.asAbsolutePath('dist/cli.js'),
    electron: Boolean(process.versions.electron),
    ...(dataDir ? { dataDir } : {}),
  });
}

/**
 * What other agents' configs run: the launcher in the global storage folder, written (when its
 * content changed) to run extensionMcpLaunch(). Falls back to that direct, versioned command line
 * (`stable: false`) when the folder is not a local one or cannot be written.
 */
function agentConfigLaunch(context: vscode.ExtensionContext, log: Logger): { launch: McpLaunch; stable: boolean } {
  const direct = extensionMcpLaunch(context);
  const storage = context.globalStorageUri;
  if (storage.scheme !== 'file') return { launch: direct, stable: false };
  try {
    const { file, written } = writeMcpLauncher(storage.fsPath, direct);
    if (written) log.info(`MCP launcher written: ${file}`);
    return { launch: launcherLaunch(file), stable: true };
  } catch (error) {
    log.warn(`MCP launcher not written (agent setups will name this extension version): ${errorMessage(error)}`);
    return { launch: direct, stable: false };
  }
}

/** What was registered: the e2e tests read it through the extension's API. */
export interface AgentAccessInfo {
  /** Language model tools registered with vscode.lm.registerTool (empty without the API). */
  tools: string[];
  /** Whether VS Code accepted the MCP server definition provider (it throws for an id not contributed). */
  mcpProvider: boolean;
}

export function registerAgentAccess(opts: AgentAccessOptions): vscode.Disposable & { info: AgentAccessInfo } {
  const store = new DisposableStore();
  const info: AgentAccessInfo = { tools: [], mcpProvider: false };
  const { log } = opts;
  const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
  const roots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

  /** A registration VS Code refuses (it throws) costs that part, never the activation. */
  const attempt = (what: string, register: () => vscode.Disposable): boolean => {
    try {
      store.add(register());
      return true;
    } catch (error) {
      log.warn(`${what} not registered: ${errorMessage(error)}`);
      return false;
    }
  };

  // Now, not only at setup: after an update, configs written before must run the new extension.
  agentConfigLaunch(opts.context, log);

  if (typeof lm?.registerTool === 'function') {
    for (const def of TOOL_DEFINITIONS) {
      const tool: vscode.LanguageModelTool<Record<string, unknown>> = {
        prepareInvocation: (options) => {
          const what = describeCall(def.name, options.input);
          return {
            // "Search your Dormouse memory for …: ids …" -> "Searching your Dormouse memory for ……"
            invocationMessage: what.replace(/^(\w+?)e?\b/, '$1ing').replace(/:.*$/, '…'),
            confirmationMessages: { title: def.title, message: new vscode.MarkdownString(`${what}\n\nRead-only: nothing is changed or sent anywhere.`) },
          };
        },
        invoke: async (options) => {
          const answer = await callTool(def.name, options.input, { backend: { request: opts.request }, roots: roots(), accessEnabled });
          // Errors go back to the model as its error; "access is off" is an answer it should relay.
          if (answer.isError && answer.text !== ACCESS_OFF_MESSAGE) throw new Error(answer.text);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(answer.text)]);
        },
      };
      if (attempt(`language model tool ${def.name}`, () => vscode.lm.registerTool(def.name, tool))) info.tools.push(def.name);
    }
  } else {
    log.info('this VS Code has no language model tools API (vscode.lm.registerTool): Dormouse tools are not offered in chat');
  }

  if (typeof lm?.registerMcpServerDefinitionProvider === 'function' && typeof vscode.McpStdioServerDefinition === 'function') {
    const changed = store.add(new vscode.EventEmitter<void>());
    store.add(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(ACCESS_SETTING) && changed.fire()));
    const manifestVersion = (opts.context.extension?.packageJSON as { version?: unknown } | undefined)?.version;
    const version = typeof manifestVersion === 'string' ? manifestVersion : '';
    const provider: vscode.McpServerDefinitionProvider = {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () => {
        if (!accessEnabled()) return [];
        // The direct command, not the launcher: VS Code asks this running extension again on each
        // start, so the paths are always current, and it needs no shell or writable folder.
        const launch = extensionMcpLaunch(opts.context);
        return [new vscode.McpStdioServerDefinition('Dormouse', launch.command, launch.args, launch.env, version || undefined)];
      },
    };
    info.mcpProvider = attempt('MCP server definition provider', () => vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider));
  } else {
    log.info('this VS Code has no MCP server definition API: the Dormouse MCP server is not provided (set it up by hand, see the README)');
  }

  store.add(vscode.commands.registerCommand(SETUP_AGENT_COMMAND, (target?: unknown) => {
    // Written again here: the launcher may have been deleted since activation.
    const { launch, stable } = agentConfigLaunch(opts.context, log);
    return runSetupAgentCommand(launch, target, { stable });
  }));
  return Object.assign(store, { info });
}
