// The local store's tiers (recall/match-plan.ts) as PostgreSQL tsquery text over the shared
// store's tsvector (document.ts): weight A is the local `text` column, weight B the `parts`
// column, `<->` a phrase, `:*` a prefix. Same plan, same joined identifier forms, same light
// stemming, so a query finds the same memories on both stores. Pure; every lexeme is quoted
// (lexeme()), so user text can never be tsquery syntax.
import {
  MIN_PREFIX, type PlannedTerm, type QueryPlan, inflections, isPrefixTerm, joinedForms,
} from '../recall/match-plan';
import { lexeme } from './document';

/** A joined identifier form (`task_pa`) is long whatever its last part: that part needs only this much (as match-plan.ts). */
const MIN_LAST_PART = 2;

type Weight = '' | 'A' | 'B';

const lex = (token: string, weight: Weight = '', prefix = false) => {
  const label = `${prefix ? '*' : ''}${weight}`;
  return label ? `${lexeme(token)}:${label}` : lexeme(token);
};
const phrase = (tokens: readonly string[], weight: Weight = '', prefixLast = false) =>
  `(${tokens.map((t, i) => lex(t, weight, prefixLast && i === tokens.length - 1)).join(' <-> ')})`;
const and = (exprs: string[]) => exprs.map((e) => `(${e})`).join(' & ');
const or = (exprs: string[]) => exprs.map((e) => `(${e})`).join(' | ');

/** Whole tokens (weight A): the word as typed, a phrase when it holds separators. */
function exactTerm(t: PlannedTerm): string {
  return phrase(t.tokens, 'A');
}

/** A whole token anywhere, or (a compound) the phrase of its parts. */
export function partsTerm(t: PlannedTerm): string {
  if (t.term.phrase) return exactTerm(t);
  if (t.parts.length < 2) return phrase(t.tokens);
  return or([phrase(t.tokens), phrase(t.parts, 'B')]);
}

function formsExpr(forms: readonly string[], prefix: boolean): string {
  return [...new Set(forms)].map((f) => lex(f, 'A', prefix)).join(' | ');
}

function prefixTerm(t: PlannedTerm): string {
  const alts = [phrase(t.tokens, '', true)];
  const lastPart = t.parts.length >= 2 ? [...t.parts[t.parts.length - 1]!].length : 0;
  if (lastPart >= MIN_LAST_PART) {
    const forms = joinedForms(t.parts);
    if (forms) alts.push(formsExpr(forms.slice(1), true));
    else if (lastPart >= MIN_PREFIX) alts.push(phrase(t.parts, 'B', true));
  }
  return or(alts);
}

function multiWord(plan: QueryPlan): boolean {
  return plan.positive.length >= 2 && plan.positive.every((t) => !t.term.phrase);
}
const allParts = (plan: QueryPlan) => plan.positive.flatMap((t) => t.parts);

export function exactQuery(plan: QueryPlan): string | null {
  if (plan.positive.length === 0) return null;
  if (!multiWord(plan)) return and(plan.positive.map(exactTerm));
  const tokens = plan.positive.flatMap((t) => t.tokens);
  const forms = joinedForms(allParts(plan));
  return or([
    phrase(tokens, 'A'),
    forms ? formsExpr([tokens.join(''), ...forms], false) : lex(tokens.join(''), 'A'),
    ...(forms ? [] : [phrase(allParts(plan), 'B')]),
  ]);
}

export function partsQuery(plan: QueryPlan): string | null {
  if (plan.positive.length === 0) return null;
  return and(plan.positive.map(partsTerm));
}

export function prefixQuery(plan: QueryPlan): string | null {
  const last = plan.positive[plan.positive.length - 1];
  if (!last || !last.term.prefix || last.term.phrase || last.term.negated) return null;
  const multi = multiWord(plan);
  const main = isPrefixTerm(last) ? and([...plan.positive.slice(0, -1).map(partsTerm), prefixTerm(last)]) : null;
  if (!multi || [...last.tokens.join('')].length < MIN_LAST_PART) return main;
  const parts = allParts(plan);
  const lastPart = [...parts[parts.length - 1]!].length;
  const forms = lastPart >= MIN_LAST_PART ? joinedForms(parts) : [];
  const alts = [...(main ? [main] : []), formsExpr([plan.positive.flatMap((t) => t.tokens).join(''), ...(forms ?? [])], true)];
  if (!forms && lastPart >= MIN_PREFIX) alts.push(phrase(parts, 'B', true));
  return or(alts);
}

export function stemQuery(plan: QueryPlan): string | null {
  if (plan.positive.length === 0) return null;
  let any = false;
  const expr = and(plan.positive.map((t) => {
    const forms = !t.term.phrase && t.tokens.length === 1 ? inflections(t.tokens[0]!) : [];
    if (forms.length === 0) return partsTerm(t);
    any = true;
    return or([partsTerm(t), ...forms.map((f) => lex(f))]);
  }));
  return any ? expr : null;
}

export function typoQuery(plan: QueryPlan, corrections: ReadonlyMap<PlannedTerm, string[]>): string | null {
  if (corrections.size === 0) return null;
  const last = plan.positive[plan.positive.length - 1];
  return and(plan.positive.map((t) => {
    const fixes = corrections.get(t);
    if (fixes && fixes.length > 0) return fixes.map((f) => lex(f)).join(' | ');
    return t === last && isPrefixTerm(t) ? prefixTerm(t) : partsTerm(t);
  }));
}

/** A word on its own (is it rare enough to correct?). */
export function aloneQuery(t: PlannedTerm, isLast: boolean): string {
  return isLast && isPrefixTerm(t) ? prefixTerm(t) : partsTerm(t);
}

export function negatedQuery(plan: QueryPlan): string | null {
  return plan.negated.length > 0 ? or(plan.negated.map(partsTerm)) : null;
}
