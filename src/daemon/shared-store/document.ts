// A memory as the shared store indexes it: a tsvector with the local store's tokenizer and
// identifier splitting (recall/identifiers.ts), so a query word and a stored token are normalised
// the same way on both stores. Pure.
//   weight A: whole tokens (the local `text` column), positions 1..n, so phrases work;
//   weight B: the parts of compound identifiers (the local `parts` column), after a gap, so a
//             phrase never runs from a token into a part.
// Its lexemes are also the vocabulary's words (typo candidates, shared migration 004).
// Postgres limits: a position is at most 16383 and a lexeme keeps at most 256 positions and 2047
// bytes; beyond that the tokens still match, their later positions are not kept.
import { chunkParts, indexTokens } from '../recall/identifiers';

const MAX_POS = 16383;
const MAX_POSITIONS_PER_LEXEME = 256;
const MAX_LEXEME_BYTES = 2047;

export interface SharedDocument {
  /** A tsvector literal (cast with ::tsvector). */
  terms: string;
}

/** A tsvector lexeme literal: quoted, with ' and \ escaped. */
export function lexeme(token: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export function sharedDocument(content: string, note: string | null): SharedDocument {
  const text = note ? `${content}\n${note}` : content;
  const tokens = indexTokens(text);
  const parts = chunkParts(text).split(' ').filter(Boolean);
  const positions = new Map<string, string[]>(); // lexeme -> ["1A", "7A", "9B"]
  const add = (token: string, pos: number, weight: 'A' | 'B') => {
    if (Buffer.byteLength(token) > MAX_LEXEME_BYTES) return;
    const list = positions.get(token) ?? [];
    const at = `${Math.min(pos, MAX_POS)}${weight}`;
    if (list.length < MAX_POSITIONS_PER_LEXEME && list[list.length - 1] !== at) list.push(at);
    positions.set(token, list);
  };
  tokens.forEach((t, i) => add(t, i + 1, 'A'));
  const partsStart = tokens.length + 2;
  parts.forEach((p, i) => add(p, partsStart + i, 'B'));
  const terms = [...positions].map(([t, list]) => `${lexeme(t)}:${list.join(',')}`).join(' ');
  return { terms };
}
