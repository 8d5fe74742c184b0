// The absolute path of a system administration tool (runuser, useradd): these live in /usr/sbin
// or /sbin, which a non-login shell's PATH (a CI runner, `env PATH=/usr/bin:/bin`) may not hold.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const SYSTEM_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** The tool's path from PATH or the system folders; a clear error when it is nowhere. */
export function systemTool(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  const found = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  if (!found) throw new Error(`${name} not found in PATH or ${SYSTEM_DIRS.join(', ')}: the test needs it (as root) to act as another OS user`);
  return found;
}
