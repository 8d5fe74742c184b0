// The recall query language: text such as `jitter upload yesterday kind:terminal -flaky` becomes
// a ParsedQuery (src/shared/recall-query.ts). One parser for every surface (quick pick, CLI, IPC
// `recall`, agent tools). No I/O, no `vscode`: the clock and the roots come in a QueryContext, and
// time words are read in the process's local time zone. The language is documented in docs/cli.md.
//
//   word            a term; the last word, when the text does not end with a space, is also a prefix
//   "exact phrase"  one exact phrase (an unterminated quote runs to the end of the text)
//   -word -"a b"    leave out memories containing it
//   kind:K          file, selection, terminal or text
//   in:PATH         a folder or file; relative to the first root; several in: are alternatives
//   lang:ID         a language id or file extension (lowercased, a leading dot dropped)
//   failed          terminal commands with a non-zero exit code
//   since:T after:T before:T on:DAY, today, yesterday, monday..sunday, YYYY-MM-DD
//
// A filter word written in quotes is plain text ("failed", "today", "kind:file"); a known key with
// a bad value is a QueryError; an unknown key (`foo:bar`, `http://x`) is plain text.
import { posix, win32 } from 'node:path';
import type { MemoryKind } from './protocol';
import { type ParsedQuery, type QueryContext, QueryError, type QueryFilters, type QueryTerm } from './recall-query';

export const MEMORY_KINDS: readonly MemoryKind[] = ['file', 'selection', 'terminal', 'text'];

/** The time keys: `since:` and `after:` give a lower bound, `before:` an upper one, `on:` one local day. */
export type TimeKey = 'since' | 'after' | 'before' | 'on';

/** A half-open interval of wall-clock epoch ms: since inclusive, until exclusive. */
export interface TimeRange {
  since?: number;
  until?: number;
}

const FILTER_KEYS = new Set(['kind', 'in', 'lang', 'since', 'after', 'before', 'on']);
/** Indexed by Date#getDay(). */
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const WEEKDAYS_SHORT = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DURATION = /^(\d+)(m|h|d|w)$/;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const TIME_ACCEPTS = 'a duration (30m, 2h, 3d, 2w), a date (YYYY-MM-DD), today, yesterday or a weekday (monday or mon)';
const DAY_ACCEPTS = 'a day: a date (YYYY-MM-DD), today, yesterday or a weekday (monday or mon)';

interface Token {
  /** The token as typed (for labels and errors). */
  raw: string;
  /** Quoted phrase: its text without the quotes. */
  phrase?: string;
  negated: boolean;
  /** `key:"quoted value"`. */
  key?: string;
  value?: string;
  /** Ends the text with no whitespace after it. */
  atEnd: boolean;
}

/** Splits on whitespace; a `"` starts a phrase (to the next `"` or the end), also after `-` or a filter key. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  const space = (i: number) => /\s/.test(text[i] as string);
  /** The index after the phrase that opens at `open`, and its text. */
  const phraseAt = (open: number) => {
    const close = text.indexOf('"', open + 1);
    return close === -1 ? { end: n, inner: text.slice(open + 1) } : { end: close + 1, inner: text.slice(open + 1, close) };
  };
  let i = 0;
  while (i < n) {
    if (space(i)) {
      i++;
      continue;
    }
    const start = i;
    const negated = text[i] === '-' && text[i + 1] === '"';
    if (negated) i++;
    if (text[i] === '"') {
      const { end, inner } = phraseAt(i);
      tokens.push({ raw: text.slice(start, end), phrase: inner, negated, atEnd: end === n });
      i = end;
      continue;
    }
    let j = i;
    while (j < n && !space(j) && text[j] !== '"') j++;
    const word = text.slice(i, j);
    const keyed = /^(-?)([A-Za-z]+):$/.exec(word);
    if (keyed && text[j] === '"' && FILTER_KEYS.has((keyed[2] as string).toLowerCase())) {
      const { end, inner } = phraseAt(j);
      tokens.push({ raw: text.slice(start, end), negated: keyed[1] === '-', key: (keyed[2] as string).toLowerCase(), value: inner, atEnd: end === n });
      i = end;
      continue;
    }
    tokens.push({ raw: word, negated: false, atEnd: j === n });
    i = j;
  }
  return tokens;
}

/** A filter word: `key:value` with a known key, or a bare filter word. Null for plain text. */
function asFilter(body: string): { key: string; value: string } | { bare: string } | null {
  const colon = body.indexOf(':');
  if (colon > 0) {
    const key = body.slice(0, colon).toLowerCase();
    if (FILTER_KEYS.has(key)) return { key, value: body.slice(colon + 1) };
    return null;
  }
  const lower = body.toLowerCase();
  if (lower === 'failed' || lower === 'today' || lower === 'yesterday' || (WEEKDAYS as readonly string[]).includes(lower)) return { bare: lower };
  if (ISO_DATE.test(body)) return { bare: body };
  return null;
}

/**
 * Parses query text. Throws QueryError for a bad filter value (`since:banana`, `kind:folder`,
 * `on:2026-13-45`), a filter with a leading `-`, a relative `in:` without roots, and filters that
 * leave nothing (two kinds, time words that do not overlap).
 */
export function parseQuery(text: string, ctx: QueryContext): ParsedQuery {
  const terms: QueryTerm[] = [];
  const filters: QueryFilters = {};
  const filterLabels: string[] = [];
  const tokens = tokenize(text);
  const label = (word: string) => {
    if (!filterLabels.includes(word)) filterLabels.push(word);
  };
  tokens.forEach((token, index) => {
    const last = index === tokens.length - 1;
    if (token.phrase !== undefined) {
      const phrase = token.phrase.trim();
      if (phrase) terms.push({ text: phrase, phrase: true, negated: token.negated, prefix: false });
      return;
    }
    let key: string | undefined = token.key;
    let value: string | undefined = token.value;
    let bare: string | undefined;
    let negated = token.negated;
    let body = token.raw;
    if (key === undefined) {
      if (body === '-') return;
      if (body.startsWith('-')) {
        negated = true;
        body = body.slice(1);
      }
      const filter = asFilter(body);
      if (filter && 'key' in filter) ({ key, value } = filter);
      else if (filter) bare = filter.bare;
      else {
        terms.push({ text: body, phrase: false, negated, prefix: last && token.atEnd && !negated });
        return;
      }
    }
    const word = token.raw;
    if (negated) {
      const inner = word.slice(1);
      throw new QueryError(word, `${word}: a filter cannot be left out with -; to leave out memories that contain the text, quote it: -"${inner.replace(/"/g, '')}"`);
    }
    if (bare !== undefined) {
      applyBare(filters, bare, word, ctx.now);
      label(bare);
      return;
    }
    const k = key as string;
    const v = value as string;
    switch (k) {
      case 'kind': {
        const kind = parseKind(v, word);
        intersectKind(filters, kind, word);
        label(`kind:${kind}`);
        return;
      }
      case 'lang': {
        const language = parseLanguage(v, word);
        if (filters.language !== undefined && filters.language !== language) {
          throw new QueryError(word, `${word}: a memory has one language, and the query already asks for lang:${filters.language}`);
        }
        filters.language = language;
        label(`lang:${language}`);
        return;
      }
      case 'in': {
        const path = resolveInPath(v, ctx.roots, word);
        filters.paths = filters.paths ?? [];
        if (!filters.paths.includes(path)) filters.paths.push(path);
        label(`in:${v}`);
        return;
      }
      default: {
        intersectTime(filters, parseTimeWord(k as TimeKey, v, ctx.now, word), word);
        label(`${k}:${v.toLowerCase()}`);
      }
    }
  });
  return { terms, filters, filterLabels };
}

function applyBare(filters: QueryFilters, bare: string, word: string, now: number): void {
  if (bare === 'failed') {
    if (filters.kind !== undefined && filters.kind !== 'terminal') {
      throw new QueryError(word, `${word}: failed means terminal commands, and the query already asks for kind:${filters.kind}`);
    }
    filters.failed = true;
    return;
  }
  intersectTime(filters, parseTimeWord('on', bare, now, word), word);
}

/** `kind:` values. Throws QueryError naming `word` and the accepted kinds. */
export function parseKind(value: string, word = `kind:${value}`): MemoryKind {
  const kind = value.toLowerCase();
  if ((MEMORY_KINDS as readonly string[]).includes(kind)) return kind as MemoryKind;
  const accepted = word.startsWith('-') ? MEMORY_KINDS.join(', ') : MEMORY_KINDS.map((k) => `kind:${k}`).join(', ');
  throw new QueryError(word, `${word}: expected ${accepted}`);
}

function parseLanguage(value: string, word: string): string {
  const language = value.toLowerCase().replace(/^\.+/, '');
  if (!language) throw new QueryError(word, `${word}: expected a language id or file extension, e.g. lang:ts or lang:python`);
  return language;
}

/** ANDs a kind into filters: a different kind already there (or `failed` with a kind other than terminal) is a QueryError. */
export function intersectKind(filters: QueryFilters, kind: MemoryKind, word: string): void {
  if (filters.kind !== undefined && filters.kind !== kind) {
    throw new QueryError(word, `${word}: a memory has one kind, and the query already asks for kind:${filters.kind}`);
  }
  if (filters.failed && kind !== 'terminal') {
    throw new QueryError(word, `${word}: the query asks for failed terminal commands, which are kind:terminal`);
  }
  filters.kind = kind;
}

/** ANDs a time range into filters (since: the later bound, until: the earlier); QueryError when no time is left. */
export function intersectTime(filters: QueryFilters, range: TimeRange, word: string): void {
  const since = range.since === undefined ? filters.since : Math.max(range.since, filters.since ?? range.since);
  const until = range.until === undefined ? filters.until : Math.min(range.until, filters.until ?? range.until);
  if (since !== undefined && until !== undefined && since >= until) {
    throw new QueryError(word, `${word}: no time is both from ${describeTime(since)} on and before ${describeTime(until)}; drop one of the time words`);
  }
  if (since !== undefined) filters.since = since;
  if (until !== undefined) filters.until = until;
}

// ---- time ----

/** Local midnight of the day `days` after the local day of `ms` (negative: before). */
function dayStart(ms: number, days = 0): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

/** The local day a day word names, as the epoch ms of its midnight; undefined when it is no day word. */
function dayOf(value: string, now: number, word: string): number | undefined {
  const lower = value.toLowerCase();
  if (lower === 'today') return dayStart(now);
  if (lower === 'yesterday') return dayStart(now, -1);
  let weekday = (WEEKDAYS as readonly string[]).indexOf(lower);
  if (weekday === -1) weekday = (WEEKDAYS_SHORT as readonly string[]).indexOf(lower);
  if (weekday !== -1) {
    // The most recent such day; today's own name means today.
    const back = (new Date(now).getDay() - weekday + 7) % 7;
    return dayStart(now, -back);
  }
  const iso = ISO_DATE.exec(value);
  if (!iso) return undefined;
  const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  const date = new Date(y, m - 1, d);
  if (y < 1970 || date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) {
    throw new QueryError(word, `${word}: ${value} is not a date; expected YYYY-MM-DD, e.g. 2026-11-30`);
  }
  return date.getTime();
}

/** `30m`, `2h` (exact) and `3d`, `2w` (the same local clock time that many days ago). Undefined when it is no duration. */
function durationAgo(value: string, now: number, word: string): number | undefined {
  const m = DURATION.exec(value.toLowerCase());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new QueryError(word, `${word}: a duration is a whole number from 1, e.g. 30m, 2h, 3d, 2w`);
  const unit = m[2];
  if (unit === 'm') return Math.max(0, now - n * MINUTE);
  if (unit === 'h') return Math.max(0, now - n * HOUR);
  const days = unit === 'w' ? n * 7 : n;
  if (days > 100 * 366) return 0;
  const d = new Date(now);
  return Math.max(0, new Date(d.getFullYear(), d.getMonth(), d.getDate() - days, d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()).getTime());
}

/**
 * One time word as a range, relative to `now` in the local time zone:
 * since:T from T on (a day: from its start); after:T from T on (a day: from the end of that day);
 * before:T before T (a day: before its start); on:DAY that day only. T is a duration ago, a date,
 * today, yesterday or a weekday (the most recent one, today included). `word` names the input in errors.
 */
export function parseTimeWord(key: TimeKey, value: string, now: number, word = `${key}:${value}`): TimeRange {
  const day = dayOf(value, now, word);
  if (day !== undefined) {
    const next = dayStart(day, 1);
    if (key === 'since') return { since: day };
    if (key === 'after') return { since: next };
    if (key === 'before') return { until: day };
    return { since: day, until: next };
  }
  if (key !== 'on') {
    const point = durationAgo(value, now, word);
    if (point !== undefined) return key === 'before' ? { until: point } : { since: point };
  }
  throw new QueryError(word, `${word}: expected ${key === 'on' ? DAY_ACCEPTS : TIME_ACCEPTS}`);
}

/** A wall-clock time for people, in local time: `2026-11-30` at midnight, else `2026-11-30 14:05`. */
export function describeTime(ms: number): string {
  const d = new Date(ms);
  const pad = (x: number) => String(x).padStart(2, '0');
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const midnight = d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0;
  return midnight ? date : `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// ---- paths ----

const WINDOWS_ABSOLUTE = /^(?:[A-Za-z]:[\\/]|\\\\)/;

function flavour(path: string): typeof posix {
  return WINDOWS_ABSOLUTE.test(path) ? win32 : posix;
}

function stripTrailingSeparator(path: string, p: typeof posix): string {
  const root = p.parse(path).root;
  let out = path;
  while (out.length > root.length && (out.endsWith('/') || (p === win32 && out.endsWith('\\')))) out = out.slice(0, -1);
  return out;
}

/**
 * `in:PATH` as an absolute, normalised path without a trailing separator. Absolute paths (POSIX,
 * or Windows with a drive letter or UNC) are kept; a relative one joins the first root with that
 * root's own flavour. `~` is not expanded (that needs the home folder): it is a QueryError, as is a
 * relative path without roots.
 */
export function resolveInPath(value: string, roots: readonly string[] | undefined, word = `in:${value}`): string {
  if (!value.trim()) throw new QueryError(word, `${word}: expected a folder or file, e.g. in:src/daemon or in:/home/me/project`);
  if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) {
    throw new QueryError(word, `${word}: ~ is not expanded here; give an absolute path or one relative to the workspace folder`);
  }
  if (WINDOWS_ABSOLUTE.test(value)) return stripTrailingSeparator(win32.normalize(value), win32);
  if (value.startsWith('/')) return stripTrailingSeparator(posix.normalize(value), posix);
  const root = roots?.[0];
  if (root === undefined) throw new QueryError(word, `${word}: a relative path needs a workspace folder; give an absolute path`);
  const p = flavour(root);
  return stripTrailingSeparator(p.join(root, value), p);
}

/** Whether `path` is `folder` itself or inside it (whole path segments; Windows paths compare case-insensitively). */
export function isPathWithin(path: string, folder: string): boolean {
  const windows = WINDOWS_ABSOLUTE.test(folder);
  const [a, b] = windows ? [path.toLowerCase(), folder.toLowerCase()] : [path, folder];
  if (a === b) return true;
  if (!a.startsWith(b)) return false;
  if (b.endsWith('/') || (windows && b.endsWith('\\'))) return true;
  const next = a[b.length];
  return next === '/' || (windows && next === '\\');
}
