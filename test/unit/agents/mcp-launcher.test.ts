import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claudeCodeCommand, genericMcpJson, launcherLaunch, launcherScript, mcpLaunch, mergeCursorConfig } from '../../../src/agents/setup';
import { writeMcpLauncher } from '../../../src/extension/agents/mcp-launcher';

const posix = process.platform !== 'win32';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dormouse-launcher-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const electron = (version: string) =>
  mcpLaunch({ execPath: '/usr/share/code/code', cliScript: `/home/u/.vscode/extensions/dormouse.dormouse-${version}/dist/cli.js`, electron: true });

describe('MCP launcher', () => {
  it.runIf(posix)('the launcher is written with mode 0700 and runs the CLI with ELECTRON_RUN_AS_NODE', () => {
    const storage = join(dir, 'globalStorage', 'dormouse.dormouse'); // not there yet
    const { file, written } = writeMcpLauncher(storage, electron('0.1.0'), 'linux');
    expect(written).toBe(true);
    expect(file).toBe(join(storage, 'dormouse-mcp'));
    expect(statSync(file).mode & 0o777).toBe(0o700);
    const script = readFileSync(file, 'utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain("export ELECTRON_RUN_AS_NODE='1'\n");
    expect(script).toContain(`exec '/usr/share/code/code' '/home/u/.vscode/extensions/dormouse.dormouse-0.1.0/dist/cli.js' 'mcp' "$@"\n`);
    // The configs name the launcher only: no version, no runtime, no env.
    expect(launcherLaunch(file, 'linux')).toEqual({ command: file, args: [], env: {} });
    expect(claudeCodeCommand(launcherLaunch(file, 'linux'), 'linux')).toBe(`claude mcp add --scope user dormouse -- ${file}`);
  });

  it('Windows: a batch file run through cmd /c, with % doubled', () => {
    const launch = mcpLaunch({ execPath: 'C:\\Program Files\\Microsoft VS Code\\Code.exe', cliScript: 'C:\\Users\\a%b\\.vscode\\extensions\\dormouse.dormouse-0.1.0\\dist\\cli.js', electron: true });
    const script = launcherScript(launch, 'win32');
    expect(script.split('\r\n')).toEqual([
      '@echo off',
      expect.stringMatching(/^rem Dormouse MCP server launcher/),
      'setlocal',
      'set "ELECTRON_RUN_AS_NODE=1"',
      'if not exist "C:\\Users\\a%%b\\.vscode\\extensions\\dormouse.dormouse-0.1.0\\dist\\cli.js" (',
      expect.stringMatching(/^ {2}echo Dormouse: .* 1>&2$/),
      '  exit /b 1',
      ')',
      '"C:\\Program Files\\Microsoft VS Code\\Code.exe" "C:\\Users\\a%%b\\.vscode\\extensions\\dormouse.dormouse-0.1.0\\dist\\cli.js" "mcp" %*',
      '',
    ]);
    const { file } = writeMcpLauncher(dir, launch, 'win32');
    expect(file).toBe(join(dir, 'dormouse-mcp.cmd'));
    expect(readFileSync(file, 'utf8')).toBe(script);
    expect(launcherLaunch(file, 'win32')).toEqual({ command: 'cmd', args: ['/c', file], env: {} });
  });

  it('rewriting with a new extension path changes the launcher and not the config', () => {
    const first = writeMcpLauncher(dir, electron('0.1.0'));
    const cursorFile = join(dir, 'mcp.json');
    writeFileSync(cursorFile, mergeCursorConfig(undefined, launcherLaunch(first.file)));
    const config = readFileSync(cursorFile, 'utf8');
    const generic = genericMcpJson(launcherLaunch(first.file));

    // An update: a new extension folder and a new runtime.
    const updated = mcpLaunch({ execPath: '/snap/code/200/usr/share/code/code', cliScript: '/home/u/.vscode/extensions/dormouse.dormouse-0.2.0/dist/cli.js', electron: true });
    const second = writeMcpLauncher(dir, updated);
    expect(second).toEqual({ file: first.file, written: true });
    const script = readFileSync(second.file, 'utf8');
    expect(script).toContain('dormouse.dormouse-0.2.0');
    expect(script).toContain('/snap/code/200/');
    expect(script).not.toContain('0.1.0');
    // The config on disk is untouched, and the setup would write the very same one again.
    expect(readFileSync(cursorFile, 'utf8')).toBe(config);
    expect(mergeCursorConfig(config, launcherLaunch(second.file))).toBe(config);
    expect(genericMcpJson(launcherLaunch(second.file))).toBe(generic);
  });

  it('an unchanged launcher is not rewritten', () => {
    const { file } = writeMcpLauncher(dir, electron('0.1.0'));
    const before = statSync(file);
    const again = writeMcpLauncher(dir, electron('0.1.0'));
    expect(again).toEqual({ file, written: false });
    const after = statSync(file);
    expect(after.ino).toBe(before.ino); // a rewrite renames a new file over it: another inode
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it.runIf(posix)('a path with spaces and quotes survives: the sh launcher passes the exact argv and env', () => {
    const weird = join(dir, `it's a "dir" $HOME \`id\` ; & \\ ok`);
    mkdirSync(join(weird, 'dist'), { recursive: true });
    const cli = join(weird, 'dist', 'cli.js');
    writeFileSync(cli, '// the CLI\n');
    const runtime = join(weird, 'fake runtime');
    writeFileSync(runtime, '#!/bin/sh\necho "ELECTRON_RUN_AS_NODE=$ELECTRON_RUN_AS_NODE"\nfor a in "$@"; do echo "[$a]"; done\n');
    chmodSync(runtime, 0o700);

    const { file } = writeMcpLauncher(join(weird, 'storage'), mcpLaunch({ execPath: runtime, cliScript: cli, electron: true, dataDir: join(weird, 'data') }));
    const run = spawnSync(file, ['--extra', 'two words', "it's"], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual(['ELECTRON_RUN_AS_NODE=1', `[${cli}]`, '[--data-dir]', `[${join(weird, 'data')}]`, '[mcp]', '[--extra]', '[two words]', "[it's]", '']);
  });

  it.runIf(posix)('a launcher whose CLI is gone says so on stderr and exits 1', () => {
    const { file } = writeMcpLauncher(dir, mcpLaunch({ execPath: '/bin/sh', cliScript: join(dir, 'gone', 'cli.js'), electron: false }));
    const run = spawnSync(file, [], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Dormouse: the extension CLI this launcher runs is gone/);
    expect(run.stdout).toBe('');
  });
});
