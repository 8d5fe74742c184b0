// Where a data dir keeps its files, and the default data dir. One daemon per data dir: the
// socket path is derived from the data dir, so every client of the same data dir finds it.
import { createHash } from 'node:crypto';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataDirPaths {
  dataDir: string;
  database: string;
  token: string;
  logDir: string;
  logFile: string;
  config: string;
  /** Marker written on clean shutdown, removed at start: its absence means the last run crashed. */
  cleanShutdownMarker: string;
  /** The private folder that holds the socket (mode 0700); node-ipc's socketRoot. */
  socketRoot: string;
  /** The socket file (Unix) or pipe name (Windows). */
  socket: string;
}

/** The default data dir: $DORMOUSE_DATA_DIR, else XDG data dir on Linux, the usual app-data folders elsewhere. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.DORMOUSE_DATA_DIR) return resolve(env.DORMOUSE_DATA_DIR);
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Dormouse');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Dormouse');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'dormouse');
}

/** A short, stable id of a data dir: socket paths must stay under ~107 bytes. */
export function dataDirId(dataDir: string): string {
  return createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
}

export function dataDirPaths(dataDir: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): DataDirPaths {
  const dir = resolve(dataDir);
  const id = dataDirId(dir);
  let socketRoot: string;
  let socket: string;
  if (platform === 'win32') {
    socketRoot = dir;
    socket = `\\\\.\\pipe\\dormouse-${safeUser()}-${id}`;
  } else {
    // $XDG_RUNTIME_DIR is per-user and private already; else a per-user folder in the temp dir.
    const base = env.XDG_RUNTIME_DIR && env.XDG_RUNTIME_DIR.length < 60 ? env.XDG_RUNTIME_DIR : tmpdir();
    socketRoot = join(base, `dormouse-${safeUser()}`);
    socket = join(socketRoot, `${id}.sock`);
  }
  return {
    dataDir: dir,
    database: join(dir, 'dormouse.db'),
    token: join(dir, 'token'),
    logDir: join(dir, 'logs'),
    logFile: join(dir, 'logs', 'daemon.log'),
    config: join(dir, 'config.json'),
    cleanShutdownMarker: join(dir, 'clean-shutdown'),
    socketRoot,
    socket,
  };
}

function safeUser(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = String(process.getuid?.() ?? 'user');
  }
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 32) || 'user';
}
