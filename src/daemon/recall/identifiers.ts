// Identifier splitting, shared by indexing (the `parts` column, the vocabulary) and querying, so a
// query word and an index token are always normalised the same way. Pure: no I/O.
//
// The index tokenizer is FTS5 `unicode61 tokenchars '_'` (remove_diacritics 1): a token is a run of
// letters, digits and '_', case-folded, with diacritics removed. indexTokens() reproduces that in
// JS, so a token computed here equals the token FTS5 stores (the vocabulary and the typo
// candidates depend on it).

/** A run of token characters as unicode61 with tokenchars '_' sees it (letters, digits, private use, '_'). */
// Combining marks: only the diacritics block (U+0300-U+036F) continues a token (and is folded
// away); other marks (a Devanagari virama or vowel sign) separate tokens, as in unicode61.
const TOKEN_RUN = /[\p{L}\p{N}\p{Co}\u0300-\u036f_]+/gu;
const LATIN_RUN = /[\p{Script=Latin}\u0300-\u036f]+/gu;
const DIACRITICS = /[\u0300-\u036f]/g;
/** Printable ASCII text (and tab, newlines): NFC and diacritic folding change nothing, so the fast paths skip them. */
const ASCII = /^[ -~\t\n\r]*$/;

/**
 * Lowercase and strip diacritics, like unicode61 (remove_diacritics 1) does: `Café` -> `cafe`.
 * Only Latin letters are decomposed and lose their marks; other scripts are kept as written.
 */
export function normalizeToken(token: string): string {
  if (ASCII.test(token)) return token.toLowerCase(); // the common case; same result, no regex replace
  return token.replace(LATIN_RUN, (run) => run.normalize('NFD').replace(DIACRITICS, '')).toLowerCase();
}

/** The tokens FTS5 indexes for `text` in the `text` column, normalised, in order (duplicates kept). */
export function indexTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN_RUN)) {
    const token = normalizeToken(m[0]);
    if (token.length > 0) out.push(token);
  }
  return out;
}

// One identifier part, tried in this order at each position:
// - an upper-case run followed by Upper+lower: the acronym of `HTTPServer` (HTTP, then Server);
// - an optional capital and lower-case letters: `retry`, `Delays`, `Ms`;
// - an upper-case run: `SCREAMING`, a trailing acronym `parseURL`;
// - digits: `HTTPServer2` -> 2;
// - other letters (CJK, title case, modifiers) as one run.
const PART = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?[\p{Ll}\p{M}]+|[\p{Lu}\p{M}]+|\p{N}+|[\p{Lo}\p{Lm}\p{Lt}\p{Co}\p{M}]+/gu;

/**
 * The parts of one identifier, normalised, in order: camelCase, PascalCase, snake_case, kebab-case,
 * SCREAMING_CASE and digit boundaries. `retryDelaysMs` -> retry, delays, ms; `HTTPServer2` ->
 * http, server, 2; `task_path`, `TaskPath`, `task-path` -> task, path. A plain word is one part.
 * Case boundaries are read before lowercasing (so the input must keep the user's case).
 */
export function splitIdentifier(word: string): string[] {
  const parts: string[] = [];
  for (const m of (ASCII.test(word) ? word : word.normalize('NFC')).matchAll(PART)) {
    const part = normalizeToken(m[0]);
    if (part.length > 0) parts.push(part);
  }
  return parts;
}

/**
 * The `parts` column of a chunk: the parts of each compound identifier (two or more parts), in
 * order of appearance, space-separated. Plain words are left out (the `text` column already has
 * them), so the column stays small and a phrase of parts ("task path") only matches compounds.
 */
export function chunkParts(text: string): string {
  const out: string[] = [];
  for (const m of (ASCII.test(text) ? text : text.normalize('NFC')).matchAll(TOKEN_RUN)) {
    const parts = splitIdentifier(m[0]);
    if (parts.length >= 2) out.push(...parts);
  }
  return out.join(' ');
}

/** Distinct vocabulary terms of a chunk: its whole tokens and the parts of its compounds. */
export function vocabularyTerms(text: string, parts: string): string[] {
  const terms = new Set(indexTokens(text));
  for (const p of parts.split(' ')) if (p) terms.add(p);
  return [...terms];
}
