// The store keeps each distinct chunk once (migration 005) and rebuilds a memory's content from
// its list of chunks: real SQLite files, the daemon's own open.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchMatch } from '../../../src/daemon/recall/search';
import { searchMemories } from '../../helpers/search-memories';
import { encodeChunk } from '../../../src/daemon/store/chunk-body';
import { forget } from '../../../src/daemon/store/forget';
import { MemoryStore, type NewMemory } from '../../../src/daemon/store/memory-store';
import { openDatabase } from '../../../src/daemon/store/open-database';
import type { SqlDatabase } from '../../../src/daemon/store/sql';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';
import { mulberry32 } from '../../helpers/mulberry32';

let dir: string;
let path: string;
let db: SqlDatabase;
let store: MemoryStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dm-chunks-once-'));
  path = join(dir, 'dormouse.db');
  db = openDatabase(path, { log: memoryLogger(), clock: new ManualClock(0), runQuickCheck: false }).db;
  store = new MemoryStore(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function file(filePath: string, content: string, over: Partial<NewMemory> = {}): NewMemory {
  seq++;
  return {
    kind: 'file', path: filePath, title: filePath.split('/').pop()!, language: 'typescript', note: null, exitCode: null,
    content, contentHash: `h${seq}`, capturedAt: Date.UTC(2026, 0, 1) + seq * 1000, ...over,
  };
}

const count = (sql: string) => db.prepare<[], { n: number }>(sql).get()!.n;
const distinctChunks = () => count('SELECT count(*) AS n FROM chunks');
const references = () => count('SELECT count(*) AS n FROM memory_chunks');
const indexIsSound = () => db.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')").run();

/** A source file of `n` functions, function `i` named by `name(i)`. */
const source = (n: number, name = (i: number) => `handler${i}`) =>
  Array.from({ length: n }, (_, i) => `export function ${name(i)}(input: Request): Response {\n  const value = parse${i}(input);\n  return respond(value, ${i});\n}\n`).join('\n');

/** `i`, moved back off the second half of a surrogate pair. */
const codePointBoundary = (text: string, i: number) => (/[\uDC00-\uDFFF]/.test(text[i] ?? '') ? i - 1 : i);


describe('chunks stored once', () => {
  it('identical chunks are stored once across versions', () => {
    const v1 = source(40);
    store.insert(file('/p/a.ts', v1));
    const afterOne = distinctChunks();
    // Ten more versions, each with one function edited.
    let content = v1;
    for (let v = 0; v < 10; v++) {
      content = content.replace(`parse${v * 3}(input)`, `parse${v * 3}(input, ${v})`);
      store.insert(file('/p/a.ts', content));
    }
    expect(references()).toBeGreaterThanOrEqual(11 * afterOne);
    // Each edit changes one function's chunk (at most two chunks): at most 2 new rows per version.
    expect(distinctChunks()).toBeLessThanOrEqual(afterOne + 2 * 10);
    indexIsSound();
  });

  it('identical chunks are stored once across files', () => {
    const shared = source(10);
    store.insert(file('/p/a.ts', shared));
    const one = distinctChunks();
    store.insert(file('/p/copy-of-a.ts', shared));
    store.insert(file('/q/other.ts', `${shared}\nexport const extra = 1;\n`));
    // The copy adds nothing; the third file changes its last chunk (a blank line follows it now) and adds one.
    expect(distinctChunks()).toBeLessThanOrEqual(one + 2);
  });

  it("a memory's content is reconstructed exactly from its chunks (random edits: unicode, CRLF, no trailing newline, empty, a huge line)", () => {
    const rnd = mulberry32(7);
    const alphabet = ['let ', 'x', 'Z', ' ', '\n', '\n', '\r\n', '\t', 'é', '日本', '🦔', '{', '}\n', '_', '0', '\n\n', 'export function f() {\n'];
    let content = '';
    let merged = store.insert(file('/p/m.ts', ''));
    for (let round = 0; round < 120; round++) {
      const op = rnd();
      // Edits at code-point boundaries: content is text decoded from UTF-8, never half a surrogate pair.
      const at = codePointBoundary(content, Math.floor(rnd() * (content.length + 1)));
      if (op < 0.55) {
        let piece = '';
        for (let i = Math.floor(rnd() * 300); i > 0; i--) piece += alphabet[Math.floor(rnd() * alphabet.length)]!;
        content = content.slice(0, at) + piece + content.slice(at);
      } else if (op < 0.85) {
        content = content.slice(0, at) + content.slice(codePointBoundary(content, at + Math.floor(rnd() * 400)));
      } else if (op < 0.95) {
        content = content.slice(0, at) + 'y'.repeat(3000 + Math.floor(rnd() * 6000)) + content.slice(at);
      } else {
        content = '';
      }
      // A new memory, and a merge into an existing one: both give the content back exactly.
      const id = store.insert(file(`/p/r${round % 7}.ts`, content, { note: round % 5 === 0 ? `note ${round}` : null }));
      expect(store.get(id)!.content).toBe(content);
      if (round % 5 === 0) expect(store.get(id)!.note).toBe(`note ${round}`);
      store.replaceContent(merged, { title: 'm.ts', language: null, content, contentHash: `m${round}`, updatedAt: round });
      expect(store.get(merged)!.content).toBe(content);
      if (round % 30 === 29) merged = store.insert(file('/p/m.ts', content));
    }
    indexIsSound();
  });

  it('a merge keeps the chunks both versions share (same rows), and drops those only the old version held', () => {
    const v1 = source(12);
    const id = store.insert(file('/p/a.ts', v1));
    const ids = () => db.prepare<[number], { chunk_id: number }>('SELECT chunk_id FROM memory_chunks WHERE memory_id = ? ORDER BY seq').all(id).map((r) => r.chunk_id);
    const before = ids();
    store.replaceContent(id, { title: 'a.ts', language: null, content: v1.replace('parse5(input)', 'parseFive(input)'), contentHash: 'h2', updatedAt: 1 });
    const after = ids();
    expect(after.filter((c) => before.includes(c)).length).toBeGreaterThanOrEqual(before.length - 1);
    expect(distinctChunks()).toBe(new Set(after).size);
    expect(searchMatch(db, '"parse5"', {})).toEqual([]);
    expect(searchMatch(db, '"parsefive"', {}).map((h) => h.id)).toEqual([id]);
  });

  it('forget removes a chunk only when no memory references it', () => {
    const shared = 'export const sharedSettingName = 1;\n';
    const onlyGone = 'export const forgottenZebraWord = 2;\n';
    const gone = store.insert(file('/p/a.ts', `${shared}\n${onlyGone}`));
    const kept = store.insert(file('/p/b.ts', `${shared}\nexport const keptOtterWord = 3;\n`));
    expect(distinctChunks()).toBe(3);

    forget(db, { id: gone });

    expect(distinctChunks()).toBe(2);
    expect(searchMemories(db, { query: 'sharedSettingName' }).map((h) => h.id)).toEqual([kept]);
    expect(searchMemories(db, { query: 'forgottenZebraWord' })).toEqual([]);
    expect(store.get(kept)!.content).toBe(`${shared}\nexport const keptOtterWord = 3;\n`);
    const disk = () => [path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
    const stored = encodeChunk(onlyGone);
    expect(disk()).not.toContain(typeof stored === 'string' ? 'forgottenZebraWord' : stored.toString('latin1'));
    expect(disk()).toContain('sharedSettingName');

    forget(db, { id: kept });
    expect(distinctChunks()).toBe(0);
    expect(references()).toBe(0);
    expect(disk()).not.toContain('sharedSettingName');
    indexIsSound();
  });

  it('a deflated chunk is gone from the disk after a forget (its compressed bytes too)', () => {
    const text = `${'export const repeatedCompressibleLine = 1;\n'.repeat(30)}`;
    const stored = encodeChunk(text);
    expect(Buffer.isBuffer(stored)).toBe(true);
    const id = store.insert(file('/p/z.ts', text));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const disk = () => readFileSync(path).toString('latin1');
    expect(disk()).toContain((stored as Buffer).toString('latin1'));
    forget(db, { id });
    expect(disk()).not.toContain((stored as Buffer).toString('latin1'));
  });
});
