// This data dir's machine id: the first half of every shared memory's identity (machine id, local
// id). Made once (host name + random, so a copied data dir is still told apart only if the file is
// removed) and kept in `<data dir>/machine-id`; a dev container or SSH host has its own data dir,
// so its own id.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export function machineId(dataDir: string): string {
  const file = join(dataDir, 'machine-id');
  if (existsSync(file)) {
    const id = readFileSync(file, 'utf8').trim();
    if (id) return id;
  }
  const host = hostname().toLowerCase().replace(/[^a-z0-9.-]/g, '').slice(0, 40) || 'host';
  const id = `${host}-${randomBytes(6).toString('hex')}`;
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}
