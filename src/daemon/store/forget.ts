// Forgetting: memories leave the DISK, not only the results. A forget deletes the memories (their
// chunks and FTS index rows follow by trigger) and blanks the payloads of the finished capture
// jobs they came from, in one transaction; then purgeFreedContent removes what SQLite would
// otherwise keep on disk:
// - the connection runs with PRAGMA secure_delete = ON (open-database.ts): freed cells and pages
//   are overwritten with zeros, not just put on the freelist;
// - an external-content FTS5 index deletes by appending tombstones: the old segments still hold
//   the terms until they are merged, so 'optimize' rewrites the index into one segment;
// - in WAL mode the old page images live on in the -wal file until a checkpoint: TRUNCATE copies
//   the zeroed pages into the database and truncates the -wal to zero bytes.
// Capture jobs still queued, leased or retrying are work not done yet and are left alone: a
// capture queued before a forget is stored after it.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import type { ForgetTarget } from '../../shared/protocol';
import {
  blankDoneCapturePayloads,
  blankFinishedCapturePayloads,
  blankFinishedCapturePayloadsBefore,
  blankFinishedCapturePayloadsUnder,
} from '../queue/blank-payloads';
import type { SqlDatabase } from './sql';
import { rebuildVocabulary } from './vocabulary';

export interface ForgetOutcome {
  /** Memories deleted. */
  forgotten: number;
  /** Finished capture jobs whose payload was blanked. */
  payloadsBlanked: number;
  /** False when the checkpoint could not finish (a reader held the WAL); the next forget or a restart completes it. */
  checkpointed: boolean;
}

/**
 * Forgets what `target` names and purges it from disk. `purgeMarker`: a file that exists while a
 * forget is under way (written before the deletes, removed after the purge), so a daemon killed
 * in between finishes the purge at its next start (finishInterruptedPurge).
 */
export function forget(db: SqlDatabase, target: ForgetTarget, purgeMarker?: string): ForgetOutcome {
  if (purgeMarker) writeFileSync(purgeMarker, '', { mode: 0o600 });
  const { forgotten, payloadsBlanked } = db.transaction(() => {
    if ('id' in target) return { forgotten: forgetById(db, target.id), payloadsBlanked: blankDoneCapturePayloads(db) };
    if ('path' in target) {
      const range = folderRange(target.path);
      return {
        forgotten: forgetUnder(db, range.path, range.dir, range.dirEnd),
        payloadsBlanked: blankFinishedCapturePayloadsUnder(db, range.path, range.dir, range.dirEnd),
      };
    }
    if ('before' in target) {
      return { forgotten: forgetBefore(db, target.before), payloadsBlanked: blankFinishedCapturePayloadsBefore(db, target.before) };
    }
    return { forgotten: forgetAll(db), payloadsBlanked: blankFinishedCapturePayloads(db) };
  });
  const { checkpointed } = purgeFreedContent(db);
  if (purgeMarker) rmSync(purgeMarker, { force: true });
  return { forgotten, payloadsBlanked, checkpointed };
}

/** At start: a forget was cut short after its deletes (the marker is still there): purge now. */
export function finishInterruptedPurge(db: SqlDatabase, purgeMarker: string): boolean {
  if (!existsSync(purgeMarker)) return false;
  purgeFreedContent(db);
  rmSync(purgeMarker, { force: true });
  return true;
}

function forgetById(db: SqlDatabase, id: number): number {
  return db.prepare<[number]>('DELETE FROM memories WHERE id = ?').run(id).changes;
}

/** The memories of `path` itself or of anything under it as a folder (a file, a selection in it, a terminal command run there). */
function forgetUnder(db: SqlDatabase, path: string, dir: string, dirEnd: string): number {
  return db
    .prepare<[{ path: string; dir: string; dirEnd: string }]>(
      'DELETE FROM memories WHERE path = @path OR (path >= @dir AND path < @dirEnd)',
    )
    .run({ path, dir, dirEnd }).changes;
}

/** Everything captured before a wall time (epoch ms). */
function forgetBefore(db: SqlDatabase, before: number): number {
  return db.prepare<[number]>('DELETE FROM memories WHERE captured_at < ?').run(before).changes;
}

function forgetAll(db: SqlDatabase): number {
  return db.prepare('DELETE FROM memories').run().changes;
}

/**
 * The last step of every forget: what the deletes freed leaves the disk. Further derived data
 * (a vocabulary built from the index, say) is rebuilt here too, before the checkpoint.
 */
function purgeFreedContent(db: SqlDatabase): { checkpointed: boolean } {
  optimizeIndex(db);
  // The typo vocabulary copies index terms: rebuilt from the optimized index, a word only the
  // forgotten memories held leaves it too (secure_delete zeroes the freed pages).
  rebuildVocabulary(db);
  return checkpointTruncate(db);
}

/** Merges every FTS5 segment into one, dropping the deleted entries (and the terms only they held). */
function optimizeIndex(db: SqlDatabase): void {
  db.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('optimize')").run();
}

function checkpointTruncate(db: SqlDatabase): { checkpointed: boolean } {
  const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  return { checkpointed: row?.busy === 0 };
}

/**
 * `path` as an exact match plus the half-open range of everything under it as a folder: `dir` is
 * the path with one trailing separator, `dirEnd` the same with the separator's successor, so
 * `dir <= p < dirEnd` is "p starts with dir" in binary order (index-friendly, no LIKE escaping).
 * Windows-style paths (backslashes, no forward slash) use '\'.
 */
export function folderRange(raw: string): { path: string; dir: string; dirEnd: string } {
  const sep = raw.includes('\\') && !raw.includes('/') ? '\\' : '/';
  let path = raw;
  while (path.length > 1 && path.endsWith(sep)) path = path.slice(0, -1);
  const dir = path.endsWith(sep) ? path : path + sep;
  const dirEnd = dir.slice(0, -1) + String.fromCharCode(sep.charCodeAt(0) + 1);
  return { path, dir, dirEnd };
}
