// Typo candidates: vocabulary terms within Damerau-Levenshtein distance 1 of a query word (2 for
// words of 8+ characters), found without scanning the vocabulary.
//
// Why it is bounded: the vocabulary is keyed (len, term). A candidate within distance d has a
// length within len +- d, and almost always the same first character; so the lookup reads, for
// each of the 2d+1 lengths, only the terms of that exact length starting with the word's first
// character: 2d+1 index ranges, each a small slice (the vocabulary split by first character and
// by length), never the whole table. A typo in the first character is covered by probing its
// explicit single edits (substitute, insert or delete the first character, swap the first two):
// about 75 primary-key probes in one statement. Known gap: a first-character typo *plus* a second
// typo (only possible for 8+ letter words) is not found.
import type { SqlDatabase } from '../store/sql';
import { vocabularyHas, vocabularySlice } from '../store/vocabulary';
import { damerauLevenshtein } from './edit-distance';

/** Query words shorter than this are never corrected (too many neighbours to be a useful guess). */
export const TYPO_MIN_LENGTH = 4;
/** Words this long may be two edits away. */
const TYPO_TWO_EDITS_LENGTH = 8;
/** At most this many corrections per word go into the query (closest first). */
export const MAX_CANDIDATES = 8;

const ALPHABET = [...'abcdefghijklmnopqrstuvwxyz0123456789_'];

export interface TypoCandidate {
  term: string;
  distance: number;
}

export function maxTypoDistance(word: string): number {
  return [...word].length >= TYPO_TWO_EDITS_LENGTH ? 2 : 1;
}

/** The explicit edits of the first character (and the first swap) of a word. */
function firstCharacterEdits(chars: string[]): string[] {
  const rest = chars.slice(1).join('');
  const word = chars.join('');
  const alphabet = new Set([...ALPHABET, ...chars]);
  const out = new Set<string>([rest]); // deleted first character
  for (const a of alphabet) {
    out.add(a + rest); // substituted
    out.add(a + word); // inserted before
  }
  if (chars.length >= 2) out.add(chars[1]! + chars[0]! + chars.slice(2).join('')); // swapped
  out.delete(word);
  return [...out].filter((t) => t.length > 0);
}

/** Candidates for a normalised word (lowercase) at the smallest distance found, at most MAX_CANDIDATES; never the word itself. */
export function typoCandidates(db: SqlDatabase, word: string): TypoCandidate[] {
  const chars = [...word];
  if (chars.length < TYPO_MIN_LENGTH) return [];
  const max = maxTypoDistance(word);
  const found = new Map<string, number>();
  const consider = (term: string) => {
    if (term === word || found.has(term)) return;
    const d = damerauLevenshtein(word, term, max);
    if (d <= max) found.set(term, d);
  };
  for (let len = chars.length - max; len <= chars.length + max; len++) {
    if (len < 1) continue;
    for (const term of vocabularySlice(db, len, chars[0]!)) consider(term);
  }
  for (const term of vocabularyHas(db, firstCharacterEdits(chars))) consider(term);
  // Only the closest: a 12-letter word with one swap has one term at distance 1 and often a dozen
  // at distance 2 (removelease4 -> removelease1..9), which only dilute the typo tier and make it
  // rank their matches too (140 ms of a 170 ms query at 1M chunks).
  const closest = Math.min(...found.values());
  return [...found.entries()]
    .filter(([, d]) => d === closest)
    .map(([term, distance]) => ({ term, distance }))
    // Closest first; among equals a same-length term (a substitution or swap, the commonest typos), then alphabetical for stable output.
    .sort((a, b) => a.distance - b.distance || Number(lengthOf(a.term) !== chars.length) - Number(lengthOf(b.term) !== chars.length) || (a.term < b.term ? -1 : 1))
    .slice(0, MAX_CANDIDATES);
}

/** Length in code points, as SQLite's length() counts the vocabulary's `len`. */
function lengthOf(s: string): number {
  return [...s].length;
}
