// ParsedQuery terms -> the plan of each tier (exact, parts, prefix, stem, typo), written once
// over a MatchSyntax: the local store renders it as FTS5 MATCH text (fts5-syntax.ts), the shared
// store as a PostgreSQL tsquery (shared-store/tsquery-syntax.ts), so a query finds the same
// memories in the same tiers on both. Pure.
//
// Two columns: `text` holds whole tokens, `parts` the identifier parts of compounds (migration 004).
import type { QueryTerm } from '../../shared/recall-query';
import { indexTokens, splitIdentifier } from './identifiers';

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

/**
 * The building blocks a store's query text is made of. Every user string goes through them, so
 * no user text can ever be query syntax; AND, OR, phrases, columns and prefixes come only from here.
 */
export interface MatchSyntax {
  /** The term as typed, whole, in either column (a phrase when it holds separators). */
  word(t: PlannedTerm): string;
  /** The term as typed, whole, in `text` only. */
  exactWord(t: PlannedTerm): string;
  /** A token starting with the term as typed (its last token a prefix), in either column. */
  wordPrefix(t: PlannedTerm): string;
  /** Adjacent whole tokens in `text`. */
  textPhrase(tokens: readonly string[]): string;
  /** One whole token in `text`. */
  textToken(token: string): string;
  /** Any of these whole tokens in `text`, each a prefix with `prefix`. */
  textForms(forms: readonly string[], prefix: boolean): string;
  /** The phrase of identifier parts, its last part a prefix with `prefix`; `partsOnly`: in `parts` only. */
  partsPhrase(parts: readonly string[], prefix: boolean, partsOnly: boolean): string;
  /** A bare index token (a correction, an inflection), in either column. */
  token(token: string): string;
  and(exprs: string[]): string;
  or(exprs: string[]): string;
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

/** All positive terms are plain words (no phrases) and there are at least two: joined forms apply. */
function multiWord(plan: QueryPlan): boolean {
  return plan.positive.length >= 2 && plan.positive.every((t) => !t.term.phrase);
}

const joinedToken = (plan: QueryPlan) => plan.positive.flatMap((t) => t.tokens).join('');
const allParts = (plan: QueryPlan) => plan.positive.flatMap((t) => t.parts);

/** The query text of each tier for a plan; null where a tier does not apply. */
export interface MatchTiers {
  exact: (plan: QueryPlan) => string | null;
  parts: (plan: QueryPlan) => string | null;
  prefix: (plan: QueryPlan) => string | null;
  stem: (plan: QueryPlan) => string | null;
  typo: (plan: QueryPlan, corrections: ReadonlyMap<PlannedTerm, string[]>) => string | null;
  /** A word on its own (is it rare enough to correct?). */
  alone: (t: PlannedTerm, isLast: boolean) => string;
  /** Memories matching any negated term are left out. */
  negated: (plan: QueryPlan) => string | null;
}

export function matchTiers(x: MatchSyntax): MatchTiers {
  /** A word as a whole token in either column, or (a compound) as the phrase of its parts. */
  const partsTerm = (t: PlannedTerm): string => {
    if (t.term.phrase) return x.exactWord(t);
    if (t.parts.length < 2) return x.word(t);
    return x.or([x.word(t), x.partsPhrase(t.parts, false, false)]);
  };
  /** `taskPa` -> a token starting taskpa, or a snake_case identifier it starts (task_pa*); more parts: the parts phrase ending in a prefix. */
  const prefixTerm = (t: PlannedTerm): string => {
    const alts = [x.wordPrefix(t)];
    const lastPart = t.parts.length >= 2 ? [...t.parts[t.parts.length - 1]!].length : 0;
    if (lastPart >= MIN_LAST_PART) {
      const forms = joinedForms(t.parts);
      if (forms) alts.push(x.textForms(forms.slice(1), true));
      else if (lastPart >= MIN_PREFIX) alts.push(x.partsPhrase(t.parts, true, false)); // a phrase ending in an indexed prefix
    }
    return x.or(alts);
  };
  const alone = (t: PlannedTerm, isLast: boolean) => (isLast && isPrefixTerm(t) ? prefixTerm(t) : partsTerm(t));
  return {
    /**
     * Exact: a word (or quoted phrase) whole in `text`. A multi-word query is exact as a phrase:
     * its words adjacent in `text` (prose, task-path), or one identifier made of all its parts
     * (`task path` -> taskpath, task_path: joinedForms; the phrase of parts only past
     * MAX_JOINED_PARTS parts). The same words scattered over a chunk are a parts match: `task
     * path` should find task_path before "the path of a task".
     */
    exact(plan) {
      if (plan.positive.length === 0) return null;
      if (!multiWord(plan)) return x.and(plan.positive.map((t) => x.exactWord(t)));
      const tokens = plan.positive.flatMap((t) => t.tokens);
      const forms = joinedForms(allParts(plan));
      return x.or([
        x.textPhrase(tokens),
        forms ? x.textForms([tokens.join(''), ...forms], false) : x.textToken(tokens.join('')),
        ...(forms ? [] : [x.partsPhrase(allParts(plan), false, true)]),
      ]);
    },
    /** Parts: each word matches a whole token or, for a compound, the phrase of its parts. */
    parts(plan) {
      if (plan.positive.length === 0) return null;
      return x.and(plan.positive.map(partsTerm));
    },
    /** Prefix: as parts, with the last word (prefix: true) also matching as a prefix; null when it does not apply. */
    prefix(plan) {
      const last = plan.positive[plan.positive.length - 1];
      if (!last || !last.term.prefix || last.term.phrase || last.term.negated) return null;
      const multi = multiWord(plan);
      // A short last word is a prefix only inside a joined identifier (`task pa` -> task_pa*).
      const main = isPrefixTerm(last) ? x.and([...plan.positive.slice(0, -1).map(partsTerm), prefixTerm(last)]) : null;
      if (!multi || [...last.tokens.join('')].length < MIN_LAST_PART) return main;
      const parts = allParts(plan);
      const lastPart = [...parts[parts.length - 1]!].length;
      const forms = lastPart >= MIN_LAST_PART ? joinedForms(parts) : [];
      const alts = [...(main ? [main] : []), x.textForms([joinedToken(plan), ...(forms ?? [])], true)];
      if (!forms && lastPart >= MIN_PREFIX) alts.push(x.partsPhrase(parts, true, true));
      return x.or(alts);
    },
    /** Stem: as parts, with each plain word of 4+ letters also matching its inflections. */
    stem(plan) {
      if (plan.positive.length === 0) return null;
      let any = false;
      const expr = x.and(plan.positive.map((t) => {
        const forms = !t.term.phrase && t.tokens.length === 1 ? inflections(t.tokens[0]!) : [];
        if (forms.length === 0) return partsTerm(t);
        any = true;
        return x.or([partsTerm(t), ...forms.map((f) => x.token(f))]);
      }));
      return any ? expr : null;
    },
    /** Typo: as parts (or prefix), with each corrected word replaced by an OR of its corrections. */
    typo(plan, corrections) {
      if (corrections.size === 0) return null;
      const last = plan.positive[plan.positive.length - 1];
      return x.and(plan.positive.map((t) => {
        const fixes = corrections.get(t);
        if (fixes && fixes.length > 0) return x.or(fixes.map((f) => x.token(f)));
        return alone(t, t === last);
      }));
    },
    alone,
    negated: (plan) => (plan.negated.length > 0 ? x.or(plan.negated.map(partsTerm)) : null),
  };
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
