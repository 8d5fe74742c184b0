// File modes of the data dir: every file in it is the user's alone (0600) and every folder the
// daemon creates is 0700, whatever the umask and whatever mode the folder a user made has. The
// memory holds source code and terminal commands: another OS user must read none of it.
// - The daemon's umask is 0077 from its first line (run.ts), so SQLite's dormouse.db, -wal and
//   -shm (created 0644 & ~umask) and every other file are born private.
// - Files left by an older version or a looser umask are chmod-ed at each start (cheap: a few
//   entries).
// - The data dir itself is the user's choice: it is never chmod-ed, but one open to others
//   (group/other bits) is reported in the status and the log, with the command that closes it.
import { chmodSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PRIVATE_UMASK = 0o077;
const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;

/** Makes files this process creates private. A no-op where it cannot apply (Windows, a worker thread). */
export function usePrivateUmask(): void {
  if (process.platform === 'win32') return;
  try {
    process.umask(PRIVATE_UMASK);
  } catch {
    // Worker threads cannot change the umask; the chmod at open still applies.
  }
}

/** chmod 0600 every regular file and 0700 every folder under the data dir (symlinks are left alone: they point elsewhere). Returns the paths changed. */
export function tightenDataDir(dataDir: string): string[] {
  if (process.platform === 'win32') return [];
  const changed: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      let st;
      try {
        st = lstatSync(path);
      } catch {
        continue; // gone meanwhile
      }
      const want = st.isFile() ? FILE_MODE : st.isDirectory() ? FOLDER_MODE : null;
      if (want === null) continue; // sockets are 0600 already (ipc/transport.ts), symlinks skipped
      if ((st.mode & 0o777) !== want) {
        try {
          chmodSync(path, want);
          changed.push(path);
        } catch {
          // Not ours (a file another user left): reported by its mode, nothing to do here.
        }
      }
      if (st.isDirectory()) walk(path);
    }
  };
  walk(dataDir);
  return changed;
}

/** A warning when the data dir lets other users in (any group/other permission bit), else null. */
export function dataDirWarning(dataDir: string): string | null {
  if (process.platform === 'win32') return null;
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) === 0) return null;
  return `the data dir ${dataDir} is open to other users (mode ${mode.toString(8).padStart(4, '0')}); its files are 0600, but \`chmod 700 ${dataDir}\` keeps others from even listing them`;
}
