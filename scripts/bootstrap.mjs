// Runs before `npm start`, `npm test` and `npm run bench`, possibly on the machine's own Node 20:
// plain JavaScript, no dependencies. Installs exactly the locked dependencies (`npm ci`) when
// node_modules is missing or was installed from a different lockfile, so that a fresh clone needs
// nothing but `npm test`. The `node` devDependency then provides Node 24 to every npm script.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lockfile = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.install-stamp');
const lockHash = createHash('sha256').update(readFileSync(lockfile)).digest('hex');

const installed = existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockHash;
if (!installed) {
  console.log('dormouse: installing the locked dependencies (npm ci)...');
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('dormouse: npm ci failed; see the output above.');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, lockHash + '\n');
}
