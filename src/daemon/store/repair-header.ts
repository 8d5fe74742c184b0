// A database whose 100-byte header is garbled ("file is not a database") still holds every page
// intact after it. For salvage only, a copy gets a header rebuilt from what is known: the magic,
// the page size (kept when the old one is still a valid size, else SQLite's default 4096), WAL
// versions (its -wal is copied along, so committed frames are read too), UTF-8, schema format 4,
// and a page count from the file size. The damaged original is never written to.
import { copyFileSync, existsSync, openSync, readSync, statSync, writeSync, closeSync } from 'node:fs';

const HEADER_BYTES = 100;
const DEFAULT_PAGE_SIZE = 4096;

function pageSizeOf(header: Buffer): number {
  const raw = header.readUInt16BE(16);
  const size = raw === 1 ? 65536 : raw;
  return size >= 512 && size <= 65536 && (size & (size - 1)) === 0 ? size : DEFAULT_PAGE_SIZE;
}

/** Writes `to` (and `to`-wal) as a copy of `from` with a rebuilt header. */
export function copyWithRebuiltHeader(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
  const fd = openSync(to, 'r+');
  try {
    const old = Buffer.alloc(HEADER_BYTES);
    readSync(fd, old, 0, HEADER_BYTES, 0);
    const pageSize = pageSizeOf(old);
    const h = Buffer.alloc(HEADER_BYTES);
    h.write('SQLite format 3\0', 0, 'latin1');
    h.writeUInt16BE(pageSize === 65536 ? 1 : pageSize, 16);
    h[18] = 2; // WAL write version
    h[19] = 2; // WAL read version
    h[21] = 64; // max embedded payload fraction (fixed)
    h[22] = 32; // min embedded payload fraction (fixed)
    h[23] = 32; // leaf payload fraction (fixed)
    h.writeUInt32BE(1, 24); // change counter
    h.writeUInt32BE(Math.max(1, Math.floor(statSync(to).size / pageSize)), 28); // page count
    h.writeUInt32BE(1, 40); // schema cookie
    h.writeUInt32BE(4, 44); // schema format
    h.writeUInt32BE(1, 56); // UTF-8
    h.writeUInt32BE(1, 92); // version-valid-for = change counter: the page count is trusted
    h.writeUInt32BE(3_045_000, 96);
    writeSync(fd, h, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
}
