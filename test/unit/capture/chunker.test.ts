import { describe, expect, it } from 'vitest';
import { CHUNK_MAX_BYTES, CHUNK_MAX_LINES, chunkContent } from '../../../src/daemon/capture/chunker';

const lines = (n: number, width = 10) => Array.from({ length: n }, (_, i) => `${String(i).padStart(width, 'x')}`).join('\n');

describe('chunker', () => {
  it('chunks hold at most 40 lines and split on line boundaries', () => {
    const chunks = chunkContent(lines(100));
    expect(chunks).toHaveLength(3);
    for (const c of chunks) expect(c.split('\n').filter(Boolean).length).toBeLessThanOrEqual(CHUNK_MAX_LINES);
    expect(chunks[0]!.endsWith('\n')).toBe(true);
  });

  it('chunks are at most 2 KB', () => {
    const chunks = chunkContent(lines(200, 300));
    for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(CHUNK_MAX_BYTES);
  });

  it('a very long line is split, even in multi-byte text', () => {
    const content = 'é'.repeat(5000);
    const chunks = chunkContent(content);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(CHUNK_MAX_BYTES);
    expect(chunks.join('')).toBe(content);
  });

  it('joined chunks give back the content exactly', () => {
    const content = `${lines(95, 40)}\n\n\nlast line without newline`;
    expect(chunkContent(content).join('')).toBe(content);
  });

  it('empty content has no chunks', () => {
    expect(chunkContent('')).toEqual([]);
  });
});
