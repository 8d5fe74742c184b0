// A throw-away PostgreSQL server (postgres.ts) outlives a test run that is killed (a CI timeout,
// Ctrl-C, a crashed vitest worker): its postmaster keeps running and its dm-pg-* folder stays, for
// good. So startPostgres records the folder's owner (recordOwner), and reapOrphanedPostgres stops
// and removes every server whose owner is gone. Plain JavaScript, no dependencies: one
// implementation for the TypeScript helper and for scripts/run-tests.mjs (plain node), which reaps
// after the run. Reads /proc (Linux, where these tests run); elsewhere it records and reaps nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const SERVER_DIR_PREFIX = 'dm-pg-';
const OWNER_FILE = 'owner.json';

// A folder from a run before owners were recorded has no owner to ask, so only its age speaks.
// Not running: an old run's own folder is in that state only for the seconds of initdb (and between
// a test's stopServer and startServer); ten minutes untouched is no run's. Running: a server
// outlives no test file or bench by a day, and stopping a live one would fail someone else's run,
// so those wait the longer age (the folder's mtime moves at each start and stop: its socket files).
export const LEGACY_STOPPED_AGE_MS = 10 * 60_000;
export const LEGACY_RUNNING_AGE_MS = 24 * 60 * 60_000;

const procfs = existsSync('/proc/self/stat');

/**
 * A live process's identity beyond its pid, which the system reuses: its start time (clock ticks
 * since boot, /proc/<pid>/stat field 22) and the boot. Null when it is gone or a zombie (a killed
 * process nobody has waited for runs nothing).
 */
function processIdentity(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: field 3 starts after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return null;
  return { pid, startTime: fields[19], bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() };
}

/** Marks `dir`, a new server folder, as this process's: reaped once this process is gone. */
export function recordOwner(dir) {
  if (procfs) writeFileSync(join(dir, OWNER_FILE), JSON.stringify(processIdentity(process.pid)));
}

/** The recorded owner; null when there is none (or it is half written: then the age rules keep a young folder). */
function readOwner(dir) {
  try {
    const owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    return typeof owner?.pid === 'number' && typeof owner.startTime === 'string' && typeof owner.bootId === 'string' ? owner : null;
  } catch {
    return null;
  }
}

function ownerAlive(owner) {
  const now = processIdentity(owner.pid);
  return now !== null && now.startTime === owner.startTime && now.bootId === owner.bootId;
}

/**
 * The pid of the postmaster running on `data`, or null. postmaster.pid names it; the process must
 * also still sit in that folder (a postmaster works in its data folder), so a pid reused by
 * another process is never taken for it.
 */
function runningPostmaster(data) {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return readlinkSync(`/proc/${pid}/cwd`) === realpathSync(data) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * pg_ctl stop -m immediate -w: returns once the server is down (nothing in a throw-away cluster is
 * worth a checkpoint). The pg_ctl beside the running binary (the version that runs it, whatever is
 * installed now), as the user owning the data (pg_ctl refuses root; the server runs as that user).
 */
function stopServer(dir, data, postmaster) {
  const pgCtl = join(dirname(readlinkSync(`/proc/${postmaster}/exe`)), 'pg_ctl');
  const { uid, gid } = statSync(data);
  const asDataOwner = process.getuid?.() === 0 ? { uid, gid } : {};
  const r = spawnSync(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], { cwd: dir, encoding: 'utf8', timeout: 60_000, ...asDataOwner });
  // A reaper in another process may have stopped it first: only a server still running is a failure.
  if (r.status !== 0 && runningPostmaster(data) !== null) {
    throw new Error(`${pgCtl} stop failed (${r.status ?? r.signal}): ${r.error?.message ?? ''}${r.stderr}${r.stdout}`);
  }
}

function orphaned(dir, postmaster) {
  const owner = readOwner(dir);
  if (owner) return !ownerAlive(owner);
  // Gone since the scan listed it: its owner destroyed it.
  const folder = statSync(dir, { throwIfNoEntry: false });
  if (!folder) return false;
  return Date.now() - folder.mtimeMs > (postmaster === null ? LEGACY_STOPPED_AGE_MS : LEGACY_RUNNING_AGE_MS);
}

/** True when this call removed the folder; false when it is not an orphan, or another reaper took it. */
function reapIfOrphaned(dir) {
  const data = join(dir, 'data');
  const postmaster = runningPostmaster(data);
  if (!orphaned(dir, postmaster)) return false;
  if (postmaster !== null) stopServer(dir, data, postmaster);
  // Parallel test files each reap when they start a server: the rename is atomic, so exactly one
  // of them removes the folder. Its new name keeps the prefix, so a reaper killed before the
  // removal leaves it to the next one.
  const claimed = `${dir}.reaped-${process.pid}`;
  try {
    renameSync(dir, claimed);
  } catch (error) {
    if (error.code === 'ENOENT') return false;
    throw error;
  }
  rmSync(claimed, { recursive: true, force: true });
  return true;
}

/**
 * Stops and removes every dm-pg-* server in `parent` whose owner is gone (see LEGACY_* for folders
 * with no owner recorded); leaves the others alone. Cheap when there are none. A folder that cannot
 * be reaped is reported on stderr and skipped: it never fails the run that happened to look.
 * Returns the folders removed.
 */
export function reapOrphanedPostgres(parent = tmpdir()) {
  if (!procfs) return [];
  const reaped = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(SERVER_DIR_PREFIX)) continue;
    const dir = join(parent, name);
    try {
      if (reapIfOrphaned(dir)) reaped.push(dir);
    } catch (error) {
      console.warn(`dormouse: could not reap the orphaned PostgreSQL server in ${dir}: ${error.message}`);
    }
  }
  return reaped;
}
