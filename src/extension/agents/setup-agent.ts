// "Dormouse: Set up an AI agent…": the MCP configuration for Claude Code (a `claude mcp add` line,
// copied and offered in a terminal), Cursor (.cursor/mcp.json, merged), or any client (a generic
// mcp.json, copied and shown), each running the MCP launcher that the extension keeps pointing at
// its installed CLI (or, when it could not be written, that CLI's own versioned command line).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { type McpLaunch, claudeCodeCommand, genericMcpJson, mergeCursorConfig } from '../../agents/setup';
import { errorMessage } from '../../shared/error-message';

export type SetupTarget = 'claude-code' | 'cursor' | 'generic';

/** Resolves with what was written or copied (the e2e tests and other extensions read it). */
export async function runSetupAgentCommand(
  launch: McpLaunch,
  target?: unknown,
  opts: { stable: boolean } = { stable: true },
): Promise<{ target: SetupTarget; text: string; file?: string } | undefined> {
  const chosen = isTarget(target) ? target : await pickTarget();
  if (!chosen) return undefined;
  const note = opts.stable
    ? 'It runs a launcher that Dormouse keeps up to date, so extension updates need no new setup.'
    : 'It runs this installed extension (run the setup again after updating it).';
  switch (chosen) {
    case 'claude-code': {
      const text = claudeCodeCommand(launch);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(`Dormouse: copied the Claude Code command. ${note}`, 'Paste in a terminal').then((choice) => {
        if (choice !== 'Paste in a terminal') return;
        const terminal = vscode.window.createTerminal('Dormouse: Claude Code setup');
        terminal.show();
        terminal.sendText(text, false); // the user presses Enter
      });
      return { target: chosen, text };
    }
    case 'cursor': {
      const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
      const file = join(folder ? folder.uri.fsPath : homedir(), '.cursor', 'mcp.json');
      let text: string;
      try {
        text = mergeCursorConfig(existsSync(file) ? readFileSync(file, 'utf8') : undefined, launch);
      } catch (error) {
        void vscode.window.showErrorMessage(`Dormouse: ${file} is not valid JSON (${errorMessage(error)}); it was left unchanged.`);
        return undefined;
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
      void vscode.window.showInformationMessage(`Dormouse: added the "dormouse" MCP server to ${file}. ${note}`);
      return { target: chosen, text, file };
    }
    case 'generic': {
      const text = genericMcpJson(launch);
      await vscode.env.clipboard.writeText(text);
      const doc = await vscode.workspace.openTextDocument({ language: 'json', content: text });
      await vscode.window.showTextDocument(doc, { preview: true });
      void vscode.window.showInformationMessage(`Dormouse: copied an mcp.json with the "dormouse" server. ${note}`);
      return { target: chosen, text };
    }
  }
}

function isTarget(value: unknown): value is SetupTarget {
  return value === 'claude-code' || value === 'cursor' || value === 'generic';
}

async function pickTarget(): Promise<SetupTarget | undefined> {
  const items: Array<vscode.QuickPickItem & { target: SetupTarget }> = [
    { label: 'Claude Code', description: 'copy a `claude mcp add` command', target: 'claude-code' },
    { label: 'Cursor', description: 'write .cursor/mcp.json', target: 'cursor' },
    { label: 'Other MCP client', description: 'copy a generic mcp.json', target: 'generic' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Dormouse: Set up an AI agent', placeHolder: 'Which agent should read your Dormouse memory?' });
  return picked?.target;
}
