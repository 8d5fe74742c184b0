// The MCP launcher on disk: the script that the MCP configs written by "Dormouse: Set up an AI
// agent…" run (see src/agents/setup.ts). It lives in the extension's global storage folder, which
// survives extension updates, and is rewritten on each activation when its content changed (a new
// extension folder, a new VS Code runtime path, another data dir), so those configs keep working.
// No `vscode` import: unit-tested on real temp files.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type McpLaunch, launcherFileName, launcherScript } from '../../agents/setup';

const MODE = 0o700;

/**
 * Writes the launcher that runs `launch` into `dir` unless it already says exactly that. The write
 * is atomic (a temp file renamed over it): a client starting meanwhile, or another window writing
 * the same launcher, sees the old or the new script, never half of one.
 */
export function writeMcpLauncher(dir: string, launch: McpLaunch, platform: NodeJS.Platform = process.platform): { file: string; written: boolean } {
  const file = join(dir, launcherFileName(platform));
  const content = launcherScript(launch, platform);
  const posix = platform !== 'win32';
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined; // not there yet (or unreadable): written below
  }
  if (current === content) {
    if (posix && (statSync(file).mode & 0o777) !== MODE) chmodSync(file, MODE);
    return { file, written: false };
  }
  mkdirSync(dir, { recursive: true });
  // Unique per writer (two windows may write at once): the pid and a random suffix, no clock needed.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, content, { mode: MODE });
    if (posix) chmodSync(temp, MODE); // writeFileSync's mode passes through the umask
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return { file, written: true };
}
