// TEMPORARY stand-in for src/shared/query-language.ts's parseQuery (being written on the daemon
// side), with the same signature, so the quick pick can validate as the user types. It knows only
// enough to reject bad filter values and to list terms and filter labels for the "what to loosen"
// hint; the daemon parses for real. Delete once parseQuery is on main (swap the one import).
import type { MemoryKind } from '../../shared/protocol';
import { type ParsedQuery, type QueryContext, QueryError, type QueryTerm } from '../../shared/recall-query';

const KINDS: readonly string[] = ['file', 'selection', 'terminal', 'text'];
const TIME_WORDS = new Set(['today', 'yesterday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);

export function parseQuery(text: string, _ctx: QueryContext): ParsedQuery {
  const words = text.match(/-?"[^"]*"?|\S+/g) ?? [];
  const endsWithSpace = /\s$/.test(text);
  const terms: QueryTerm[] = [];
  const filterLabels: string[] = [];
  const filters: ParsedQuery['filters'] = {};
  words.forEach((word, i) => {
    const m = /^(kind|in|lang|since|after|before|on):(.*)$/i.exec(word);
    if (m) {
      const [, key, value] = m as unknown as [string, string, string];
      if (!value) throw new QueryError(word, `${word} needs a value`);
      if (key.toLowerCase() === 'kind') {
        if (!KINDS.includes(value.toLowerCase())) throw new QueryError(word, `kind: is one of ${KINDS.join(', ')} (got "${value}")`);
        filters.kind = value.toLowerCase() as MemoryKind;
      }
      if (['since', 'after', 'before', 'on'].includes(key.toLowerCase()) && !/^\d+[mhdw]$/.test(value) && !TIME_WORDS.has(value.toLowerCase()) && Number.isNaN(Date.parse(value))) {
        throw new QueryError(word, `${key}: expects a date (2026-11-23), a day (yesterday, monday) or an age (3d, 2h), got "${value}"`);
      }
      filterLabels.push(word);
      return;
    }
    if (word.toLowerCase() === 'failed' || TIME_WORDS.has(word.toLowerCase())) {
      filterLabels.push(word.toLowerCase());
      return;
    }
    const negated = word.startsWith('-') && word.length > 1;
    const body = negated ? word.slice(1) : word;
    const phrase = body.startsWith('"');
    terms.push({ text: phrase ? body.replace(/^"|"$/g, '') : body, phrase, negated, prefix: !phrase && i === words.length - 1 && !endsWithSpace });
  });
  return { terms, filters, filterLabels };
}
