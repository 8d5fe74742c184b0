// The time words the agent tools take for since/until, read into wall-clock epoch ms with the
// query language's own parser (src/shared/query-language.ts): `since` is `since:T` (a day: from
// its start) and `until` is `before:T` (a day: before its start), like the CLI's --since/--until,
// so `{since: "yesterday", until: "today"}` is all of yesterday. On top: `now`, ISO date-times
// (2025-06-01T14:30, with or without a zone) and an optional trailing "ago" (`2h ago`). Local time.
import { parseTimeWord } from '../shared/query-language';
import { QueryError } from '../shared/recall-query';
import { ToolInputError } from './tool-errors';

export const TIME_WORDS_HELP =
  'a duration back from now (30m, 2h, 3d, 2w), a date (2025-06-01) or date-time (2025-06-01T14:30), now, today, yesterday, or a weekday (monday)';

/** Epoch ms for `text` as a lower (`since`) or upper (`until`) bound; ToolInputError when unreadable. */
export function parseTimeBound(field: 'since' | 'until', text: string, now: number): number {
  const value = text.trim().replace(/\s+ago$/i, '').replace(/^(\d+)\s+(\w)/, '$1$2');
  const fail = () => new ToolInputError(`${field}: cannot read ${JSON.stringify(text)} as a time; use ${TIME_WORDS_HELP}`);
  if (value === '') throw fail();
  if (value.toLowerCase() === 'now') return now;
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/.test(value)) {
    const ms = Date.parse(value.replace(' ', 'T'));
    if (Number.isNaN(ms)) throw fail();
    return ms;
  }
  try {
    const range = parseTimeWord(field === 'since' ? 'since' : 'before', value, now, `${field}: ${value}`);
    const ms = field === 'since' ? range.since : range.until;
    if (ms === undefined) throw fail();
    return ms;
  } catch (error) {
    if (error instanceof QueryError) throw fail();
    throw error;
  }
}
