// ParsedQuery terms -> the FTS5 MATCH expression of each tier. Pure. Every user string goes
// through quoteTerm, so no user text can ever be FTS5 syntax; column filters, OR, NOT, `*` and
// parentheses come only from here.
//
// Columns: `text` holds whole tokens, `parts` the identifier parts of compounds (migration 004).
// A quoted string unfiltered matches in either column; FTS5 tokenizes inside the quotes, so
// `"task-path"` is the phrase task path and `"taskPath"` the token taskpath.
import type { QueryTerm } from '../../shared/recall-query';
import { indexTokens, splitIdentifier } from './identifiers';
import { quoteTerm } from './query';

export const MAX_TERMS = 16;
/**
 * The shortest word matched as a prefix while typing. The index keeps prefixes of 3 characters
 * (migration 005): a 2-character prefix would merge the lists of every term starting so, which at
 * 1M chunks took 2 s, and indexing them cost 15 % of the store. Two letters typed match whole words.
 */
export const MIN_PREFIX = 3;
/** A joined identifier form (`task_pa`) is long whatever its last part: that part needs only this much. */
const MIN_LAST_PART = 2;

/** One searchable word or phrase with what matching needs precomputed. */
export interface PlannedTerm {
  term: QueryTerm;
  /** The index tokens of the text (one for a plain word or identifier; more for `a.b`, `task-path`, phrases). */
  tokens: string[];
  /** Identifier parts (retryDelaysMs -> retry, delays, ms); for a plain word, the word. */
  parts: string[];
}

export interface QueryPlan {
  positive: PlannedTerm[];
  negated: PlannedTerm[];
}

export function planTerms(terms: readonly QueryTerm[]): QueryPlan {
  const positive: PlannedTerm[] = [];
  const negated: PlannedTerm[] = [];
  for (const term of terms) {
    const tokens = indexTokens(term.text);
    if (tokens.length === 0) continue; // nothing searchable (`***`, `--`)
    const planned = { term, tokens, parts: splitIdentifier(term.text) };
    const list = term.negated ? negated : positive;
    if (positive.length + negated.length < MAX_TERMS) list.push(planned);
  }
  return { positive, negated };
}

const q = (s: string) => quoteTerm(s);
const and = (exprs: string[]) => exprs.map((e) => `(${e})`).join(' AND ');
const or = (exprs: string[]) => exprs.map((e) => `(${e})`).join(' OR ');

/** Whole tokens in `text` only: the word as typed (a phrase when it holds separators). */
function exactTerm(t: PlannedTerm): string {
  return `text : ${q(t.term.text)}`;
}

/** A word as a whole token in either column, or (a compound) as the phrase of its parts. */
function partsTerm(t: PlannedTerm): string {
  if (t.term.phrase) return exactTerm(t);
  if (t.parts.length < 2) return q(t.term.text);
  return or([q(t.term.text), q(t.parts.join(' '))]);
}

/** Whether the term asks for (and is long enough for) a prefix match. */
export function isPrefixTerm(t: PlannedTerm): boolean {
  return t.term.prefix && !t.term.phrase && !t.term.negated && [...t.tokens.join('')].length >= MIN_PREFIX;
}

/** Parts beyond this many are matched as a phrase of parts instead of their 2^(n-1) joined forms. */
const MAX_JOINED_PARTS = 5;

/**
 * The single tokens a run of parts makes as ONE identifier in the `text` column: each boundary
 * either joined directly (camelCase / PascalCase, case-folded) or by '_' (snake_case,
 * SCREAMING_CASE): [task, path] -> taskpath, task_path. Null for more than MAX_JOINED_PARTS parts.
 * Why not the phrase of parts in the `parts` column (what these replace in the exact and prefix
 * tiers): a phrase of common parts ("remove lease 4") makes FTS5 intersect long doclists and check
 * positions row by row, ~35x the cost of these whole-token lookups at 100k chunks and seconds at
 * 1M (docs/performance.md); the forms find the same identifiers except compounds that merely
 * contain the run (`tryRemoveLease4`), which the parts tier still finds.
 */
export function joinedForms(parts: readonly string[]): string[] | null {
  if (parts.length === 0 || parts.length > MAX_JOINED_PARTS) return null;
  let forms = [parts[0]!];
  for (const p of parts.slice(1)) forms = forms.flatMap((f) => [f + p, `${f}_${p}`]);
  return forms;
}

/** `text : ("f1" OR "f2" ...)` for the joined forms (and any extra whole tokens), `*` after each for a prefix. */
function formsExpr(forms: readonly string[], prefix: boolean): string {
  const star = prefix ? '*' : '';
  return `text : (${[...new Set(forms)].map((f) => `${q(f)}${star}`).join(' OR ')})`;
}

/** `taskPa` -> "taskpa"* (a token starting so) or text : "task_pa"* (a snake_case identifier it starts); more parts: "task pa"* (parts phrase ending in a prefix). */
function prefixTerm(t: PlannedTerm): string {
  const alts = [`${q(t.term.text)}*`];
  const lastPart = t.parts.length >= 2 ? [...t.parts[t.parts.length - 1]!].length : 0;
  if (lastPart >= MIN_LAST_PART) {
    const forms = joinedForms(t.parts);
    if (forms) alts.push(formsExpr(forms.slice(1), true));
    else if (lastPart >= MIN_PREFIX) alts.push(`${q(t.parts.join(' '))}*`); // a phrase ending in an indexed prefix
  }
  return or(alts);
}

/** All positive terms are plain words (no phrases) and there are at least two: joined forms apply. */
function multiWord(plan: QueryPlan): boolean {
  return plan.positive.length >= 2 && plan.positive.every((t) => !t.term.phrase);
}

const joinedToken = (plan: QueryPlan) => plan.positive.flatMap((t) => t.tokens).join('');
const allParts = (plan: QueryPlan) => plan.positive.flatMap((t) => t.parts);

/**
 * Exact: a word (or quoted phrase) whole in `text`. A multi-word query is exact as a phrase: its
 * words adjacent in `text` (prose, task-path), or one identifier made of all its parts
 * (`task path` -> taskpath, task_path: joinedForms; the phrase of parts in `parts` only past
 * MAX_JOINED_PARTS parts). The same words scattered over a
 * chunk are a parts match: `task path` should find task_path before "the path of a task".
 */
export function exactMatch(plan: QueryPlan): string | null {
  if (plan.positive.length === 0) return null;
  if (!multiWord(plan)) return and(plan.positive.map(exactTerm));
  const tokens = plan.positive.flatMap((t) => t.tokens);
  const forms = joinedForms(allParts(plan));
  return or([
    `text : ${q(tokens.join(' '))}`,
    forms ? formsExpr([tokens.join(''), ...forms], false) : `text : ${q(tokens.join(''))}`,
    ...(forms ? [] : [`parts : ${q(allParts(plan).join(' '))}`]),
  ]);
}

/** Parts: each word matches a whole token or, for a compound, the phrase of its parts. */
export function partsMatch(plan: QueryPlan): string | null {
  if (plan.positive.length === 0) return null;
  return and(plan.positive.map(partsTerm));
}

/** Prefix: as parts, with the last word (prefix: true) also matching as a prefix; null when it does not apply. */
export function prefixMatch(plan: QueryPlan): string | null {
  const last = plan.positive[plan.positive.length - 1];
  if (!last || !last.term.prefix || last.term.phrase || last.term.negated) return null;
  const multi = multiWord(plan);
  // A short last word is a prefix only inside a joined identifier (`task pa` -> task_pa*).
  const main = isPrefixTerm(last) ? and([...plan.positive.slice(0, -1).map(partsTerm), prefixTerm(last)]) : null;
  if (!multi || [...last.tokens.join('')].length < MIN_LAST_PART) return main;
  const parts = allParts(plan);
  const lastPart = [...parts[parts.length - 1]!].length;
  const forms = lastPart >= MIN_LAST_PART ? joinedForms(parts) : [];
  const alts = [...(main ? [main] : []), formsExpr([joinedToken(plan), ...(forms ?? [])], true)];
  if (!forms && lastPart >= MIN_PREFIX) alts.push(`parts : ${q(parts.join(' '))}*`);
  return or(alts);
}

/** Typo: as parts (or prefix), with each corrected word replaced by an OR of its corrections. */
export function typoMatch(plan: QueryPlan, corrections: ReadonlyMap<PlannedTerm, string[]>): string | null {
  if (corrections.size === 0) return null;
  const last = plan.positive[plan.positive.length - 1];
  return and(
    plan.positive.map((t) => {
      const fixes = corrections.get(t);
      if (fixes && fixes.length > 0) return or(fixes.map(q));
      return t === last && isPrefixTerm(t) ? prefixTerm(t) : partsTerm(t);
    }),
  );
}

/** The expression for a word on its own (is it rare enough to correct?). */
export function aloneMatch(t: PlannedTerm, isLast: boolean): string {
  return isLast && isPrefixTerm(t) ? prefixTerm(t) : partsTerm(t);
}

/** Memories matching any negated term are left out. */
export function negatedMatch(plan: QueryPlan): string | null {
  return plan.negated.length > 0 ? or(plan.negated.map(partsTerm)) : null;
}

/** Whether a term may be typo-corrected: a plain single-token word, not a phrase, not negated. */
export function correctable(t: PlannedTerm, minLength: number): boolean {
  return !t.term.phrase && !t.term.negated && t.tokens.length === 1 && [...t.tokens[0]!].length >= minLength;
}

/**
 * Inflections of a word of 4+ letters by a light suffix rule (plural, past, gerund), as whole
 * tokens: delay -> delay, delays, delayed, delaying; retries -> retry, retries, retried, ...
 * Whole tokens, not a stem prefix, so `taskPa ` (done typing) never becomes a prefix query.
 */
export function inflections(token: string): string[] {
  if ([...token].length < 4 || !/^[a-z]+$/.test(token)) return [];
  let base = token;
  if (/ies$/.test(token)) base = `${token.slice(0, -3)}y`;
  else if (/(ss|sh|ch|x)es$/.test(token)) base = token.slice(0, -2);
  else if (/[^s]s$/.test(token)) base = token.slice(0, -1);
  else if (/ied$/.test(token)) base = `${token.slice(0, -3)}y`;
  else if (/ed$/.test(token) && token.length > 5) base = token.slice(0, -2);
  else if (/ing$/.test(token) && token.length > 6) base = token.slice(0, -3);
  const forms = new Set([base, `${base}s`, `${base}ed`, `${base}ing`]);
  if (base.endsWith('y')) for (const f of ['ies', 'ied']) forms.add(base.slice(0, -1) + f);
  if (base.endsWith('e')) { forms.add(`${base}d`); forms.add(`${base.slice(0, -1)}ing`); forms.delete(`${base}ed`); }
  if (/(s|sh|ch|x)$/.test(base)) forms.add(`${base}es`);
  forms.delete(token);
  return [...forms];
}

/** Stem: as parts, with each plain word of 4+ letters also matching its inflections. */
export function stemMatch(plan: QueryPlan): string | null {
  if (plan.positive.length === 0) return null;
  let any = false;
  const expr = and(plan.positive.map((t) => {
    const forms = !t.term.phrase && t.tokens.length === 1 ? inflections(t.tokens[0]!) : [];
    if (forms.length === 0) return partsTerm(t);
    any = true;
    return or([partsTerm(t), ...forms.map(q)]);
  }));
  return any ? expr : null;
}
