// Makes sure PostgreSQL's server binaries exist before the tests that start a throw-away server
// (test/helpers/postgres.ts). Plain JavaScript, no dependencies: run by scripts/run-tests.mjs.
// Present (the usual case on these machines): does nothing. Missing: installs the distribution's
// `postgresql` package with its own package manager (apt-get on Debian), as root only; otherwise
// says what to install and exits non-zero, so the Postgres tests never go quietly missing.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** The newest `/usr/lib/postgresql/<major>/bin` that has initdb, or null. */
export function findPostgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  for (const m of majors) if (existsSync(`${root}/${m}/bin/initdb`)) return `${root}/${m}/bin`;
  return null;
}

function run(cmd, args) {
  console.log(`dormouse: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

export function ensurePostgres() {
  if (process.env.DORMOUSE_PG_BIN || findPostgresBin()) return true;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get') || process.getuid?.() !== 0) {
    console.error('dormouse: PostgreSQL server binaries not found (initdb). Install PostgreSQL 15+ (Debian: apt-get install postgresql) or set DORMOUSE_PG_BIN to its bin folder.');
    return false;
  }
  console.log('dormouse: PostgreSQL not found; installing the distribution package `postgresql` for the shared-store tests');
  return run('apt-get', ['update']) && run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql', 'postgresql-contrib']) && findPostgresBin() !== null;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(ensurePostgres() ? 0 : 1);
