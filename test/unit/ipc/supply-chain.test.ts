// node-ipc has shipped protestware (11.1.0 wrote files to the Desktop) and a 50-package 12.0.0:
// the audited 14.0.0 and its five pinned dependencies are the only acceptable resolution.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dependencies?: Record<string, string>; hasInstallScript?: boolean }>;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };

const AUDITED: Record<string, string> = {
  'node-ipc': '14.0.0',
  'event-pubsub': '6.1.1',
  'strong-type': '2.0.0',
  'js-message': '3.1.0',
  'js-queue': '3.1.0',
  'easy-stack': '2.1.0',
};

/** The lockfile entry a package `name` required from `from` resolves to (npm's nested lookup). */
function resolve(name: string, from: string): string {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) throw new Error(`${name} (required by ${from || 'the root'}) is not in package-lock.json`);
    const i = dir.lastIndexOf('/node_modules/');
    dir = i === -1 ? '' : dir.slice(0, i);
  }
}

/** Every package reachable from node-ipc, with its resolved version. */
function closure(): Record<string, string> {
  const out: Record<string, string> = {};
  const queue = [resolve('node-ipc', '')];
  while (queue.length) {
    const key = queue.shift() as string;
    const entry = lock.packages[key];
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (!entry || out[name] !== undefined) continue;
    out[name] = entry.version ?? '?';
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push(resolve(dep, key));
  }
  return out;
}

describe('node-ipc supply chain', () => {
  it('package.json pins node-ipc exactly (no range)', () => {
    expect(pkg.dependencies?.['node-ipc']).toBe('14.0.0');
  });

  it('package-lock.json resolves node-ipc 14.0.0 with exactly the audited dependency set', () => {
    expect(closure()).toEqual(AUDITED);
  });

  it('no package of that set has an install script', () => {
    for (const [key, entry] of Object.entries(lock.packages)) {
      const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (name in AUDITED) expect(entry.hasInstallScript ?? false, key).toBe(false);
    }
  });

  it('the installed copy matches the lockfile', () => {
    const installed = JSON.parse(readFileSync(join(root, 'node_modules', 'node-ipc', 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe('14.0.0');
  });
});
