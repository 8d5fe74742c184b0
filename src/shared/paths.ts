// Where a data dir keeps its files, and the default data dir. One daemon per data dir: the
// socket path is derived from the data dir, so every client of the same data dir finds it.
import { createHash } from 'node:crypto';
import { homedir, tmpdir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export interface DataDirPaths {
  dataDir: string;
  database: string;
  token: string;
  logDir: string;
  logFile: string;
  config: string;
  /** Marker written on clean shutdown, removed at start: its absence means the last run crashed. */
  cleanShutdownMarker: string;
  /** Exists while a forget's purge is unfinished (store/forget.ts). */
  forgetPurgeMarker: string;
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

/**
 * The longest Unix socket path that bind() accepts: sun_path is 108 bytes on Linux and 104 on
 * macOS and the BSDs, including the terminating NUL.
 */
export function maxSocketPathBytes(platform: NodeJS.Platform = process.platform): number {
  return platform === 'linux' ? 107 : 103;
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
    socketRoot = unixSocketRoot(dir, id, env, platform);
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
    forgetPurgeMarker: join(dir, 'forget-purge-pending'),
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

/**
 * The private (0700, owner-checked) folder of a Unix socket. The first candidate whose
 * `<folder>/<id>.sock` fits in a socket address wins:
 * 1. `$XDG_RUNTIME_DIR/dormouse-<user>`: per-user and private by definition (when set and absolute);
 * 2. `<dataDir>/run`: per-user because the data dir is; no other user can pre-create it;
 * 3. `<home>/.cache/dormouse/run`: for a data dir whose path is too long for a socket;
 * 4. `<tmpdir>/dormouse-<user>`: last resort only. Its name is predictable in a shared folder, so
 *    another local user can pre-create it; the server then refuses to start (it never uses a
 *    folder it does not own) rather than exposing the socket.
 */
function unixSocketRoot(dataDir: string, id: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const fits = (root: string) => Buffer.byteLength(join(root, `${id}.sock`)) <= maxSocketPathBytes(platform);
  const candidates: string[] = [];
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime)) candidates.push(join(runtime, `dormouse-${safeUser()}`));
  candidates.push(join(dataDir, 'run'));
  const home = safeHomedir();
  if (home) candidates.push(join(home, '.cache', 'dormouse', 'run'));
  const last = join(tmpdir(), `dormouse-${safeUser()}`);
  return candidates.find(fits) ?? last;
}

function safeHomedir(): string | undefined {
  try {
    const home = homedir();
    return home && isAbsolute(home) ? home : undefined;
  } catch {
    return undefined;
  }
}
