// Splits content into chunks of about 40 lines and at most 2 KB, on line boundaries, so each
// index row is small (cheap snippets, comparable bm25 lengths). A line longer than the byte cap is
// cut into pieces on code-point boundaries. Chunks keep their newlines: joined back in order they
// give the content exactly.
export const CHUNK_MAX_LINES = 40;
export const CHUNK_MAX_BYTES = 2048;

export function chunkContent(content: string, maxLines = CHUNK_MAX_LINES, maxBytes = CHUNK_MAX_BYTES): string[] {
  if (content.length === 0) return [];
  const chunks: string[] = [];
  let current = '';
  let currentBytes = 0;
  let currentLines = 0;
  const flush = () => {
    if (currentLines > 0) chunks.push(current);
    current = '';
    currentBytes = 0;
    currentLines = 0;
  };
  // Each piece is a line with its trailing newline (the last may lack one).
  for (const line of content.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    for (const piece of splitByBytes(line, maxBytes)) {
      const bytes = Buffer.byteLength(piece);
      if (currentLines > 0 && (currentLines >= maxLines || currentBytes + bytes > maxBytes)) flush();
      current += piece;
      currentBytes += bytes;
      currentLines++;
    }
  }
  flush();
  return chunks;
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
