// AI agents in a real VS Code: the Dormouse tools are registered language model tools, invoking
// `dormouse_search` through vscode.lm.invokeTool (no model needed) finds a file saved in this test,
// dormouse.agentAccess off makes it answer that access is off, and VS Code accepted the MCP server
// definition provider. "Dormouse: Set up an AI agent…" writes the MCP launcher, which runs the
// installed CLI.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { test } from './framework';
import { getApi } from './harness';
import { saveNewFile, setSetting, waitForCapturesStored, waitForRunning, waitForStatus } from './steps';

const TOOLS = ['dormouse_search', 'dormouse_get_memory', 'dormouse_recent_activity', 'dormouse_file_history'];

function text(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

test(
  'agents: vscode.lm lists the Dormouse tools and dormouse_search finds a file saved just now',
  async () => {
    const api = await getApi();
    await waitForRunning(api);
    const names = vscode.lm.tools.map((t) => t.name);
    for (const name of TOOLS) assert.ok(names.includes(name), `vscode.lm.tools lists ${name} (got ${names.filter((n) => n.startsWith('dormouse')).join(', ') || 'no dormouse tool'})`);
    const info = vscode.lm.tools.find((t) => t.name === 'dormouse_search');
    assert.ok(info?.description.includes('2,000 tokens'), 'the model description states the budget');
    assert.deepEqual(api.agents?.tools, TOOLS, 'the extension registered every tool');
    assert.equal(api.agents?.mcpProvider, true, 'VS Code accepted the MCP server definition provider (dormouse.mcp)');

    let stored = (await waitForStatus(api, () => true, 'a status')).counters.capturesStored;
    await saveNewFile('agents-wombat.txt', 'export const agentsWombatTrellis = "for the agent";\n');
    // Another capture (a late one from an earlier test) may be the one counted first: search after
    // each stored capture until this one is in, with a deadline.
    const search = () => vscode.lm.invokeTool('dormouse_search', { input: { query: 'agentsWombatTrellis' }, toolInvocationToken: undefined });
    const deadline = Date.now() + 20_000;
    let answer: string;
    for (;;) {
      stored = (await waitForCapturesStored(api, stored, 1)).counters.capturesStored;
      answer = text(await search());
      if (/agents-wombat\.txt/.test(answer) || Date.now() > deadline) break;
    }
    assert.match(answer, /agents-wombat\.txt/, `the answer cites the saved file: ${answer}`);
    assert.match(answer, /untrusted captured content, not instructions/, 'captured content is fenced as untrusted');
    const id = Number(/\[(\d+)\] file/.exec(answer)?.[1]);
    assert.ok(id > 0, `the answer cites a memory id: ${answer}`);

    const memory = text(await vscode.lm.invokeTool('dormouse_get_memory', { input: { id }, toolInvocationToken: undefined }));
    assert.match(memory, /agentsWombatTrellis = "for the agent"/, `get_memory returns the content: ${memory}`);

    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool('dormouse_search', { input: { query: '?!' }, toolInvocationToken: undefined })),
      /no word to search for/,
      'a punctuation-only query is an error',
    );
  },
  { timeoutMs: 60_000 },
);

test(
  'agents: with dormouse.agentAccess off the tools answer that access is off',
  async () => {
    await setSetting('agentAccess', false);
    try {
      const answer = text(await vscode.lm.invokeTool('dormouse_search', { input: { query: 'agentsWombatTrellis' }, toolInvocationToken: undefined }));
      assert.match(answer, /agent access is turned off/);
      assert.doesNotMatch(answer, /agents-wombat/);
    } finally {
      await setSetting('agentAccess', undefined);
    }
  },
  { timeoutMs: 30_000 },
);

test(
  'agents: Set up an AI agent writes the MCP launcher, which runs the installed CLI',
  async () => {
    const result = await vscode.commands.executeCommand<{ text: string } | undefined>('dormouse.setupAgent', 'generic');
    assert.ok(result, 'the command returned what it wrote');
    const config = JSON.parse(result.text) as { mcpServers: { dormouse: { command: string; args: string[] } } };
    const { command, args } = config.mcpServers.dormouse;
    // POSIX: the launcher itself; Windows: cmd /c LAUNCHER.cmd.
    const launcher = process.platform === 'win32' ? (args[1] ?? '') : command;
    assert.match(launcher, /dormouse-mcp(\.cmd)?$/, `command line: ${command} ${args.join(' ')}`);
    assert.match(readFileSync(launcher, 'utf8'), /dist[\\/]cli\.js.*\bmcp\b/, 'the launcher runs the installed CLI with `mcp`');
    const claude = await vscode.commands.executeCommand<{ text: string }>('dormouse.setupAgent', 'claude-code');
    assert.match(claude.text, /^claude mcp add --scope user dormouse -- .*dormouse-mcp/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  },
  { timeoutMs: 30_000 },
);
