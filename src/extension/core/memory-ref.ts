// Which memory a row, a document or a command means. With a shared store (storeUrl) a recall
// answers with memories of every machine: a hit from another machine carries its `machineId`, and
// its `id` is its id on that machine, so the same id can name two memories. A MemoryRef keeps the
// pair together from the row to the `memory` request; this machine's memories have no machineId
// (the daemon leaves it off them) and are read locally as before. Pure, no `vscode`.
import type { Params, RecallHit } from '../../shared/protocol';

export interface MemoryRef {
  id: number;
  /** Set only for another machine's memory. */
  machineId?: string;
}

export function memoryRef(hit: Pick<RecallHit, 'id' | 'machineId'>): MemoryRef {
  return hit.machineId === undefined ? { id: hit.id } : { id: hit.id, machineId: hit.machineId };
}

/** Tells memories apart across machines: `12` here, `<machine>:12` for another machine's 12. */
export function memoryKey(ref: MemoryRef): string {
  return ref.machineId === undefined ? String(ref.id) : `${ref.machineId}:${ref.id}`;
}

export function memoryParams(ref: MemoryRef): Params<'memory'> {
  return ref.machineId === undefined ? { id: ref.id } : { id: ref.id, machineId: ref.machineId };
}

/**
 * The machine as people call it: machine-id.ts makes `<host name>-<12 hex digits>`, and the host
 * name is what tells the user's laptop from their desktop. Any other id is shown whole.
 */
export function machineName(machineId: string): string {
  return /^(.+)-[0-9a-f]{12}$/.exec(machineId)?.[1] ?? machineId;
}

/** `on <machine>` for another machine's memory (rows' descriptions); null for this machine's. */
export function machineLabel(ref: MemoryRef): string | null {
  return ref.machineId === undefined ? null : `on ${machineName(ref.machineId)}`;
}

/**
 * Forget deletes a memory from the store of the machine that captured it (and the shared store
 * follows): this daemon can only forget its own. Another machine's memory is refused with the
 * reason (and the quick pick offers no Forget for it); null when this machine may forget it.
 */
export function forgetRefusal(ref: MemoryRef): string | null {
  if (ref.machineId === undefined) return null;
  return `this memory was captured on ${machineName(ref.machineId)} (machine id ${ref.machineId}); forget it there: Dormouse on this machine forgets only this machine's memories`;
}

// A memory document's URI (recall/memory-documents.ts): path `/<id>/<name>`, query
// `kind=<kind>` and, for another machine's memory, `machine=<machine id>` (URI-encoded), so the
// document provider and the editor title's commands read the right machine's memory again.

export function memoryUriQuery(ref: MemoryRef, kind?: string): string {
  const parts = [...(kind ? [`kind=${kind}`] : []), ...(ref.machineId !== undefined ? [`machine=${encodeURIComponent(ref.machineId)}`] : [])];
  return parts.join('&');
}

export function memoryRefOfUri(path: string, query: string): MemoryRef | null {
  const id = Number(path.split('/')[1]);
  if (!Number.isInteger(id) || id <= 0) return null;
  const machine = /(?:^|&)machine=([^&]+)/.exec(query)?.[1];
  if (machine === undefined) return { id };
  try {
    return { id, machineId: decodeURIComponent(machine) };
  } catch {
    return null; // a malformed escape: not a URI this extension made
  }
}

/**
 * A command's memory argument: an id (keybindings, tests: this machine's memory), a tree row
 * (`memoryId`, `memoryMachineId`) or a recall hit (`id`, `machineId`); null for anything else.
 */
export function memoryRefOfArg(arg: unknown): MemoryRef | null {
  if (typeof arg === 'number') return Number.isInteger(arg) && arg > 0 ? { id: arg } : null;
  if (!arg || typeof arg !== 'object') return null;
  const o = arg as { memoryId?: unknown; memoryMachineId?: unknown; id?: unknown; machineId?: unknown };
  const [id, machine] = typeof o.memoryId === 'number' ? [o.memoryId, o.memoryMachineId] : [o.id, o.machineId];
  if (typeof id !== 'number') return null;
  return typeof machine === 'string' ? { id, machineId: machine } : { id };
}
