// The harness's reaper (test/helpers/reap-orphaned-postgres.mjs): a server whose owning process is
// gone (killed, as a timed-out or interrupted run is) is stopped and its folder removed; one whose
// owner lives is left alone, whoever asks. Real servers owned by real child processes, in a
// private TMPDIR so that the servers of other runs on this machine are never looked at.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { LEGACY_RUNNING_AGE_MS, LEGACY_STOPPED_AGE_MS, reapOrphanedPostgres, SERVER_DIR_PREFIX } from '../../helpers/reap-orphaned-postgres.mjs';

const OWNER_CHILD = resolve(__dirname, '../../helpers/postgres-owner-child.ts');
const MINUTE = 60_000;

interface Owner {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<unknown>;
  /** The server's folder and its postmaster's pid. */
  dir: string;
  postmaster: number;
}

let parent: string;
let owners: Owner[];

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'dm-reap-'));
  chmodSync(parent, 0o755); // the server runs as the postgres user when we are root: it must reach its folder
  owners = [];
});

afterEach(async () => {
  // Whatever a failed test left: owners killed and every folder aged past both ages, so the reaper
  // itself takes it all; then the private TMPDIR goes.
  for (const o of owners) o.child.kill('SIGKILL');
  await Promise.all(owners.map((o) => o.exited));
  for (const o of owners) if (existsSync(o.dir)) age(o.dir, LEGACY_RUNNING_AGE_MS + MINUTE);
  reapOrphanedPostgres(parent);
  rmSync(parent, { recursive: true, force: true });
});

/** A child process that starts a server in the private TMPDIR and keeps it until its stdin closes. */
async function startOwner(): Promise<Owner> {
  const child = spawn(process.execPath, ['--import', 'tsx', OWNER_CHILD], { env: { ...process.env, TMPDIR: parent }, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise((res) => child.on('exit', res));
  const { dir } = await new Promise<{ dir: string }>((res, rej) => {
    createInterface({ input: child.stdout }).once('line', (line) => res(JSON.parse(line) as { dir: string }));
    void exited.then((code) => rej(new Error(`the owner exited (${String(code)}) before its server started: ${stderr.join('')}`)));
  });
  const owner = { child, exited, dir, postmaster: Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]) };
  owners.push(owner);
  return owner;
}

/** Running: the process exists and is no zombie (a killed process nobody waited for runs nothing). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!);
  } catch {
    return false;
  }
}

/** Sets the folder's mtime (what the age rules read) to `ms` ago. */
function age(dir: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  utimesSync(dir, then, then);
}

test('a server whose owner process was killed is stopped and its folder removed', async () => {
  const owner = await startOwner();
  owner.child.kill('SIGKILL');
  await owner.exited;
  expect(running(owner.postmaster)).toBe(true); // what a killed run leaves behind

  expect(reapOrphanedPostgres(parent)).toEqual([owner.dir]);
  expect(running(owner.postmaster)).toBe(false);
  expect(existsSync(owner.dir)).toBe(false);
});

test('a server whose owner process is alive is left running', async () => {
  const owner = await startOwner();
  expect(reapOrphanedPostgres(parent)).toEqual([]);
  expect(running(owner.postmaster)).toBe(true);
  expect(existsSync(join(owner.dir, 'data'))).toBe(true);

  owner.child.stdin.end(); // its owner still destroys it as usual
  await owner.exited;
  expect(existsSync(owner.dir)).toBe(false);
  expect(running(owner.postmaster)).toBe(false);
});

test('an owner record whose pid now belongs to another process (another start time) counts as gone', () => {
  const dir = mkdtempSync(join(parent, SERVER_DIR_PREFIX));
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: process.pid, startTime: '1', bootId }));
  expect(reapOrphanedPostgres(parent)).toEqual([dir]);
  expect(existsSync(dir)).toBe(false);
});

test('a folder with no owner record and no server running is reaped once untouched for ten minutes, not before', () => {
  const dir = mkdtempSync(join(parent, SERVER_DIR_PREFIX));
  mkdirSync(join(dir, 'data')); // an older run between initdb and the start, or one killed there
  age(dir, LEGACY_STOPPED_AGE_MS - MINUTE);
  expect(reapOrphanedPostgres(parent)).toEqual([]);
  expect(existsSync(dir)).toBe(true);

  age(dir, LEGACY_STOPPED_AGE_MS + MINUTE);
  expect(reapOrphanedPostgres(parent)).toEqual([dir]);
  expect(existsSync(dir)).toBe(false);
});

test('a running server with no owner record (an older run\'s) is left alone for a day, then stopped and removed', async () => {
  const owner = await startOwner();
  owner.child.kill('SIGKILL');
  await owner.exited;
  unlinkSync(join(owner.dir, 'owner.json'));
  age(owner.dir, LEGACY_RUNNING_AGE_MS - MINUTE);
  expect(reapOrphanedPostgres(parent)).toEqual([]);
  expect(running(owner.postmaster)).toBe(true);

  age(owner.dir, LEGACY_RUNNING_AGE_MS + MINUTE);
  expect(reapOrphanedPostgres(parent)).toEqual([owner.dir]);
  expect(running(owner.postmaster)).toBe(false);
  expect(existsSync(owner.dir)).toBe(false);
});
