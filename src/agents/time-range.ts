// The time words the agent tools take for since/until, read into wall-clock epoch ms. The same
// vocabulary as the query language's time filters (today, yesterday, weekday names, durations back
// from now, ISO dates and times), so an agent can say either `since: "2h"` or `since:2h` in the query.
// A day (today, monday, 2025-06-01) is its start as `since` and its end (the next midnight) as
// `until`, so `{since: "yesterday", until: "yesterday"}` is all of yesterday. Local time zone.
import { ToolInputError } from './tool-errors';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export const TIME_WORDS_HELP =
  'an ISO date or time (2025-06-01, 2025-06-01T14:30), a duration back from now (30m, 2h, 3d, 1w), now, today, yesterday, or a weekday name';

/** Epoch ms for `text` as a lower (`since`) or upper (`until`) bound; ToolInputError when unreadable. */
export function parseTimeBound(field: 'since' | 'until', text: string, now: number): number {
  const word = text.trim().toLowerCase().replace(/\s+ago$/, '');
  const fail = () => new ToolInputError(`${field}: cannot read ${JSON.stringify(text)} as a time; use ${TIME_WORDS_HELP}`);
  if (word === '') throw fail();
  if (word === 'now') return now;
  const duration = /^(\d{1,6})\s*(s|m|min|h|d|w)$/.exec(word);
  if (duration) return now - Number(duration[1]) * (UNIT_MS[duration[2] as string] as number);
  const day = dayStart(word, now);
  if (day !== undefined) return field === 'since' ? day : addDays(day, 1);
  if (/^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}/.test(word)) {
    const ms = Date.parse(text.trim().replace(' ', 'T'));
    if (!Number.isNaN(ms)) return ms;
  }
  throw fail();
}

/** Local midnight of a day word or an ISO date, else undefined. */
function dayStart(word: string, now: number): number | undefined {
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  if (word === 'today') return today.getTime();
  if (word === 'yesterday') return addDays(today.getTime(), -1);
  const weekday = WEEKDAYS.indexOf(word);
  if (weekday !== -1) {
    // The most recent such day: today if it is that day.
    const back = (today.getDay() - weekday + 7) % 7;
    return addDays(today.getTime(), -back);
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word);
  if (iso) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    const date = new Date(y, m - 1, d);
    if (date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d) return date.getTime();
  }
  return undefined;
}

/** Calendar days, not 24 h: a daylight-saving change keeps midnight at midnight. */
function addDays(ms: number, days: number): number {
  const date = new Date(ms);
  date.setDate(date.getDate() + days);
  return date.getTime();
}
