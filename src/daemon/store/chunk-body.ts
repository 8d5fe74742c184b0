// How a chunk's text is kept in `chunks.body` (migration 005), and the SQL functions that read it
// back. The text of a chunk is stored once, deflated when that is smaller (a BLOB), else as TEXT;
// its identifier parts are never stored: the FTS5 index reads both through the view `chunk_docs`,
// which computes them with these functions (snippets, 'delete', 'rebuild', 'integrity-check').
// Measured on this repository's history (docs in bench/store-size.ts): deflate keeps 0.60 MB of
// 1.12 MB of distinct chunk text; computing parts instead of storing them saves 0.28 MB.
// Every connection that touches the store must have the functions: SqlDatabase registers them.
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type BetterSqlite3 from 'better-sqlite3';
import { chunkParts } from '../recall/identifiers';
import type { SqlDatabase } from './sql';

/** The stored form of a chunk's text: deflated only when that saves bytes (short text does not shrink). */
export function encodeChunk(text: string): string | Buffer {
  const raw = Buffer.from(text, 'utf8');
  const deflated = deflateRawSync(raw, { level: 9 });
  return deflated.length < raw.length ? deflated : text;
}

function decodeChunk(body: string | Buffer): string {
  return typeof body === 'string' ? body : inflateRawSync(body).toString('utf8');
}

/** The lookup key of a chunk: 64 bits of its SHA-256 (a match is confirmed on the text itself). */
function chunkHash(text: string): bigint {
  return createHash('sha256').update(text, 'utf8').digest().readBigInt64BE(0);
}

/** dm_chunk_text(body) and dm_chunk_parts(body), deterministic so SQLite may cache them. */
export function registerChunkFunctions(raw: BetterSqlite3.Database): void {
  raw.function('dm_chunk_text', { deterministic: true }, (body: unknown) => decodeChunk(body as string | Buffer));
  raw.function('dm_chunk_parts', { deterministic: true }, (body: unknown) => chunkParts(decodeChunk(body as string | Buffer)));
}

/** memory_chunks.seq of a memory's note (indexed so recall finds it, not part of the content). */
export const NOTE_SEQ = -1;

/** The id of the stored chunk with this text, inserting it first when it is new (its index row follows by trigger). */
export function chunkIdFor(db: SqlDatabase, text: string): { id: number; added: boolean } {
  const hash = chunkHash(text);
  const found = db
    .prepare<[bigint, string], { id: number }>('SELECT id FROM chunks WHERE hash = ? AND dm_chunk_text(body) = ? LIMIT 1')
    .get(hash, text);
  if (found) return { id: found.id, added: false };
  const id = Number(db.prepare<[bigint, string | Buffer]>('INSERT INTO chunks (hash, body) VALUES (?, ?)').run(hash, encodeChunk(text)).lastInsertRowid);
  return { id, added: true };
}

/**
 * SQL for a memory's content, joined from its chunks in order (alias `m` for memories). The empty
 * content has no chunks: ''.
 */
export const CONTENT_SQL = `coalesce((SELECT group_concat(dm_chunk_text(c.body), '' ORDER BY mc.seq)
  FROM memory_chunks mc JOIN chunks c ON c.id = mc.chunk_id WHERE mc.memory_id = m.id AND mc.seq >= 0), '')`;
