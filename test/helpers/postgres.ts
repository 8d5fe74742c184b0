// A throw-away PostgreSQL server for one test file: initdb into a temp dir, a private Unix socket
// folder (no TCP unless asked), pg_stat_statements preloaded so tests count what a role ran, and
// password authentication (scram) so a wrong password is a real failure. As root the server runs
// as the `postgres` user (Postgres refuses root). Never mocked, never skipped: when the server
// cannot start, start() throws with the reason and the server log's tail. Each server folder names
// the process that owns it, so a run that is killed leaves nothing for long: the next start (and
// scripts/run-tests.mjs after the run) stops and removes servers whose owner is gone.
// Bench-safe: no vitest hook here (see use-postgres.ts for the per-file lifecycle).
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { reapOrphanedPostgres, recordOwner, SERVER_DIR_PREFIX } from './reap-orphaned-postgres.mjs';
import { systemTool } from './system-tool';

export const SUPERUSER = 'postgres';
export const SUPERUSER_PASSWORD = 'test-superuser';

/** Where initdb and pg_ctl are: DORMOUSE_PG_BIN, else the newest /usr/lib/postgresql/<major>/bin. */
export function postgresBin(): string {
  const fromEnv = process.env.DORMOUSE_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const m of majors) if (existsSync(join(root, m, 'bin', 'initdb'))) return join(root, m, 'bin');
  throw new Error('PostgreSQL server binaries (initdb) not found: run `node scripts/ensure-postgres.mjs` (installs Debian\'s postgresql) or set DORMOUSE_PG_BIN');
}

export interface PostgresOptions {
  /** Also listen on 127.0.0.1 (a free port); default: the Unix socket only. */
  tcp?: boolean;
}

export interface PostgresServer {
  /** The socket folder (a `host` for libpq and node-postgres). */
  readonly socketDir: string;
  readonly port: number;
  /** A URL for `role` on `database` over the socket (password in the URL: tests only). */
  url(role: string, password: string, database: string): string;
  /** Runs SQL as the superuser in `database` (default `postgres`). */
  admin<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], database?: string): Promise<pg.QueryResult<R>>;
  /** A fresh database (CREATE DATABASE) with the extensions the shared store uses; returns its name. */
  createDatabase(owner?: string): Promise<string>;
  /** CREATE ROLE name LOGIN PASSWORD password (plus `extra`, e.g. 'CREATEROLE'). */
  createRole(name: string, password: string, extra?: string): Promise<void>;
  /** pg_ctl stop -m fast / start again on the same data (connections drop; data stays). */
  stopServer(): void;
  startServer(): void;
  /** Stops the server and deletes its folder. */
  destroy(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

/** Runs a server binary as the unprivileged user when we are root, as ourselves otherwise. */
function runPg(bin: string, args: string[], logFile?: string): void {
  const cmd = asRoot ? systemTool('runuser') : bin;
  const argv = asRoot ? ['-u', SUPERUSER, '--', bin, ...args] : args;
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    const log = logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new Error(`${bin} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.error?.message ?? ''}${r.stderr}${r.stdout}\n${log}`);
  }
}

export async function startPostgres(opts: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = postgresBin();
  reapOrphanedPostgres();
  const dir = mkdtempSync(join(tmpdir(), SERVER_DIR_PREFIX));
  recordOwner(dir); // first, so that no reaper takes the new folder for an orphan
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, SUPERUSER_PASSWORD);
  if (asRoot) {
    const { uid, gid } = userIds(SUPERUSER);
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = opts.tcp ? await freePort() : 5432; // a socket-only server's port only names its socket file
  runPg(join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--pwfile', pwfile, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C.UTF-8', '--no-sync']);
  appendFileSync(join(data, 'postgresql.conf'), [
    '',
    `port = ${port}`,
    `unix_socket_directories = '${dir}'`,
    `listen_addresses = '${opts.tcp ? '127.0.0.1' : ''}'`,
    "shared_preload_libraries = 'pg_stat_statements'",
    'pg_stat_statements.track = all',
    // A throw-away cluster: durability costs time and buys nothing here.
    'fsync = off', 'synchronous_commit = off', 'full_page_writes = off',
    '',
  ].join('\n'));
  const startServer = () => runPg(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', 'start'], log);
  const stopServer = () => runPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], log);
  startServer();

  const clientFor = (database: string) => new pg.Client({ host: dir, port, user: SUPERUSER, password: SUPERUSER_PASSWORD, database });
  const admin: PostgresServer['admin'] = async (sql, params, database = 'postgres') => {
    const c = clientFor(database);
    await c.connect();
    try {
      return await c.query(sql, params);
    } finally {
      await c.end();
    }
  };
  await admin('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  let databases = 0;
  let stopped = false;
  return {
    socketDir: dir,
    port,
    url: (role, password, database) =>
      `postgres://${encodeURIComponent(role)}:${encodeURIComponent(password)}@/${database}?host=${encodeURIComponent(dir)}&port=${port}`,
    admin,
    async createDatabase(owner) {
      const name = `t_${process.pid}_${++databases}`;
      await admin(`CREATE DATABASE ${name}${owner ? ` OWNER ${owner}` : ''}`);
      return name;
    },
    async createRole(name, password, extra = '') {
      await admin(`CREATE ROLE ${name} LOGIN PASSWORD '${password.replace(/'/g, "''")}' ${extra}`);
    },
    stopServer() {
      stopServer();
      stopped = true;
    },
    startServer() {
      startServer();
      stopped = false;
    },
    destroy() {
      try {
        if (!stopped) stopServer();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`running as root, but there is no \`${name}\` user to run PostgreSQL as (Postgres refuses root)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
