// Recall with a shared store configured: search it (memories of every machine, labelled) when it
// is reachable, else answer from the local store with a visible note. Never fails a recall
// because of the network: a failing shared search falls back too and is reported in status.
// This machine's own hits from the shared store leave out `machineId`: a client reads a hit with
// a machineId from the shared store (`memory { id, machineId }`) and one without from the local
// store, as it always did; only other machines' memories need the shared store to be opened.
import type { RecallHit } from '../../shared/protocol';
import type { ParsedQuery } from '../../shared/recall-query';
import { type SharedHit, type SharedQueryOptions, searchShared } from './search-shared';
import type { SharedPool } from './shared-pool';
import { describeStoreFailure } from './store-errors';

export interface SharedRecallResult {
  hits: Array<RecallHit | SharedHit>;
  source: 'shared' | 'local';
  /** Why the answer is local only ("shared store unreachable: …"); absent for a shared answer. */
  note?: string;
}

export async function recallShared(
  pool: SharedPool, ownMachineId: string, parsed: ParsedQuery, opts: SharedQueryOptions, local: () => RecallHit[],
): Promise<SharedRecallResult> {
  try {
    const hits = await pool.with((client) => searchShared(client, parsed, opts));
    return { hits: hits.map((h) => (h.machineId === ownMachineId ? withoutMachine(h) : h)), source: 'shared' };
  } catch (err) {
    return { hits: local(), source: 'local', note: `shared store unreachable, showing this machine's memories only: ${describeStoreFailure(err).message}` };
  }
}

function withoutMachine({ machineId: _own, ...hit }: SharedHit): RecallHit {
  return hit;
}
