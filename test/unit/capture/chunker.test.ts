import { describe, expect, it } from 'vitest';
import { CHUNK_MAX_BYTES, CHUNK_MAX_LINES, chunkContent } from '../../../src/daemon/capture/chunker';
import { mulberry32 } from '../../helpers/mulberry32';

const lines = (n: number, width = 10) => Array.from({ length: n }, (_, i) => `${String(i).padStart(width, 'x')}`).join('\n');

/** A source-like file: `n` top-level functions of a few lines each, separated by blank lines. */
const sourceFile = (n: number, tag = '') =>
  Array.from({ length: n }, (_, i) => `export function f${i}${tag}(a: number): number {\n  const x = a * ${i};\n  return x + ${i};\n}\n`).join('\n');


describe('chunker', () => {
  it('chunks hold at most CHUNK_MAX_LINES lines and split on line boundaries', () => {
    const chunks = chunkContent(lines(300));
    expect(chunks.length).toBeGreaterThan(300 / CHUNK_MAX_LINES);
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

  it('every top-level declaration after a blank line starts a chunk', () => {
    const chunks = chunkContent(sourceFile(20));
    expect(chunks.filter((c) => c.startsWith('export function'))).toHaveLength(20);
  });

  it('an insertion in the middle of a file changes at most two chunks', () => {
    const rnd = mulberry32(9);
    const bodies = [sourceFile(80), lines(400, 30), sourceFile(40).replace(/\n\n/g, "\n")];
    for (const body of bodies) {
      for (let round = 0; round < 20; round++) {
        const ls = body.split('\n');
        const at = 1 + Math.floor(rnd() * (ls.length - 2));
        const inserted = Array.from({ length: 1 + Math.floor(rnd() * 5) }, (_, k) => `  inserted${round}_${k}();`);
        const edited = [...ls.slice(0, at), ...inserted, ...ls.slice(at)].join('\n');
        const before = new Set(chunkContent(body));
        const changed = chunkContent(edited).filter((c) => !before.has(c));
        expect(changed.length, `insertion at line ${at} of body ${bodies.indexOf(body)}`).toBeLessThanOrEqual(2);
      }
    }
  });

  it('joined chunks give back the content exactly, over random edits (unicode, CRLF, no trailing newline, a huge line)', () => {
    const rnd = mulberry32(42);
    const alphabet = ['a', 'Z', ' ', '\n', '\n', '\r\n', '\t', 'é', '日本', '🦔', '{', '}', '_', '0', '\n\n'];
    let content = '';
    for (let round = 0; round < 300; round++) {
      const op = rnd();
      const at = Math.floor(rnd() * (content.length + 1));
      if (op < 0.6) {
        const n = Math.floor(rnd() * 200);
        let piece = '';
        for (let i = 0; i < n; i++) piece += alphabet[Math.floor(rnd() * alphabet.length)]!;
        content = content.slice(0, at) + piece + content.slice(at);
      } else if (op < 0.9) {
        content = content.slice(0, at) + content.slice(at + Math.floor(rnd() * 300));
      } else {
        content = content.slice(0, at) + 'x'.repeat(5000 + Math.floor(rnd() * 5000)) + content.slice(at);
      }
      const chunks = chunkContent(content);
      expect(chunks.join('')).toBe(content);
      for (const c of chunks) {
        expect(c.length).toBeGreaterThan(0);
        expect(Buffer.byteLength(c)).toBeLessThanOrEqual(CHUNK_MAX_BYTES);
      }
    }
  });
});
