import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureWorker } from '../../../src/daemon/capture/capture-worker';
import { importMemories } from '../../../src/daemon/capture/import-memories';
import { JobQueue } from '../../../src/daemon/queue/job-queue';
import { exportPage } from '../../../src/daemon/store/export-memories';
import { MemoryStore } from '../../../src/daemon/store/memory-store';
import { openDatabase } from '../../../src/daemon/store/open-database';
import type { SqlDatabase } from '../../../src/daemon/store/sql';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';
import type { ExportedMemory } from '../../../src/shared/protocol';
import { type Settings, defaultSettings } from '../../../src/shared/settings';

let dir: string;
let db: SqlDatabase;
let store: MemoryStore;
let worker: CaptureWorker;
let settings: Settings;
const clock = new ManualClock(Date.UTC(2026, 4, 1));
const log = memoryLogger();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-io-'));
  db = openDatabase(join(dir, 'dormouse.db'), { log, clock, runQuickCheck: false }).db;
  store = new MemoryStore(db, clock);
  settings = defaultSettings();
  worker = new CaptureWorker({ store, clock, log, settings: () => settings });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const iso = (ms: number) => new Date(ms).toISOString();
const exported = (over: Partial<ExportedMemory> = {}): ExportedMemory => ({
  kind: 'text', path: null, title: 'a note', language: null, note: null, exitCode: null, content: 'some content',
  capturedAt: iso(Date.UTC(2026, 3, 1)), updatedAt: iso(Date.UTC(2026, 3, 2)), ...over,
});
const run = (memories: ExportedMemory[]) =>
  importMemories({ db, store, worker, log, snapshotsPerFile: () => settings.retentionSnapshotsPerFile }, memories);
const chunksOf = (id: number) => db
  .prepare<[number], { text: string }>(
    'SELECT dm_chunk_text(c.body) AS text FROM memory_chunks mc JOIN chunks c ON c.id = mc.chunk_id WHERE mc.memory_id = ? ORDER BY mc.seq >= 0 DESC, mc.seq',
  ).all(id).map((r) => r.text);

describe('import', () => {
  it('stores a memory as a capture would (same hash and chunks), keeping its times, note and exit code', async () => {
    const content = Array.from({ length: 90 }, (_, i) => `line ${i}`).join('\n');
    const captured = await worker.handle({ type: 'selection', text: content, path: '/p/a.ts', note: 'why', capturedAt: Date.UTC(2026, 3, 1) });
    expect(captured.stored).toBe(true);
    const original = store.get((captured as { memoryId: number }).memoryId)!;
    const originalChunks = chunksOf(original.id);
    const originalHash = db.prepare<[], { h: string }>('SELECT content_hash AS h FROM memories').get()!.h;
    // Into a fresh store: forget it here first.
    db.prepare('DELETE FROM memories').run();

    const m = exported({ kind: 'selection', path: '/p/a.ts', title: original.title, note: 'why', content, capturedAt: original.capturedAt, updatedAt: iso(Date.UTC(2026, 3, 9)) });
    expect(run([m, exported({ kind: 'terminal', path: '/p', content: 'npm test\nexit code: 1', exitCode: 1, title: 'npm test' })]))
      .toEqual({ imported: 2, skipped: 0, refused: 0 });

    const { memories } = exportPage(db, {}, 1 << 20);
    expect(memories.map(({ id: _id, ...rest }) => rest)[0]).toEqual(m);
    expect(memories[1]).toMatchObject({ kind: 'terminal', exitCode: 1 });
    expect(db.prepare<[], { h: string }>("SELECT content_hash AS h FROM memories WHERE kind = 'selection'").get()!.h).toBe(originalHash);
    expect(chunksOf(memories[0]!.id!)).toEqual(originalChunks);
    expect(originalChunks.length).toBeGreaterThan(2); // the content's chunks, then one for the note
    expect(originalChunks[originalChunks.length - 1]).toBe('why');
  });

  it('is idempotent: the same kind, path, time and content is skipped, in one batch or the next', () => {
    const m = exported();
    expect(run([m, m])).toEqual({ imported: 1, skipped: 1, refused: 0 });
    expect(run([m])).toEqual({ imported: 0, skipped: 1, refused: 0 });
    expect(run([{ ...m, capturedAt: iso(Date.UTC(2026, 3, 5)) }])).toEqual({ imported: 1, skipped: 0, refused: 0 });
  });

  it('refuses a memory that was cut at export (truncated): stored, it would pass for the whole one', () => {
    const m = exported();
    expect(run([{ ...m, truncated: true }])).toEqual({ imported: 0, skipped: 0, refused: 1 });
    expect(run([m])).toEqual({ imported: 1, skipped: 0, refused: 0 });
  });

  it('refuses what a capture would skip: excluded paths, secrets (in content, title or note), oversized, binary', () => {
    settings = { ...settings, captureMaxBytes: 100 };
    const key = ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('');
    const result = run([
      exported({ kind: 'file', path: '/p/.env', content: 'A=1' }),
      exported({ kind: 'selection', path: '/p/node_modules/x.js', content: 'x' }),
      exported({ content: `token ${key}` }),
      exported({ title: key }),
      exported({ note: `see ${key}` }),
      exported({ content: 'x'.repeat(101) }),
      exported({ content: 'a\0b' }),
      exported({ content: 'fine' }),
    ]);
    expect(result).toEqual({ imported: 1, skipped: 0, refused: 7 });
    expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM memories').get()!.n).toBe(1);
  });
});

describe('export page', () => {
  const fill = (n: number, bytes: number) =>
    run(Array.from({ length: n }, (_, i) => exported({ content: `${i} ${'y'.repeat(bytes)}`, capturedAt: iso(Date.UTC(2026, 3, 1) + i) })));

  it('pages in id order after a cursor, since a time, up to the limit', () => {
    fill(5, 10);
    const first = exportPage(db, { limit: 2 }, 1 << 20);
    expect(first.memories.map((m) => m.content[0])).toEqual(['0', '1']);
    const second = exportPage(db, { limit: 2, afterId: first.nextAfterId! }, 1 << 20);
    const third = exportPage(db, { limit: 2, afterId: second.nextAfterId! }, 1 << 20);
    expect(third).toMatchObject({ nextAfterId: null });
    expect(third.memories.map((m) => m.content[0])).toEqual(['4']);
    expect(exportPage(db, { since: Date.UTC(2026, 3, 1) + 3 }, 1 << 20).memories.map((m) => m.content[0])).toEqual(['3', '4']);
    expect(exportPage(db, { afterId: 99 }, 1 << 20)).toEqual({ memories: [], nextAfterId: null });
  });

  it('a page is cut to fit the message limit; a memory alone over it is truncated and marked', () => {
    fill(10, 3_000);
    const limit = 64 * 1024 + 10_000; // a 10 000-byte budget after the envelope
    const page = exportPage(db, { limit: 200 }, limit);
    expect(page.memories.length).toBeGreaterThan(0);
    expect(page.memories.length).toBeLessThan(10);
    expect(Buffer.byteLength(JSON.stringify(page.memories))).toBeLessThan(10_000);
    expect(page.nextAfterId).toBe(page.memories.at(-1)!.id);

    settings = { ...settings, captureMaxBytes: 1 << 20 };
    db.prepare('DELETE FROM memories').run();
    run([exported({ content: 'z'.repeat(50_000) })]);
    const [big] = exportPage(db, {}, limit).memories;
    expect(big!.truncated).toBe(true);
    expect(big!.content.length).toBeLessThan(10_000);
  });
});

describe('finished capture jobs', () => {
  it('a capture job loses its payload when it completes; a recall job keeps its own', () => {
    const queue = new JobQueue({ db, clock, log, settings: () => ({ maxAttempts: 3, leaseMs: 10_000 }), onEnqueued: () => {} });
    queue.enqueueBatch([
      { kind: 'capture', payload: { type: 'text', text: 'private words' } },
      { kind: 'recall', payload: { path: '/p/a.ts' } },
    ]);
    const [capture] = queue.lease('capture', 1);
    queue.complete(capture!.id, capture!.token);
    const [recall] = queue.lease('recall', 1);
    queue.completeSoon(recall!.id, recall!.token); // the batched form
    queue.flushCompletions();
    expect(db.prepare<[], { kind: string; payload: string }>('SELECT kind, payload FROM jobs ORDER BY id').all()).toEqual([
      { kind: 'capture', payload: '{}' },
      { kind: 'recall', payload: '{"path":"/p/a.ts"}' },
    ]);
    queue.dispose();
  });

  it('the batched completion blanks a capture payload too', () => {
    const queue = new JobQueue({ db, clock, log, settings: () => ({ maxAttempts: 3, leaseMs: 10_000 }), onEnqueued: () => {} });
    queue.enqueue({ kind: 'capture', payload: { type: 'terminal', commandLine: 'echo private' } });
    const [job] = queue.lease('capture', 1);
    queue.completeSoon(job!.id, job!.token);
    queue.flushCompletions();
    expect(db.prepare<[], { payload: string; state: string }>('SELECT payload, state FROM jobs').get()).toEqual({ payload: '{}', state: 'done' });
    queue.dispose();
  });
});
