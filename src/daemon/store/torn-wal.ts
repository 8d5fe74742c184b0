// A torn WAL: the process or the machine died in the middle of appending a frame. SQLite itself
// replays only the frames up to the last valid commit (each frame carries a checksum) and drops the
// tail, so nothing committed and synced is lost; what was cut off was a transaction in flight.
// Looked at before the open (the open may checkpoint and reset the file), only to tell the user.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

/** A description when `<db>-wal` ends in a partial frame, else null. */
export function tornWalTail(databasePath: string): string | null {
  const wal = `${databasePath}-wal`;
  if (!existsSync(wal) || !existsSync(databasePath)) return null;
  const size = statSync(wal).size;
  if (size === 0) return null;
  const header = Buffer.alloc(WAL_HEADER_BYTES);
  const fd = openSync(wal, 'r');
  try {
    if (readSync(fd, header, 0, WAL_HEADER_BYTES, 0) < WAL_HEADER_BYTES) return `the write-ahead log is ${size} bytes, shorter than its header: it was cut off and is ignored`;
  } finally {
    closeSync(fd);
  }
  const pageSize = header.readUInt32BE(8);
  if (pageSize < 512 || pageSize > 65536) return null; // not a WAL SQLite wrote: SQLite ignores it
  const frames = (size - WAL_HEADER_BYTES) / (FRAME_HEADER_BYTES + pageSize);
  if (Number.isInteger(frames)) return null;
  return `the write-ahead log ends in a torn write (${size} bytes, ${Math.floor(frames)} whole frames): the transaction being written when the last run died was discarded; everything committed before it is kept`;
}
