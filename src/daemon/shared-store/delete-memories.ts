// Forget reaches the shared store: memories forgotten or expired on this machine are deleted
// there too (row-level security limits it to the caller's own rows). One statement per batch.
import type { ClientBase } from 'pg';

export async function deleteMemories(client: ClientBase, machineId: string, localIds: readonly number[]): Promise<void> {
  if (localIds.length === 0) return;
  await client.query('DELETE FROM dormouse.memories WHERE machine_id = $1 AND local_id = ANY($2::bigint[])', [machineId, localIds]);
}
