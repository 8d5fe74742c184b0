import { describe, expect, it } from 'vitest';
import { cleanText, fenceFor, writeAnswer } from '../../../src/agents/answer';
import { countLineChanges } from '../../../src/agents/line-diff';
import { claudeCodeCommand, genericMcpJson, mcpLaunch, mergeCursorConfig, shellQuote } from '../../../src/agents/setup';
import { parseTimeBound } from '../../../src/agents/time-range';

describe('answer writing', () => {
  it('the fence is longer than any backtick run in the data', () => {
    expect(fenceFor('plain')).toBe('```');
    expect(fenceFor('a ```` b')).toBe('`````');
  });

  it('control characters and ANSI escapes are dropped, newlines and tabs kept', () => {
    expect(cleanText('\x1b[31mred\x1b[0m\ta\u202eb\x00\n')).toBe('red\tab\n');
  });

  it('data lines are cut from the end to fit the budget, with the note', () => {
    const text = writeAnswer({ header: ['h'], data: Array.from({ length: 100 }, (_, i) => `row ${i}`), truncatedNote: (kept) => `kept ${kept}` }, 300);
    expect(text.length).toBeLessThanOrEqual(300);
    const kept = Number(/kept (\d+)/.exec(text)?.[1]);
    expect(text).toContain(`row ${kept - 1}`);
    expect(text).not.toContain(`row ${kept}\n`);
  });
});

describe('line changes', () => {
  it('counts added and removed lines of the shortest edit', () => {
    expect(countLineChanges('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual({ added: 2, removed: 1, approximate: false });
    expect(countLineChanges('', 'x\ny')).toEqual({ added: 2, removed: 0, approximate: false });
    expect(countLineChanges('same\n', 'same')).toEqual({ added: 0, removed: 0, approximate: false });
  });

  it('a moved block counts as removed and added', () => {
    expect(countLineChanges('1\n2\n3\n4', '3\n4\n1\n2')).toEqual({ added: 2, removed: 2, approximate: false });
  });

  it('past maxEdits the counts come from line multisets, flagged approximate', () => {
    const a = Array.from({ length: 300 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 300 }, (_, i) => `b${i}`).join('\n');
    expect(countLineChanges(a, b, 10)).toEqual({ added: 300, removed: 300, approximate: true });
  });
});

describe('time bounds', () => {
  const now = new Date(2025, 5, 4, 15, 30).getTime(); // Wednesday
  const day = (d: number) => new Date(2025, 5, d).getTime();

  it('durations count back from now', () => {
    expect(parseTimeBound('since', '2h', now)).toBe(now - 7_200_000);
    expect(parseTimeBound('since', '30m ago', now)).toBe(now - 1_800_000);
    expect(parseTimeBound('since', '1w', now)).toBe(new Date(2025, 4, 28, 15, 30).getTime());
  });

  it('a day is its start, as since and as until (until T is before:T)', () => {
    expect(parseTimeBound('since', 'today', now)).toBe(day(4));
    expect(parseTimeBound('until', 'today', now)).toBe(day(4));
    expect(parseTimeBound('since', 'yesterday', now)).toBe(day(3));
    expect(parseTimeBound('since', 'Monday', now)).toBe(day(2));
    expect(parseTimeBound('since', 'wednesday', now)).toBe(day(4));
    expect(parseTimeBound('until', '2025-06-01', now)).toBe(day(1));
    expect(parseTimeBound('until', 'now', now)).toBe(now);
  });

  it('ISO times are taken as written', () => {
    expect(parseTimeBound('since', '2025-06-01T10:00:00Z', now)).toBe(Date.UTC(2025, 5, 1, 10));
  });

  it('anything else is an error, including impossible dates', () => {
    expect(() => parseTimeBound('since', 'banana', now)).toThrow(/since: cannot read "banana"/);
    expect(() => parseTimeBound('until', '2025-02-30', now)).toThrow(/until: cannot read/);
  });
});

describe('agent setup lines', () => {
  const launch = mcpLaunch({ execPath: '/Applications/Visual Studio Code.app/Contents/MacOS/Electron', cliScript: '/u/.vscode/extensions/dormouse.dormouse-0.1.0/dist/cli.js', electron: true });

  it('Claude Code: one quoted `claude mcp add` line with ELECTRON_RUN_AS_NODE under Electron', () => {
    expect(claudeCodeCommand(launch, 'darwin')).toBe(
      "claude mcp add --scope user dormouse -e ELECTRON_RUN_AS_NODE=1 -- '/Applications/Visual Studio Code.app/Contents/MacOS/Electron' /u/.vscode/extensions/dormouse.dormouse-0.1.0/dist/cli.js mcp",
    );
    expect(shellQuote("it's", 'linux')).toBe(`'it'\\''s'`);
    expect(shellQuote('C:\\Program Files\\x', 'win32')).toBe('"C:\\Program Files\\x"');
  });

  it('a node runtime needs no env; a data dir goes before the command', () => {
    const node = mcpLaunch({ execPath: '/usr/bin/node', cliScript: '/e/dist/cli.js', electron: false, dataDir: '/d' });
    expect(node).toEqual({ command: '/usr/bin/node', args: ['/e/dist/cli.js', '--data-dir', '/d', 'mcp'], env: {} });
    expect(JSON.parse(genericMcpJson(node))).toEqual({ mcpServers: { dormouse: { command: '/usr/bin/node', args: ['/e/dist/cli.js', '--data-dir', '/d', 'mcp'] } } });
  });

  it('Cursor: the dormouse entry is added or replaced and other servers are kept', () => {
    type CursorConfig = { mcpServers: Record<string, { command: string; env?: unknown }>; extra?: unknown };
    const merged = JSON.parse(mergeCursorConfig(JSON.stringify({ mcpServers: { other: { command: 'x' }, dormouse: { command: 'old' } }, extra: 1 }), launch)) as CursorConfig;
    expect(Object.keys(merged.mcpServers)).toEqual(['other', 'dormouse']);
    expect(merged.mcpServers.dormouse?.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' });
    expect(merged.extra).toBe(1);
    expect(() => mergeCursorConfig('[1]', launch)).toThrow(/not a JSON object/);
    expect((JSON.parse(mergeCursorConfig(undefined, launch)) as CursorConfig).mcpServers.dormouse?.command).toBe(launch.command);
  });
});
