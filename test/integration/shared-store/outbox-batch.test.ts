// The replicator's next batch (outbox-batch.ts), read a slice at a time from a real SQLite store
// while the previous batch is in flight: what one upsert may hold.
import { expect, test } from 'vitest';
import { readOutboxBatch } from '../../../src/daemon/shared-store/outbox-batch';
import { useMachines } from '../../helpers/shared-store-fixture';

const { start } = useMachines();
const NO_SERVER = 'postgres://nobody@127.0.0.1:1/none'; // the pool connects lazily: these tests never do

test('a memory changed between two slices of one batch is in it once, with its newest content', async () => {
  const m = start('machine-a', NO_SERVER);
  const ids = Array.from({ length: 120 }, (_, i) => m.capture(`note ${i}`));
  const reading = readOutboxBatch(m.db, { size: 500, afterSeq: 0, sharedFolders: [] });
  // The first slice is read before the first yield; the memory it holds changes meanwhile.
  // (The outbox trigger gives it a new entry, after the slice being read.)
  m.db.raw.prepare("UPDATE memories SET title = 'note 0, edited' WHERE id = ?").run(ids[0]);
  const batch = (await reading)!;
  expect(batch.entries).toHaveLength(121);
  const upserted = batch.upserts.map((u) => u.localId);
  expect(new Set(upserted).size).toBe(upserted.length);
  expect(upserted).toHaveLength(120);
  expect(batch.docs).toHaveLength(120);
  expect(batch.upserts.find((u) => u.localId === ids[0])!.title).toBe('note 0, edited');
});

test('a batch starts after the seq it is given and stops at its size', async () => {
  const m = start('machine-a', NO_SERVER);
  for (let i = 0; i < 30; i++) m.capture(`note ${i}`);
  const first = (await readOutboxBatch(m.db, { size: 20, afterSeq: 0, sharedFolders: [] }))!;
  const second = (await readOutboxBatch(m.db, { size: 20, afterSeq: first.lastSeq, sharedFolders: [] }))!;
  expect(first.upserts).toHaveLength(20);
  expect(second.upserts).toHaveLength(10);
  expect(second.entries[0]!.seq).toBeGreaterThan(first.lastSeq);
  expect(await readOutboxBatch(m.db, { size: 20, afterSeq: second.lastSeq, sharedFolders: [] })).toBeNull();
});

test('a memory below a sharedFolders folder is shipped as shared with that workspace', async () => {
  const m = start('machine-a', NO_SERVER);
  m.capture('team plan', { kind: 'file', path: '/w/team/plan.md' });
  m.capture('private plan', { kind: 'file', path: '/w/me/plan.md' });
  const batch = (await readOutboxBatch(m.db, { size: 10, afterSeq: 0, sharedFolders: ['/w/team'] }))!;
  expect(batch.upserts.map((u) => [u.path, u.workspace, u.shared])).toEqual([['/w/team/plan.md', '/w/team', true], ['/w/me/plan.md', null, false]]);
});
