// `import`: memories exported elsewhere (`dormouse export`) are stored through the same gate as
// captures: excludes on the path, the size cap, NUL bytes and the secret scan (CaptureWorker.vet);
// a refused one is counted, logged without its content, and never stored. Stored ones get their
// hash and chunks the way captures do (toNewMemory), so the index columns match. Idempotent: a
// memory already stored (same kind, path, capturedAt and content hash) is skipped. No queue: a
// user-driven bulk load, at most 1000 per call (the protocol's limit), written in short
// transactions so the daemon never holds the write lock for long.
import type { Logger } from '../../shared/logger';
import type { ExportedMemory } from '../../shared/protocol';
import type { MemoryStore } from '../store/memory-store';
import type { SqlDatabase } from '../store/sql';
import { type CaptureWorker, toNewMemory } from './capture-worker';

const TRANSACTION_SIZE = 100;

export interface ImportOutcome {
  imported: number;
  skipped: number;
  refused: number;
}

export interface ImportDeps {
  db: SqlDatabase;
  store: MemoryStore;
  worker: CaptureWorker;
  log: Logger;
  /** Snapshots kept per file (retentionSnapshotsPerFile), applied to the files an import touched. */
  snapshotsPerFile: () => number;
}

export function importMemories(deps: ImportDeps, memories: readonly ExportedMemory[]): ImportOutcome {
  const outcome: ImportOutcome = { imported: 0, skipped: 0, refused: 0 };
  const refusedBy: Record<string, number> = {};
  const files = new Set<string>();
  for (let i = 0; i < memories.length; i += TRANSACTION_SIZE) {
    deps.db.transaction(() => {
      for (const m of memories.slice(i, i + TRANSACTION_SIZE)) {
        const draft = { kind: m.kind, path: m.path, title: m.title, language: m.language, note: m.note, exitCode: m.exitCode, content: m.content };
        // An export cut to fit the IPC limit is not the memory: stored, it would pass for the whole one.
        const skip = m.truncated ? { reason: 'truncated', detail: `${m.kind} ${m.title}: cut at export (larger than ipcMaxMessageBytes)` } : deps.worker.vet(draft);
        if (skip) {
          outcome.refused++;
          refusedBy[skip.reason] = (refusedBy[skip.reason] ?? 0) + 1;
          deps.log.info(`import refused (${skip.reason}): ${skip.detail}`);
          continue;
        }
        const capturedAt = Date.parse(m.capturedAt);
        const updatedAt = Math.max(capturedAt, Date.parse(m.updatedAt));
        const memory = { ...toNewMemory(draft, capturedAt), updatedAt };
        if (deps.store.has(memory.kind, memory.path, capturedAt, memory.contentHash)) {
          outcome.skipped++;
          continue;
        }
        deps.store.insert(memory);
        outcome.imported++;
        if (memory.kind === 'file' && memory.path !== null) files.add(memory.path);
      }
    });
  }
  // The per-file snapshot cap holds for imported snapshots too.
  if (files.size > 0) {
    deps.db.transaction(() => {
      for (const path of files) deps.store.prunePerFile(path, deps.snapshotsPerFile());
    });
  }
  const reasons = Object.entries(refusedBy).map(([r, n]) => `${r} ${n}`).join(', ');
  deps.log.info(`import: ${outcome.imported} imported, ${outcome.skipped} already stored, ${outcome.refused} refused${reasons ? ` (${reasons})` : ''}`);
  return outcome;
}
