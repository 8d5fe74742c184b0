// Splits content into chunks on line boundaries, at most 2 KB and CHUNK_MAX_LINES lines each, so
// each index row is small (cheap snippets, comparable bm25 lengths). Boundaries are chosen by the
// content itself, not by position, so an edit changes the one or two chunks around it and every
// other chunk of the new version is byte-identical to one of the old version (the store keeps
// identical chunks once, memory-store.ts):
// - a chunk ends at the first boundary: a blank line followed by a line that starts in
//   column 0 (a top-level declaration, in most languages), or a line its hash picks (about 1 in
//   BOUNDARY_HASH_MODULUS: text without blank lines still gets cut points that depend on content
//   only);
// - a chunk that would pass the byte or line cap is cut right there (the only position-dependent
//   cut; the next boundary resynchronises, so an insertion still changes at most two chunks).
// No minimum length: a minimum makes a cut depend on where the chunk started, and on regular code
// (many small functions) an insertion then shifts every later chunk. Measured on this
// repository's history (398 versions, 2.7 MB): minimum 1 line keeps 1.12 MB of distinct chunk
// text in 2,442 rows, minimum 8 lines 1.21 MB in 1,675 rows, the old fixed 40-line chunks 2.0 MB.
// A line longer than the byte cap is cut into pieces on code-point boundaries. Chunks keep their
// newlines (and any '\r'): joined back in order they give the content exactly.
export const CHUNK_MAX_LINES = 60;
export const CHUNK_MAX_BYTES = 2048;
/** About one line in this many is also a boundary, chosen by its hash. */
const BOUNDARY_HASH_MODULUS = 16;

export function chunkContent(content: string, maxLines = CHUNK_MAX_LINES, maxBytes = CHUNK_MAX_BYTES): string[] {
  if (content.length === 0) return [];
  const pieces: string[] = [];
  // Each piece is a line with its trailing newline (the last may lack one).
  for (const line of content.match(/[^\n]*\n|[^\n]+$/g) ?? []) pieces.push(...splitByBytes(line, maxBytes));
  const bytes = pieces.map((p) => Buffer.byteLength(p));
  const chunks: string[] = [];
  let start = 0;
  while (start < pieces.length) {
    const end = chunkEnd(pieces, bytes, start, maxLines, maxBytes);
    chunks.push(pieces.slice(start, end).join(''));
    start = end;
  }
  return chunks;
}

/** The exclusive end of the chunk that starts at piece `start`. */
function chunkEnd(pieces: string[], bytes: number[], start: number, maxLines: number, maxBytes: number): number {
  let size = 0;
  for (let i = start; i < pieces.length; i++) {
    if (i > start && (i - start >= maxLines || size + bytes[i]! > maxBytes)) return i;
    size += bytes[i]!;
    const cut = i + 1; // a cut after piece i
    if (cut < pieces.length && isBoundary(pieces[i]!, pieces[cut]!)) return cut;
  }
  return pieces.length;
}

/**
 * Whether a chunk may end between these two lines. It depends on the two lines only, never on
 * where the chunk started: that is what makes two versions of a file cut at the same places.
 */
function isBoundary(before: string, after: string): boolean {
  const topLevel = before.trim().length === 0 && after.trim().length > 0 && !/^[\s)\]}]/.test(after);
  return topLevel || lineHash(before) % BOUNDARY_HASH_MODULUS === 0;
}

/** FNV-1a over the UTF-16 code units: cheap, stable across runs and platforms. */
function lineHash(line: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < line.length; i++) {
    h ^= line.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Cuts a string into pieces of at most maxBytes UTF-8 bytes without splitting a code point. */
function splitByBytes(text: string, maxBytes: number): string[] {
  if (Buffer.byteLength(text) <= maxBytes) return [text];
  const pieces: string[] = [];
  let piece = '';
  let bytes = 0;
  for (const ch of text) {
    const b = Buffer.byteLength(ch);
    if (bytes + b > maxBytes) {
      pieces.push(piece);
      piece = '';
      bytes = 0;
    }
    piece += ch;
    bytes += b;
  }
  if (piece) pieces.push(piece);
  return pieces;
}
