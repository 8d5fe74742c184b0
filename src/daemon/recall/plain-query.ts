// Plain search text -> a ParsedQuery, for callers that have no query language (the bench's
// baseline words, the tests' searchMemories): words split on whitespace, no filters, no negation, no
// quotes. The last word is a prefix (search as you type) unless the text ends with a space; a
// trailing `*` (the old prefix syntax) makes any word a prefix.
import type { ParsedQuery, QueryFilters, QueryTerm } from '../../shared/recall-query';

export function plainQuery(text: string, filters: QueryFilters = {}): ParsedQuery {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const trailingSpace = /\s$/.test(text);
  const terms: QueryTerm[] = words.map((raw, i) => {
    const starred = /\*+$/.test(raw);
    const word = raw.replace(/\*+$/, '');
    return { text: word, phrase: false, negated: false, prefix: starred || (i === words.length - 1 && !trailingSpace) };
  });
  return { terms: terms.filter((t) => t.text.length > 0), filters, filterLabels: [] };
}
