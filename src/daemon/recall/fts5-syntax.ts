// The tiers of match-plan.ts as FTS5 MATCH text over the local store's index. Every user string
// goes through quoteTerm, so no user text can ever be FTS5 syntax. A quoted string unfiltered
// matches in either column; FTS5 tokenizes inside the quotes, so `"task-path"` is the phrase
// task path and `"taskPath"` the token taskpath.
import { type MatchSyntax, type MatchTiers, matchTiers } from './match-plan';
import { quoteTerm as q } from './query';

const FTS5_SYNTAX: MatchSyntax = {
  word: (t) => q(t.term.text),
  exactWord: (t) => `text : ${q(t.term.text)}`,
  wordPrefix: (t) => `${q(t.term.text)}*`,
  textPhrase: (tokens) => `text : ${q(tokens.join(' '))}`,
  textToken: (token) => `text : ${q(token)}`,
  textForms: (forms, prefix) => `text : (${[...new Set(forms)].map((f) => `${q(f)}${prefix ? '*' : ''}`).join(' OR ')})`,
  partsPhrase: (parts, prefix, partsOnly) => `${partsOnly ? 'parts : ' : ''}${q(parts.join(' '))}${prefix ? '*' : ''}`,
  token: (token) => q(token),
  and: (exprs) => exprs.map((e) => `(${e})`).join(' AND '),
  or: (exprs) => exprs.map((e) => `(${e})`).join(' OR '),
};

export const FTS5_TIERS: MatchTiers = matchTiers(FTS5_SYNTAX);
