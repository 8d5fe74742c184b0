// A memory's id as the agent tools write and read it. With a shared store (storeUrl) recall
// answers with memories of every machine, and a hit's id is its id on the machine that captured
// it, so two machines can both have a memory 12: another machine's memory is written
// `<machine id>:12` (this machine's stay plain `12`), and dormouse_get_memory takes either back
// and asks the daemon for that machine's memory. Machine ids (machine-id.ts) hold no colon.
import type { Params, RecallHit } from '../shared/protocol';
import { ToolInputError } from './tool-errors';

/** The JSON schema pattern of the string form (a plain number as a string is accepted too). */
export const MEMORY_ID_PATTERN = '^(?:[^\\s:]{1,200}:)?[1-9][0-9]{0,15}$';
const MEMORY_ID = new RegExp(MEMORY_ID_PATTERN);

export function memoryIdText(hit: Pick<RecallHit, 'id' | 'machineId'>): string {
  return hit.machineId === undefined ? String(hit.id) : `${hit.machineId}:${hit.id}`;
}

/** The `memory` request for an id as a tool received it (an integer, or the text form). */
export function parseMemoryId(value: number | string): Params<'memory'> {
  if (typeof value === 'number') return { id: value };
  const text = value.trim();
  if (!MEMORY_ID.test(text)) {
    throw new ToolInputError(`id ${JSON.stringify(value)} is not a memory id: give it as the tools print it, 12 or <machine>:12`);
  }
  const cut = text.lastIndexOf(':');
  const id = Number(text.slice(cut + 1));
  return cut < 0 ? { id } : { id, machineId: text.slice(0, cut) };
}
