// Turns one capture payload into at most one stored memory. The order of checks is the privacy
// contract: excluded paths are rejected before any read, oversized files before reading (stat),
// binary and secret-bearing content before anything is written. Skips are returned (the caller
// counts them) and logged at info with the reason only, never the content.
import { createHash } from 'node:crypto';
import { readFile as fsReadFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from '../../shared/logger';
import type { CapturePayload } from '../../shared/protocol';
import type { Settings } from '../../shared/settings';
import type { Clock } from '../../shared/clock';
import type { MemoryStore, NewMemory } from '../store/memory-store';
import { ExcludeCache } from './excludes';
import { findSecret } from './secrets';

export type SkipReason = 'excluded' | 'secret' | 'too-large' | 'duplicate' | 'unreadable' | 'binary' | 'paused';

export type CaptureOutcome =
  | { stored: true; memoryId: number; merged: boolean }
  | { stored: false; reason: SkipReason; detail: string };

/** Runs a synchronous database write, possibly inside a wider transaction (a group commit: then later). */
export type CommitScope = <T>(write: () => T) => T | Promise<T>;

export interface CaptureWorkerOptions {
  store: MemoryStore;
  clock: Clock;
  log: Logger;
  settings: () => Settings;
  readFile?: (path: string) => Promise<Buffer>;
  /** Capture paused by the user, now: a job queued before the pause is not stored during it (a file job would read what was saved since). */
  paused?: () => boolean;
}

/** A memory before the store step derives its hash and time. */
export type Draft = Omit<NewMemory, 'contentHash' | 'capturedAt'>;

const TITLE_MAX = 200;

class Skip {
  constructor(readonly reason: SkipReason, readonly detail: string) {}
}

export class CaptureWorker {
  private readonly excludes = new ExcludeCache();
  private readonly readFile: (path: string) => Promise<Buffer>;

  constructor(private readonly opts: CaptureWorkerOptions) {
    this.readFile = opts.readFile ?? ((path) => fsReadFile(path));
  }

  /**
   * `commit` wraps the synchronous write (the dedupe check, the insert or merge, retention): the
   * daemon runs it inside one transaction with the job's completion, so a capture is stored
   * exactly once even if the daemon dies, or the lease goes stale, between the two.
   * `signal` (the daemon is stopping): checked before the read and again before the write, so a
   * cancelled capture writes nothing and throws the signal's reason (its job goes back to the queue).
   */
  async handle(payload: CapturePayload, commit: CommitScope = (write) => write(), signal?: AbortSignal): Promise<CaptureOutcome> {
    try {
      if (this.opts.paused?.()) throw new Skip('paused', `${payload.type} capture while capture is paused`);
      signal?.throwIfAborted();
      const draft = await this.draft(payload);
      signal?.throwIfAborted();
      const at = payload.capturedAt ?? this.opts.clock.now();
      return await commit(() => this.store({ ...draft, shared: payload.shared === true }, at));
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      this.opts.log.info(`capture skipped (${err.reason}): ${err.detail}`);
      return { stored: false, reason: err.reason, detail: err.detail };
    }
  }

  private async draft(p: CapturePayload): Promise<Draft> {
    const settings = this.opts.settings();
    const path = p.type === 'file' || p.type === 'selection' ? (p.path ?? null) : null;
    if (path !== null && this.excludes.get(settings.captureExcludes)(path)) {
      throw new Skip('excluded', `${p.type} ${path} matches captureExcludes`);
    }
    const label = path ?? p.type;
    let draft: Draft;
    switch (p.type) {
      case 'file': {
        const content = p.content ?? (await this.readText(p.path, settings.captureMaxBytes));
        draft = { kind: 'file', path: p.path, title: basename(p.path) || p.path, language: p.language ?? null, note: null, exitCode: null, content };
        break;
      }
      case 'selection': {
        const lines = p.startLine !== undefined ? `:${p.startLine}${p.endLine !== undefined && p.endLine !== p.startLine ? `-${p.endLine}` : ''}` : '';
        const title = p.path ? `${basename(p.path)}${lines}` : `selection${lines}`;
        draft = { kind: 'selection', path: p.path ?? null, title, language: p.language ?? null, note: p.note ?? null, exitCode: null, content: p.text };
        break;
      }
      case 'terminal': {
        const exit = p.exitCode === undefined || p.exitCode === null ? 'unknown' : String(p.exitCode);
        const content = `${p.commandLine}\nexit code: ${exit}${p.cwd ? `\ncwd: ${p.cwd}` : ''}`;
        // cwd is kept as the path so path-prefix recall finds commands run in a project.
        draft = { kind: 'terminal', path: p.cwd ?? null, title: firstLine(p.commandLine), language: null, note: null, exitCode: p.exitCode ?? null, content };
        break;
      }
      case 'text':
        draft = { kind: 'text', path: null, title: p.title?.trim() || firstLine(p.text), language: null, note: null, exitCode: null, content: p.text };
        break;
    }
    checkContent(draft, label, settings.captureMaxBytes);
    return draft;
  }

  /**
   * For a memory that did not come through a capture (import): the same checks, in the same
   * order (excludes on the path, size, NUL bytes, secrets in content, title and note). Returns
   * the skip, or null when it may be stored.
   */
  vet(draft: Draft): { reason: SkipReason; detail: string } | null {
    const settings = this.opts.settings();
    const excludable = draft.kind === 'file' || draft.kind === 'selection';
    try {
      if (excludable && draft.path !== null && this.excludes.get(settings.captureExcludes)(draft.path)) {
        throw new Skip('excluded', `${draft.kind} ${draft.path} matches captureExcludes`);
      }
      checkContent(draft, draft.path ?? draft.kind, settings.captureMaxBytes);
      return null;
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      return { reason: err.reason, detail: err.detail };
    }
  }

  /** Reads a file for capture: size from stat first, so an oversized file is never read. */
  private async readText(path: string, maxBytes: number): Promise<string> {
    let size: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Skip('unreadable', `${path}: not a regular file`);
      size = st.size;
    } catch (err) {
      if (err instanceof Skip) throw err;
      throw new Skip('unreadable', `${path}: ${(err as NodeJS.ErrnoException).code ?? 'stat failed'}`);
    }
    if (size > maxBytes) throw new Skip('too-large', `${path}: ${size} bytes > captureMaxBytes ${maxBytes}`);
    let buf: Buffer;
    try {
      buf = await this.readFile(path);
    } catch (err) {
      throw new Skip('unreadable', `${path}: ${(err as NodeJS.ErrnoException).code ?? 'read failed'}`);
    }
    // The file may have grown between stat and read.
    if (buf.length > maxBytes) throw new Skip('too-large', `${path}: ${buf.length} bytes > captureMaxBytes ${maxBytes}`);
    if (buf.includes(0)) throw new Skip('binary', `${path}: contains NUL bytes`);
    return buf.toString('utf8');
  }

  private store(d: Draft, at: number): CaptureOutcome {
    const { store } = this.opts;
    const settings = this.opts.settings();
    const { contentHash } = toNewMemory(d, at);
    if (d.kind === 'file' && d.path !== null) {
      const latest = store.latestForPath(d.path);
      if (latest && latest.contentHash === contentHash) {
        throw new Skip('duplicate', `${d.path}: same content as memory ${latest.id}`);
      }
      // abs(): capture jobs can run out of order; a save just before the latest one still merges.
      if (latest && Math.abs(at - latest.updatedAt) < settings.mergeWindowMs) {
        store.replaceContent(latest.id, {
          title: d.title, language: d.language, content: d.content, contentHash,
          updatedAt: Math.max(at, latest.updatedAt), shared: d.shared === true,
        });
        return { stored: true, memoryId: latest.id, merged: true };
      }
    }
    const memoryId = store.insert({ ...d, contentHash, capturedAt: at });
    if (d.kind === 'file' && d.path !== null) {
      const pruned = store.prunePerFile(d.path, settings.retentionSnapshotsPerFile);
      if (pruned > 0) this.opts.log.debug(`retention: pruned ${pruned} old snapshot(s) of ${d.path}`);
    }
    return { stored: true, memoryId, merged: false };
  }
}

/** Size, NUL bytes and secrets: throws the Skip. Title and note are stored too, so they pass the same check as the content. */
function checkContent(draft: Draft, label: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(draft.content);
  if (bytes > maxBytes) throw new Skip('too-large', `${label}: ${bytes} bytes > captureMaxBytes ${maxBytes}`);
  if (draft.content.includes('\0')) throw new Skip('binary', `${label}: contains NUL bytes`);
  const secret = findSecret(draft.content) ?? findSecret(draft.title) ?? (draft.note ? findSecret(draft.note) : null);
  if (secret) throw new Skip('secret', `${label}: looks like a ${secret.kind} at line ${secret.line}`);
}

/** A vetted draft as the store takes it: the content hash derived the one way every memory gets it (the store chunks the content). */
export function toNewMemory(d: Draft, at: number): NewMemory {
  return { ...d, contentHash: contentHashOf(d.content), capturedAt: at };
}

export function contentHashOf(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

function firstLine(text: string): string {
  const line = text.trim().split('\n', 1)[0] ?? '';
  return line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1)}…` : line || '(empty)';
}
