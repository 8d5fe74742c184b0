// The MCP configuration for other agents, written by "Dormouse: Set up an AI agent…", as a Claude
// Code `claude mcp add` line, a Cursor `.cursor/mcp.json` entry and a generic mcp.json. What they
// run is the MCP launcher: a small script in a folder that survives extension updates, which runs
// the installed extension's own CLI (VS Code's runtime running dist/cli.js `mcp`); the extension
// rewrites it on each activation (src/extension/agents/mcp-launcher.ts), so a config written once
// keeps working after the extension folder (versioned) or VS Code's runtime path changes.
// No `vscode` import: unit-tested, and the README shows the same shapes.

const SERVER_NAME = 'dormouse';

export interface McpLaunch {
  /** Absolute path of the runtime (VS Code's process.execPath, or node). */
  command: string;
  args: string[];
  /** Extra environment (ELECTRON_RUN_AS_NODE=1 when the runtime is Electron). */
  env: Record<string, string>;
}

/**
 * How to run the extension's CLI as an MCP server. Under Electron the runtime is the editor
 * binary, which runs a script as plain Node only with ELECTRON_RUN_AS_NODE=1.
 */
export function mcpLaunch(opts: { execPath: string; cliScript: string; electron: boolean; dataDir?: string }): McpLaunch {
  return {
    command: opts.execPath,
    args: [opts.cliScript, ...(opts.dataDir !== undefined ? ['--data-dir', opts.dataDir] : []), 'mcp'],
    env: opts.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  };
}

/** A word for a POSIX shell (single quotes) or cmd/PowerShell (double quotes). */
export function shellQuote(word: string, platform: NodeJS.Platform = process.platform): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (platform === 'win32') return `"${word.replace(/"/g, '""')}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The launcher's file name: a POSIX sh script, or a batch file on Windows. */
export function launcherFileName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'dormouse-mcp.cmd' : 'dormouse-mcp';
}

/**
 * The launcher's content: runs `launch` with the client's extra arguments. A missing CLI (the
 * extension was removed, or updated and not yet activated since) is said on stderr, not a bare
 * "not found" from the runtime.
 */
export function launcherScript(launch: McpLaunch, platform: NodeJS.Platform = process.platform): string {
  for (const key of Object.keys(launch.env)) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`not an environment variable name: ${key}`);
  const cli = launch.args[0] ?? '';
  const missing = 'Dormouse: the extension CLI this launcher runs is gone; open VS Code with the Dormouse extension installed to update the launcher.';
  if (platform === 'win32') {
    // Batch files expand %VAR% even inside quotes: a literal % is doubled. Windows paths cannot
    // contain a double quote, and other specials (& ^ ( )) are literal inside quotes.
    const word = (w: string) => `"${w.replace(/"/g, '').replace(/%/g, '%%')}"`;
    return [
      '@echo off',
      'rem Dormouse MCP server launcher: rewritten by the Dormouse extension when it starts. Do not edit.',
      'setlocal',
      ...Object.entries(launch.env).map(([k, v]) => `set "${k}=${v.replace(/%/g, '%%')}"`),
      `if not exist ${word(cli)} (`,
      `  echo ${missing} 1>&2`,
      '  exit /b 1',
      ')',
      `${[launch.command, ...launch.args].map(word).join(' ')} %*`,
      '',
    ].join('\r\n');
  }
  const word = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    '# Dormouse MCP server launcher: rewritten by the Dormouse extension when it starts. Do not edit.',
    ...Object.entries(launch.env).map(([k, v]) => `export ${k}=${word(v)}`),
    `if [ ! -f ${word(cli)} ]; then`,
    `  echo ${word(missing)} >&2`,
    '  exit 1',
    'fi',
    `exec ${[launch.command, ...launch.args].map(word).join(' ')} "$@"`,
    '',
  ].join('\n');
}

/**
 * How an MCP client runs the launcher at `file`: directly, or on Windows through `cmd /c` (Node,
 * and the clients built on it, cannot spawn a .cmd without a shell).
 */
export function launcherLaunch(file: string, platform: NodeJS.Platform = process.platform): McpLaunch {
  return platform === 'win32' ? { command: 'cmd', args: ['/c', file], env: {} } : { command: file, args: [], env: {} };
}

/** `claude mcp add --scope user dormouse [-e K=V] -- COMMAND ARGS…` */
export function claudeCodeCommand(launch: McpLaunch, platform: NodeJS.Platform = process.platform): string {
  const env = Object.entries(launch.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return ['claude', 'mcp', 'add', '--scope', 'user', SERVER_NAME, ...env, '--', launch.command, ...launch.args].map((w) => shellQuote(w, platform)).join(' ');
}

/** The `mcpServers` entry that Cursor, Claude Desktop and most MCP clients read. */
function mcpServerEntry(launch: McpLaunch): { command: string; args: string[]; env?: Record<string, string> } {
  return { command: launch.command, args: [...launch.args], ...(Object.keys(launch.env).length > 0 && { env: { ...launch.env } }) };
}

/** A whole generic mcp.json. */
export function genericMcpJson(launch: McpLaunch): string {
  return `${JSON.stringify({ mcpServers: { [SERVER_NAME]: mcpServerEntry(launch) } }, null, 2)}\n`;
}

/**
 * `.cursor/mcp.json` with the Dormouse entry added or replaced, every other server kept. Throws
 * when the existing file is not a JSON object (it is never overwritten then).
 */
export function mergeCursorConfig(existing: string | undefined, launch: McpLaunch): string {
  let config: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== '') {
    const parsed: unknown = JSON.parse(existing);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the existing file is not a JSON object');
    config = parsed as Record<string, unknown>;
  }
  const servers = config.mcpServers && typeof config.mcpServers === 'object' && !Array.isArray(config.mcpServers) ? (config.mcpServers as Record<string, unknown>) : {};
  return `${JSON.stringify({ ...config, mcpServers: { ...servers, [SERVER_NAME]: mcpServerEntry(launch) } }, null, 2)}\n`;
}
