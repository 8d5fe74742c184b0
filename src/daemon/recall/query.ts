// Free user text -> a safe FTS5 MATCH expression. Every word becomes a quoted string, so FTS5
// operators, column filters, parentheses and stray quotes in user input are plain text and can
// never raise a syntax error. Inside quotes FTS5 applies the table's tokenizer, so `foo-bar` or
// `a.b` become phrases and `snake_case` stays one token (tokenchars '_').
const TOKEN_CHAR = /[\p{L}\p{N}_]/u;
const MAX_TERMS = 16;

/** A quoted FTS5 string literal. */
export function quoteTerm(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/**
 * Words separated by whitespace, implicitly ANDed. A trailing `*` on a word with >= 2 token
 * characters asks for a prefix match (`"par"*`); a shorter prefix would touch most of the index,
 * so its star is dropped. Words with nothing searchable (`***`, `--`) are dropped. Returns null
 * when nothing searchable is left.
 */
export function toMatchQuery(text: string): string | null {
  const parts: string[] = [];
  for (const raw of text.split(/\s+/)) {
    if (parts.length >= MAX_TERMS) break;
    const prefix = /\*+$/.test(raw);
    const word = raw.replace(/\*+$/, '');
    const tokenChars = [...word].filter((ch) => TOKEN_CHAR.test(ch)).length;
    if (tokenChars === 0) continue;
    parts.push(prefix && tokenChars >= 2 ? `${quoteTerm(word)}*` : quoteTerm(word));
  }
  return parts.length > 0 ? parts.join(' ') : null;
}

/** An OR of whole terms (related memories). */
export function anyOf(terms: readonly string[]): string | null {
  const quoted = terms.filter((t) => TOKEN_CHAR.test(t)).map(quoteTerm);
  return quoted.length > 0 ? quoted.join(' OR ') : null;
}
