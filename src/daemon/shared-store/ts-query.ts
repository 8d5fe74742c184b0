// The tiers of recall/match-plan.ts as PostgreSQL tsquery text over the shared store's tsvector
// (document.ts): weight A is the local `text` column, weight B the `parts` column, `<->` a
// phrase, `:*` a prefix. Same plan, same joined identifier forms, same light stemming, so a query
// finds the same memories on both stores. Pure; every lexeme is quoted (lexeme()), so user text
// can never be tsquery syntax.
import { type MatchSyntax, matchTiers } from '../recall/match-plan';
import { lexeme } from './document';

type Weight = '' | 'A' | 'B';

const lex = (token: string, weight: Weight = '', prefix = false) => {
  const label = `${prefix ? '*' : ''}${weight}`;
  return label ? `${lexeme(token)}:${label}` : lexeme(token);
};
const phrase = (tokens: readonly string[], weight: Weight = '', prefixLast = false) =>
  `(${tokens.map((t, i) => lex(t, weight, prefixLast && i === tokens.length - 1)).join(' <-> ')})`;

const TSQUERY_SYNTAX: MatchSyntax = {
  word: (t) => phrase(t.tokens),
  exactWord: (t) => phrase(t.tokens, 'A'),
  wordPrefix: (t) => phrase(t.tokens, '', true),
  textPhrase: (tokens) => phrase(tokens, 'A'),
  textToken: (token) => lex(token, 'A'),
  textForms: (forms, prefix) => [...new Set(forms)].map((f) => lex(f, 'A', prefix)).join(' | '),
  // The tsvector has one parts weight (B): there is no "either column" phrase of parts to tell apart.
  partsPhrase: (parts, prefix) => phrase(parts, 'B', prefix),
  token: (token) => lex(token),
  and: (exprs) => exprs.map((e) => `(${e})`).join(' & '),
  or: (exprs) => exprs.map((e) => `(${e})`).join(' | '),
};

const tiers = matchTiers(TSQUERY_SYNTAX);
export const exactQuery = tiers.exact;
export const partsQuery = tiers.parts;
export const prefixQuery = tiers.prefix;
export const stemQuery = tiers.stem;
export const typoQuery = tiers.typo;
export const aloneQuery = tiers.alone;
export const negatedQuery = tiers.negated;
