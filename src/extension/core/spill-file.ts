// The outbox's overflow on disk: one JSONL file of jobs, oldest first. New jobs are appended;
// acknowledged jobs are removed from the head. Everything is synchronous on purpose: an append
// (from push) can then never interleave with a rewrite (from drain) half way.
//
// Removal is logical first (`start` moves past the acknowledged lines) and physical later
// (compact: copy the rest to a temp file, rename over). Compacting after every batch of a large
// file would copy it over and over, so a big file is compacted once the removed head is worth it;
// a reload before that replays the removed head, which the daemon drops by dedupeKey.
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { jobInput, type JobInput } from '../../shared/protocol';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 64 * 1024;
/** Below this much left in the file, compact after every acknowledged batch. */
const ALWAYS_COMPACT_BELOW_BYTES = 1024 * 1024;
/** Otherwise compact once the removed head is this fraction of what is left (amortised copying). */
const COMPACT_FRACTION = 1 / 8;

export interface SpillBatch {
  jobs: JobInput[];
  /** Bytes from the head through the batch's last line: acknowledge with consume(bytes, jobs.length). */
  bytes: number;
}

export class SpillFile {
  /** Physical offset of the first line not yet removed. */
  private start = 0;
  /** Physical size of the file. */
  private size = 0;
  /** Non-blank lines after `start` (corrupt ones included until they are read). */
  private lines = 0;
  private corruptLines = 0;

  constructor(readonly path: string) {
    if (!existsSync(path)) return;
    this.size = statSync(path).size;
    if (this.size === 0) return;
    // A crash in the middle of an append leaves a line without its newline; end it, so the next
    // append starts a line of its own and the torn one is merely corrupt.
    if (this.lastByte() !== NEWLINE) {
      appendFileSync(path, '\n');
      this.size += 1;
    }
    this.lines = this.countLines();
  }

  /** Entries waiting in the file. */
  get count(): number {
    return this.lines;
  }

  /** Bytes waiting in the file (what maxSpillBytes bounds). */
  get bytes(): number {
    return this.size - this.start;
  }

  /** Lines found corrupt and set aside to `<path>.corrupt`. */
  get corrupt(): number {
    return this.corruptLines;
  }

  /** Appends serialized jobs in one write. On failure the file is cut back to where it was, and the error thrown. */
  append(serialized: string[]): number {
    if (serialized.length === 0) return 0;
    const text = serialized.map((line) => `${line}\n`).join('');
    const bytes = Buffer.byteLength(text);
    // Private: these lines are selections and command lines before the daemon's secret filter.
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    try {
      appendFileSync(this.path, text, { mode: 0o600 });
    } catch (error) {
      // A partial write would glue the next line onto a torn one.
      try {
        if (existsSync(this.path)) truncateSync(this.path, this.size);
      } catch {
        // The constructor of the next session ends a torn line; nothing more to do here.
      }
      throw error;
    }
    this.size += bytes;
    this.lines += serialized.length;
    return bytes;
  }

  /**
   * Reads up to `max` jobs from the head. Corrupt lines at the head are set aside at once (they
   * can never be sent); a corrupt line after valid ones ends the batch, to be set aside when it
   * reaches the head, so a line is never set aside twice when a send fails and is retried.
   */
  readBatch(max: number): SpillBatch {
    const jobs: JobInput[] = [];
    let end = this.start;
    // Even with no entries counted, blank lines may be left: reading past them empties the head,
    // which the outbox relies on before it appends a memory batch it is sending.
    if (this.start >= this.size) return { jobs, bytes: 0 };
    if (!existsSync(this.path)) return this.vanished(jobs);
    const fd = openSync(this.path, 'r');
    try {
      for (const line of readLines(fd, this.start, this.size)) {
        if (line.text.trim() === '') {
          if (jobs.length === 0) this.start = line.end;
          else end = line.end;
          continue;
        }
        const job = parseJob(line.text);
        if (job === null) {
          if (jobs.length > 0) break;
          this.setAside(line.text);
          this.start = line.end;
          this.lines--;
          continue;
        }
        jobs.push(job);
        end = line.end;
        if (jobs.length >= max) break;
      }
    } finally {
      closeSync(fd);
    }
    if (jobs.length === 0) {
      // Read to the end without a valid line: whatever the count said, nothing is left (and if
      // the file shrank under us, what vanished is not coming back either).
      this.lines = 0;
      this.start = this.size;
      this.compactQuietly();
    }
    return { jobs, bytes: Math.max(0, end - this.start) };
  }

  /** Removes `bytes` from the head, holding `count` entries (a batch read, or lines appended while the file was empty). */
  consume(bytes: number, count: number): void {
    this.start = Math.min(this.start + bytes, this.size);
    this.lines = Math.max(0, this.lines - count);
    const left = this.size - this.start;
    if (left >= ALWAYS_COMPACT_BELOW_BYTES && this.start < left * COMPACT_FRACTION) return;
    this.compactQuietly();
  }

  /** Drops the removed head from the disk: rewrite the rest atomically (temp + rename), or delete the file when nothing is left. */
  compact(): void {
    if (this.start === 0) return;
    if (this.start >= this.size || this.lines === 0) {
      removeIfExists(this.path);
      this.start = 0;
      this.size = 0;
      this.lines = 0;
      return;
    }
    const temp = `${this.path}.tmp`;
    const from = openSync(this.path, 'r');
    try {
      const to = openSync(temp, 'w', 0o600);
      try {
        const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
        let position = this.start;
        while (position < this.size) {
          const read = readSync(from, buffer, 0, Math.min(CHUNK_BYTES, this.size - position), position);
          if (read === 0) break;
          writeSync(to, buffer, 0, read);
          position += read;
        }
      } finally {
        closeSync(to);
      }
    } finally {
      closeSync(from);
    }
    renameSync(temp, this.path);
    this.size -= this.start;
    this.start = 0;
  }

  private compactQuietly(): void {
    try {
      this.compact();
    } catch {
      // The removal holds in memory; the next compaction (after the next batch, or at dispose) retries.
    }
  }

  private vanished(jobs: JobInput[]): SpillBatch {
    // Someone removed the file: what was in it is gone, and the counts must say so.
    this.start = 0;
    this.size = 0;
    this.lines = 0;
    return { jobs, bytes: 0 };
  }

  private setAside(text: string): void {
    this.corruptLines++;
    try {
      appendFileSync(`${this.path}.corrupt`, `${text}\n`, { mode: 0o600 });
    } catch {
      // Setting aside is for a human to look at later; failing to must not block the replay.
    }
  }

  private lastByte(): number {
    const fd = openSync(this.path, 'r');
    try {
      const one = Buffer.alloc(1);
      readSync(fd, one, 0, 1, fstatSync(fd).size - 1);
      return one[0] ?? NEWLINE;
    } finally {
      closeSync(fd);
    }
  }

  /** Counts non-blank lines without parsing them: the file is read lazily, batch by batch. */
  private countLines(): number {
    const fd = openSync(this.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      let count = 0;
      let lineHasContent = false;
      for (let position = 0; position < this.size; ) {
        const read = readSync(fd, buffer, 0, CHUNK_BYTES, position);
        if (read === 0) break;
        for (let i = 0; i < read; i++) {
          const byte = buffer[i];
          if (byte === NEWLINE) {
            if (lineHasContent) count++;
            lineHasContent = false;
          } else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
            lineHasContent = true;
          }
        }
        position += read;
      }
      return count;
    } finally {
      closeSync(fd);
    }
  }
}

/** Lines from `from` to `to` (each ending in a newline), with the offset just past each. */
function* readLines(fd: number, from: number, to: number): Generator<{ text: string; end: number }> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let pending: Buffer[] = [];
  for (let position = from; position < to; ) {
    const read = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, to - position), position);
    if (read === 0) return;
    let sliceStart = 0;
    for (let i = 0; i < read; i++) {
      if (buffer[i] !== NEWLINE) continue;
      pending.push(buffer.subarray(sliceStart, i));
      const end = position + i + 1;
      const text = Buffer.concat(pending).toString('utf8');
      pending = [];
      sliceStart = i + 1;
      yield { text, end };
    }
    // Copy: the buffer is reused for the next chunk.
    if (sliceStart < read) pending.push(Buffer.from(buffer.subarray(sliceStart, read)));
    position += read;
  }
}

/** A job as the daemon would accept it, or null for a corrupt line. */
function parseJob(text: string): JobInput | null {
  try {
    return jobInput(JSON.parse(text), 'job');
  } catch {
    return null;
  }
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
