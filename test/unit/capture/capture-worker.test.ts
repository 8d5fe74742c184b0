import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureWorker } from '../../../src/daemon/capture/capture-worker';
import { searchMemories } from '../../helpers/search-memories';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';
import { type Settings, defaultSettings } from '../../../src/shared/settings';
import { type MemoryDb, openMemoryDb } from '../recall/memory-db';

describe('CaptureWorker', () => {
  let m: MemoryDb;
  let clock: ManualClock;
  let settings: Settings;
  let log: ReturnType<typeof memoryLogger>;
  let reads: string[];
  let worker: CaptureWorker;

  beforeEach(() => {
    m = openMemoryDb();
    clock = new ManualClock();
    settings = defaultSettings();
    log = memoryLogger();
    reads = [];
    const readFile = async (path: string) => {
      reads.push(path);
      return (await import('node:fs/promises')).readFile(path);
    };
    worker = new CaptureWorker({ store: m.store, clock, log, settings: () => settings, readFile });
  });
  afterEach(() => m.close());

  const count = () => m.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM memories').get()!.n;
  const save = (path: string, content: string) => worker.handle({ type: 'file', path, content });

  it('a capture handled while capture is paused is not stored, nor its file read (it was queued before the pause)', async () => {
    let paused = true;
    const pausable = new CaptureWorker({ store: m.store, clock, log, settings: () => settings, paused: () => paused, readFile: async (p) => {
      reads.push(p);
      return Buffer.from('typed during the pause');
    } });
    expect(await pausable.handle({ type: 'file', path: '/p/src/a.ts' })).toMatchObject({ stored: false, reason: 'paused' });
    expect(await pausable.handle({ type: 'text', text: 'a note' })).toMatchObject({ stored: false, reason: 'paused' });
    expect(reads).toEqual([]);
    expect(count()).toBe(0);
    paused = false;
    expect(await pausable.handle({ type: 'text', text: 'a note' })).toMatchObject({ stored: true });
  });

  it('a capture cancelled while its file is read stores nothing and throws the cancellation (its job goes back to the queue)', async () => {
    let release!: () => void;
    let reading!: () => void;
    // Wait for the read itself (stat before it is real I/O, so no clock flush says when it starts).
    const readStarted = new Promise<void>((resolve) => (reading = resolve));
    const slow = new CaptureWorker({ store: m.store, clock, log, settings: () => settings, readFile: async () => {
      const held = new Promise<void>((resolve) => (release = resolve));
      reading();
      await held;
      return Buffer.from('read while the daemon stopped');
    } });
    const file = join(m.dir, 'a.ts');
    writeFileSync(file, 'read while the daemon stopped');
    const stop = new AbortController();
    const handled = slow.handle({ type: 'file', path: file }, undefined, stop.signal);
    await readStarted;
    stop.abort(new Error('cancelled: the daemon is stopping'));
    release();
    await expect(handled).rejects.toThrow('cancelled: the daemon is stopping');
    expect(count()).toBe(0);
  });

  it('a capture whose signal is already aborted reads nothing', async () => {
    const stop = new AbortController();
    stop.abort(new Error('cancelled'));
    await expect(worker.handle({ type: 'file', path: '/p/src/a.ts' }, undefined, stop.signal)).rejects.toThrow('cancelled');
    expect(reads).toEqual([]);
  });

  it('excluded files are never stored (nor read)', async () => {
    const path = join(m.dir, '.env');
    writeFileSync(path, 'HELLO=world\n');
    expect(await worker.handle({ type: 'file', path })).toMatchObject({ stored: false, reason: 'excluded' });
    expect(await worker.handle({ type: 'selection', path: '/p/node_modules/x/index.js', text: 'x' })).toMatchObject({ reason: 'excluded' });
    expect(reads).toEqual([]);
    expect(count()).toBe(0);
  });

  it('content with a private key is never stored', async () => {
    const content = `const a = 1;\n${'-----BEGIN'} RSA PRIVATE KEY-----\nMIIE\n`;
    const outcome = await save('/p/src/a.ts', content);
    expect(outcome).toEqual({ stored: false, reason: 'secret', detail: '/p/src/a.ts: looks like a private-key at line 2' });
    expect(count()).toBe(0);
    expect(await worker.handle({ type: 'text', text: `note\n${'-----BEGIN'} PRIVATE KEY-----` })).toMatchObject({ reason: 'secret' });
  });

  it('a secret in a note or title is never stored either', async () => {
    const key = ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('');
    expect(await worker.handle({ type: 'selection', text: 'const x = 1;', note: `uses ${key}` })).toMatchObject({ reason: 'secret' });
    expect(await worker.handle({ type: 'text', text: 'body', title: key })).toMatchObject({ reason: 'secret' });
    expect(count()).toBe(0);
  });

  it('a file over the size cap is skipped without being read', async () => {
    settings.captureMaxBytes = 1024;
    const path = join(m.dir, 'big.ts');
    writeFileSync(path, '');
    truncateSync(path, 10_000);
    expect(await worker.handle({ type: 'file', path })).toMatchObject({ stored: false, reason: 'too-large' });
    expect(reads).toEqual([]);
    expect(await save('/p/inline.ts', 'x'.repeat(2000))).toMatchObject({ reason: 'too-large' });
  });

  it('a file payload without content is read from disk', async () => {
    const path = join(m.dir, 'disk.ts');
    writeFileSync(path, 'export const fromDisk = 1;\n');
    const outcome = await worker.handle({ type: 'file', path, language: 'typescript' });
    expect(outcome).toMatchObject({ stored: true, merged: false });
    expect(reads).toEqual([path]);
    const rec = m.store.get((outcome as { memoryId: number }).memoryId)!;
    expect(rec).toMatchObject({ kind: 'file', path, title: 'disk.ts', language: 'typescript', content: 'export const fromDisk = 1;\n' });
  });

  it('binary files are skipped', async () => {
    const path = join(m.dir, 'blob.bin');
    writeFileSync(path, Buffer.from([0x41, 0x00, 0x42]));
    expect(await worker.handle({ type: 'file', path })).toMatchObject({ stored: false, reason: 'binary' });
  });

  it('missing files are skipped as unreadable', async () => {
    expect(await worker.handle({ type: 'file', path: join(m.dir, 'gone.ts') })).toMatchObject({ stored: false, reason: 'unreadable' });
    expect(await worker.handle({ type: 'file', path: m.dir })).toMatchObject({ stored: false, reason: 'unreadable' });
  });

  it('identical content is deduplicated', async () => {
    const first = await save('/p/a.ts', 'const same = 1;\n');
    await clock.advance(60_000);
    expect(await save('/p/a.ts', 'const same = 1;\n')).toMatchObject({ stored: false, reason: 'duplicate' });
    expect(first).toMatchObject({ stored: true });
    expect(count()).toBe(1);
  });

  it('rapid saves of one file merge into one memory', async () => {
    const a = await save('/p/a.ts', 'const version = 1;\n');
    await clock.advance(3_000);
    const b = await save('/p/a.ts', 'const version = 2;\n');
    await clock.advance(3_000);
    const c = await save('/p/a.ts', 'const version = 3;\n');
    expect(b).toEqual({ stored: true, memoryId: (a as { memoryId: number }).memoryId, merged: true });
    expect(c).toMatchObject({ merged: true });
    expect(count()).toBe(1);
    const rec = m.store.get((a as { memoryId: number }).memoryId)!;
    expect(rec.content).toBe('const version = 3;\n');
    expect(Date.parse(rec.updatedAt) - Date.parse(rec.capturedAt)).toBe(6_000);
  });

  it("a merged memory's old text no longer matches", async () => {
    await save('/p/a.ts', 'function oldHelperName() {}\n');
    await clock.advance(1_000);
    await save('/p/a.ts', 'function newHelperName() {}\n');
    expect(searchMemories(m.db, { query: 'oldHelperName' })).toEqual([]);
    expect(searchMemories(m.db, { query: 'newHelperName' })).toHaveLength(1);
    expect(m.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks').get()!.n).toBe(1);
  });

  it('saves outside the merge window make a new snapshot', async () => {
    await save('/p/a.ts', 'const v = 1;\n');
    await clock.advance(settings.mergeWindowMs);
    expect(await save('/p/a.ts', 'const v = 2;\n')).toMatchObject({ stored: true, merged: false });
    expect(count()).toBe(2);
  });

  it('retention keeps the newest snapshots per file', async () => {
    settings.retentionSnapshotsPerFile = 3;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const o = await save('/p/a.ts', `const snapshot${i} = ${i};\n`);
      ids.push((o as { memoryId: number }).memoryId);
      await clock.advance(60_000);
    }
    await save('/p/other.ts', 'const other = 1;\n');
    const kept = m.db.prepare<[], { id: number }>("SELECT id FROM memories WHERE path = '/p/a.ts' ORDER BY id").all().map((r) => r.id);
    expect(kept).toEqual(ids.slice(2));
    // Pruned snapshots never come back (the search may still offer snapshot2 as a typo correction).
    expect(searchMemories(m.db, { query: 'snapshot0' }).filter((h) => ids.slice(0, 2).includes(h.id))).toEqual([]);
    expect(count()).toBe(4);
  });

  it('selections keep their path, lines and note', async () => {
    const o = await worker.handle({ type: 'selection', path: '/p/src/util.ts', text: 'const x = 1;', note: 'why x', startLine: 10, endLine: 12 });
    const rec = m.store.get((o as { memoryId: number }).memoryId)!;
    expect(rec).toMatchObject({ kind: 'selection', title: 'util.ts:10-12', note: 'why x', content: 'const x = 1;' });
  });

  it('a selection is found by the words of its note', async () => {
    const o = await worker.handle({ type: 'selection', text: 'const x = 1;', note: 'the quokkaHandshake workaround' });
    const hits = searchMemories(m.db, { query: 'quokkaHandshake' });
    expect(hits.map((h) => h.id)).toEqual([(o as { memoryId: number }).memoryId]);
  });

  it('terminal commands are stored with exit code and cwd', async () => {
    const o = await worker.handle({ type: 'terminal', commandLine: 'npm test -- --watch', exitCode: 1, cwd: '/p' });
    const rec = m.store.get((o as { memoryId: number }).memoryId)!;
    expect(rec).toMatchObject({ kind: 'terminal', title: 'npm test -- --watch', exitCode: 1, path: '/p' });
    expect(rec.content).toBe('npm test -- --watch\nexit code: 1\ncwd: /p');
  });

  it('text memories take the given title or their first line', async () => {
    const a = await worker.handle({ type: 'text', text: 'first line\nsecond' });
    const b = await worker.handle({ type: 'text', text: 'body', title: 'Given' });
    expect(m.store.get((a as { memoryId: number }).memoryId)!.title).toBe('first line');
    expect(m.store.get((b as { memoryId: number }).memoryId)!.title).toBe('Given');
  });

  it('capturedAt from the payload is used as the capture time', async () => {
    const at = Date.UTC(2025, 5, 1);
    const o = await worker.handle({ type: 'text', text: 'dated', capturedAt: at });
    expect(m.store.get((o as { memoryId: number }).memoryId)!.capturedAt).toBe(new Date(at).toISOString());
  });

  it('skips are logged at info with the reason, never the content', async () => {
    const secret = `${'-----BEGIN'} EC PRIVATE KEY-----`;
    await save('/p/k.ts', `${secret}\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oJm6xVBOa7kVoAoGCCqGSM49\n`);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toContain('INFO');
    expect(log.lines[0]).toContain('capture skipped (secret)');
    expect(log.lines[0]).not.toContain('MHcCAQEE');
    expect(log.lines[0]).not.toContain(secret);
  });
});
