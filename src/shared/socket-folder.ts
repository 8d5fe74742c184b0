// The private folder that holds the daemon's socket. The server and every client check it:
// a socket in a folder another user can write to could be swapped for an impostor that
// harvests the token, and node-ipc's own checks run only on the server side.
import { chmodSync, lstatSync, mkdirSync, type Stats } from 'node:fs';

export class InsecureSocketFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsecureSocketFolderError';
  }
}

const isWindows = () => process.platform === 'win32';

/**
 * Server side: creates `root` 0700 if missing, tightens a looser mode, and refuses a folder that
 * is not a real directory, is owned by another user, or stays group/world-accessible.
 */
export function preparePrivateFolder(root: string): void {
  if (isWindows()) return; // named pipes; the pipe name carries the user
  mkdirSync(root, { recursive: true, mode: 0o700 });
  let stat = checkOwner(root);
  if ((stat.mode & 0o077) !== 0) {
    chmodSync(root, 0o700);
    stat = checkOwner(root);
    if ((stat.mode & 0o077) !== 0) {
      throw new InsecureSocketFolderError(`${root} stays accessible to other users (mode ${mode(stat)})`);
    }
  }
}

/**
 * Client side: the folder must exist (ENOENT is rethrown as is: no daemon), be ours and private.
 * The client never loosens or tightens anything.
 */
export function verifyPrivateFolder(root: string): void {
  if (isWindows()) return;
  const stat = checkOwner(root);
  if ((stat.mode & 0o077) !== 0) {
    throw new InsecureSocketFolderError(`${root} is accessible to other users (mode ${mode(stat)})`);
  }
}

/** The socket file must be a socket we own (ENOENT rethrown as is). */
export function verifySocketFile(socket: string): void {
  if (isWindows()) return;
  const stat = lstatSync(socket);
  if (!stat.isSocket()) throw new InsecureSocketFolderError(`${socket} is not a socket`);
  if (process.getuid && stat.uid !== process.getuid()) {
    throw new InsecureSocketFolderError(`${socket} is owned by another user (uid ${stat.uid})`);
  }
}

function checkOwner(root: string): Stats {
  const stat = lstatSync(root);
  if (!stat.isDirectory() || stat.isSymbolicLink()) {
    throw new InsecureSocketFolderError(`${root} must be a real directory, not a symlink or file`);
  }
  if (process.getuid && stat.uid !== process.getuid()) {
    throw new InsecureSocketFolderError(`${root} is owned by another user (uid ${stat.uid})`);
  }
  return stat;
}

const mode = (stat: Stats) => (stat.mode & 0o777).toString(8).padStart(4, '0');
