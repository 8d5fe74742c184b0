// The memory store: every read and write of `memories`, `memory_chunks` and `chunks` (the FTS index
// follows by trigger). One SQL operation per method where practical; multi-step writes run in one
// transaction so a memory and its chunks appear, change and vanish together. The store chunks the
// content itself (capture/chunker.ts) and keeps each distinct chunk once (migration 005): a
// memory's content is reconstructed from its chunks, so the chunking is the store's to own.
import type { MemoryKind, MemoryRecord } from '../../shared/protocol';
import type { Clock } from '../../shared/clock';
import { chunkContent } from '../capture/chunker';
import { chunkParts, vocabularyTerms } from '../recall/identifiers';
import { CONTENT_SQL, NOTE_SEQ, chunkIdFor } from './chunk-body';
import type { SqlDatabase } from './sql';
import { addToVocabulary, dropUnusedTerms } from './vocabulary';

const DAY_MS = 86_400_000;

/** What a new memory needs (the store chunks its content, and indexes its note as one more chunk). */
export interface NewMemory {
  kind: MemoryKind;
  path: string | null;
  title: string;
  language: string | null;
  note: string | null;
  exitCode: number | null;
  content: string;
  contentHash: string;
  capturedAt: number;
  /** Defaults to capturedAt (a new capture); an import keeps the exported time. */
  updatedAt?: number;
  /** Shared with the team in the shared store (the workspace's dormouse.shareWithTeam); default false. */
  shared?: boolean;
}

/** A merge: new content for an existing memory (its note stays). */
export interface MemoryReplacement {
  title: string;
  language: string | null;
  content: string;
  contentHash: string;
  updatedAt: number;
  /** A capture's merge: the newest capture's dormouse.shareWithTeam decides. Absent (a repair): the flag stays. */
  shared?: boolean;
}

/** The columns capture decisions need, without the content. */
export interface MemoryHead {
  id: number;
  contentHash: string;
  capturedAt: number;
  updatedAt: number;
}

/** A `memories` row with every column a MemoryRecord needs (get, export). */
export interface MemoryRow {
  id: number;
  kind: MemoryKind;
  path: string | null;
  title: string;
  language: string | null;
  note: string | null;
  exit_code: number | null;
  content: string;
  captured_at: number;
  updated_at: number;
}

export class MemoryStore {
  /** The clock is optional: only `pruneExpired` reads it (the daemon passes its own). */
  constructor(
    private readonly db: SqlDatabase,
    private readonly clock?: Clock,
  ) {}

  /** Inserts a memory and its chunks in one transaction; returns the memory id. */
  insert(memory: NewMemory): number {
    return this.db.transaction(() => this.insertUnlocked(memory));
  }

  /** Inserts many memories in one transaction (bulk loads, the bench). */
  insertMany(memories: readonly NewMemory[]): number[] {
    return this.db.transaction(() => memories.map((m) => this.insertUnlocked(m)));
  }

  /**
   * Replaces a memory's content (a merge). The new chunk list is written under the placeholder
   * memory id -id first, then the old list is deleted (its chunks no other list references leave,
   * with their index rows, by trigger) and the new list takes the real id: a chunk both versions
   * share is never deleted and re-added.
   */
  replaceContent(id: number, next: MemoryReplacement): void {
    this.db.transaction(() => {
      const row = this.db
        .prepare<[string, string | null, string, number, number, number | null, number], { note: string | null }>(
          `UPDATE memories SET title = ?, language = ?, content_hash = ?, bytes = ?, updated_at = ?, shared = coalesce(?, shared)
           WHERE id = ? RETURNING note`,
        )
        .get(next.title, next.language, next.contentHash, Buffer.byteLength(next.content), next.updatedAt, next.shared === undefined ? null : Number(next.shared), id);
      if (!row) return;
      const old = this.termsOf('mc.memory_id = ?', id);
      this.insertChunks(-id, next.content, row.note);
      this.db.prepare<[number]>('DELETE FROM memory_chunks WHERE memory_id = ?').run(id);
      this.db.prepare<[number, number]>('UPDATE memory_chunks SET memory_id = ? WHERE memory_id = ?').run(id, -id);
      dropUnusedTerms(this.db, old);
    });
  }

  /** Deletes a memory (its chunks and index rows follow by trigger). Returns whether it existed. */
  delete(id: number): boolean {
    return this.deleteWhere('m.id = ?', id) > 0;
  }

  /** Whether this exact memory is stored: same kind, path, capture time and content (an import's identity). */
  has(kind: MemoryKind, path: string | null, capturedAt: number, contentHash: string): boolean {
    return (
      this.db
        .prepare<[string | null, number, MemoryKind, string], { one: number }>(
          'SELECT 1 AS one FROM memories WHERE path IS ? AND captured_at = ? AND kind = ? AND content_hash = ? LIMIT 1',
        )
        .get(path, capturedAt, kind, contentHash) !== undefined
    );
  }

  /** The newest file snapshot of a path, without its content. */
  latestForPath(path: string): MemoryHead | undefined {
    return this.db
      .prepare<[string], MemoryHead>(
        `SELECT id, content_hash AS contentHash, captured_at AS capturedAt, updated_at AS updatedAt
         FROM memories WHERE path = ? AND kind = 'file' ORDER BY captured_at DESC, id DESC LIMIT 1`,
      )
      .get(path);
  }

  /** The content of the newest file snapshot of a path (for related memories). */
  latestContentForPath(path: string): { id: number; contentHash: string; content: string } | undefined {
    return this.db
      .prepare<[string], { id: number; contentHash: string; content: string }>(
        `SELECT id, content_hash AS contentHash, ${CONTENT_SQL} AS content
         FROM memories m WHERE path = ? AND kind = 'file' ORDER BY captured_at DESC, id DESC LIMIT 1`,
      )
      .get(path);
  }

  /** The newest `limit` file snapshots of a path, newest first (without content). */
  snapshotsOfPath(path: string, limit: number): Array<{ id: number; title: string; capturedAt: number }> {
    return this.db
      .prepare<[string, number], { id: number; title: string; capturedAt: number }>(
        `SELECT id, title, captured_at AS capturedAt
         FROM memories WHERE path = ? AND kind = 'file' ORDER BY captured_at DESC, id DESC LIMIT ?`,
      )
      .all(path, limit);
  }

  get(id: number): MemoryRecord | null {
    const row = this.db
      .prepare<[number], MemoryRow>(
        `SELECT ${MEMORY_ROW_COLUMNS} FROM memories m WHERE id = ?`,
      )
      .get(id);
    return row ? toMemoryRecord(row) : null;
  }

  /**
   * Deletes memories not updated for `retentionDays` (0 keeps everything). Age counts from
   * updated_at so a file merged into yesterday is not "old" because its first save was.
   */
  pruneByAge(nowWall: number, retentionDays: number): number {
    if (retentionDays <= 0) return 0;
    return this.deleteWhere('m.updated_at < ?', nowWall - retentionDays * DAY_MS);
  }

  /** pruneByAge at the store's clock (wall time); 0 when the store has no clock. */
  pruneExpired(retentionDays: number): number {
    return this.clock ? this.pruneByAge(this.clock.now(), retentionDays) : 0;
  }

  /** Keeps the `keep` newest file snapshots of a path and deletes the rest. */
  prunePerFile(path: string, keep: number): number {
    return this.deleteWhere(
      `m.path = ? AND m.kind = 'file' AND m.id NOT IN (
         SELECT id FROM memories WHERE path = ? AND kind = 'file' ORDER BY captured_at DESC, id DESC LIMIT ?)`,
      path, path, Math.max(0, keep),
    );
  }

  /**
   * Deletes the memories `m` matching `where` (chunks and index rows follow by trigger) and, in the
   * same transaction, the vocabulary terms only they held (vocabulary.ts: kept exact).
   */
  private deleteWhere(where: string, ...params: Array<string | number>): number {
    return this.db.transaction(() => {
      const terms = this.termsOf(`mc.memory_id IN (SELECT m.id FROM memories m WHERE ${where})`, ...params);
      const deleted = this.db.prepare<Array<string | number>>(`DELETE FROM memories AS m WHERE ${where}`).run(...params).changes;
      if (deleted > 0) dropUnusedTerms(this.db, terms);
      return deleted;
    });
  }

  /**
   * The distinct vocabulary terms of the chunks listed by the memory_chunks rows `mc` matching
   * `where`: a superset of what a delete may leave unused (dropUnusedTerms checks the index).
   */
  private termsOf(where: string, ...params: Array<string | number>): Set<string> {
    const terms = new Set<string>();
    const rows = this.db
      .prepare<Array<string | number>, { text: string }>(
        `SELECT dm_chunk_text(c.body) AS text FROM chunks c
         WHERE c.id IN (SELECT mc.chunk_id FROM memory_chunks mc WHERE ${where})`,
      )
      .all(...params);
    for (const r of rows) for (const t of vocabularyTerms(r.text, chunkParts(r.text))) terms.add(t);
    return terms;
  }

  private insertUnlocked(m: NewMemory): number {
    const id = Number(
      this.db
        .prepare<[MemoryKind, string | null, string, string | null, string | null, number | null, string, number, number, number, number]>(
          `INSERT INTO memories (kind, path, title, language, note, exit_code, content_hash, bytes, captured_at, updated_at, shared)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(m.kind, m.path, m.title, m.language, m.note, m.exitCode, m.contentHash,
          Buffer.byteLength(m.content), m.capturedAt, m.updatedAt ?? m.capturedAt, m.shared ? 1 : 0).lastInsertRowid,
    );
    this.insertChunks(id, m.content, m.note);
    return id;
  }

  /**
   * Lists the content's chunks (and the note, at NOTE_SEQ) under `memoryId`, storing the chunks
   * not stored yet; the terms of those new chunks join the vocabulary.
   */
  private insertChunks(memoryId: number, content: string, note: string | null): void {
    const ref = this.db.prepare<[number, number, number]>('INSERT INTO memory_chunks (memory_id, seq, chunk_id) VALUES (?, ?, ?)');
    const terms = new Set<string>();
    // A note is how the user meant to find this again: it is indexed as a chunk of its own.
    const add = (text: string, seq: number) => {
      const chunk = chunkIdFor(this.db, text);
      ref.run(memoryId, seq, chunk.id);
      if (chunk.added) for (const t of vocabularyTerms(text, chunkParts(text))) terms.add(t);
    };
    chunkContent(content).forEach(add);
    if (note) add(note, NOTE_SEQ);
    addToVocabulary(this.db, [...terms]);
  }
}

/** The columns of a MemoryRow, in the order its SELECTs list them (from `memories m`; the content is joined from its chunks). */
export const MEMORY_ROW_COLUMNS = `id, kind, path, title, language, note, exit_code, ${CONTENT_SQL} AS content, captured_at, updated_at`;

export function toMemoryRecord(row: MemoryRow): MemoryRecord {
  return {
    id: row.id,
    kind: row.kind,
    path: row.path,
    title: row.title,
    language: row.language,
    note: row.note,
    exitCode: row.exit_code,
    content: row.content,
    capturedAt: new Date(row.captured_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
