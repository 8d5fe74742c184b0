// The words around a recall: the quick pick's kind toggles (which edit the query text itself, so
// the user sees and can edit the `kind:` filter), why a result matched, and what to loosen when
// nothing did. Pure, no `vscode`.
import type { MemoryKind } from '../../shared/protocol';
import type { MatchInfo, ParsedQuery } from '../../shared/recall-query';

export const MEMORY_KINDS: readonly MemoryKind[] = ['file', 'selection', 'terminal', 'text'];

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Whitespace-separated words, a "quoted phrase" counting as one (an unclosed quote runs to the end). */
function tokens(value: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < value.length) {
    if (/\s/.test(value[i]!)) {
      i++;
      continue;
    }
    const start = i;
    let quoted = false;
    while (i < value.length && (quoted || !/\s/.test(value[i]!))) {
      if (value[i] === '"') quoted = !quoted;
      i++;
    }
    out.push({ text: value.slice(start, i), start, end: i });
  }
  return out;
}

const KIND_WORD = /^kind:(.*)$/i;

/** The kind the query text filters on (its last `kind:` word), or null. */
export function kindInQuery(value: string): MemoryKind | null {
  let found: MemoryKind | null = null;
  for (const t of tokens(value)) {
    const m = KIND_WORD.exec(t.text);
    if (m && (MEMORY_KINDS as readonly string[]).includes(m[1]!.toLowerCase())) found = m[1]!.toLowerCase() as MemoryKind;
  }
  return found;
}

/**
 * The query text with `kind:<kind>` toggled: removed when the query already filters on it,
 * otherwise put first in place of any other `kind:` word. First, not last: the last word the user
 * is typing matches as a prefix, and a filter appended after it would end that.
 */
export function toggleKindInQuery(value: string, kind: MemoryKind): string {
  const on = kindInQuery(value) === kind;
  let rest = value;
  for (const t of [...tokens(value)].reverse()) {
    if (!KIND_WORD.test(t.text)) continue;
    // Take the word and the spaces after it (or before it, at the end), keep everything else as typed.
    const after = /^\s*/.exec(rest.slice(t.end))![0].length;
    rest = rest.slice(0, t.start) + rest.slice(t.end + after);
  }
  rest = rest.replace(/^\s+/, '');
  if (on) return rest.replace(/\s+$/, rest.trim() === '' ? '' : ' ');
  return rest.length > 0 ? `kind:${kind} ${rest}` : `kind:${kind} `;
}

/** "matched task, path", "prefix: taskp…", "typo: showing results for taskpath", each with " · filters"; the newest (no words) only the filters. */
export function describeMatch(match: MatchInfo | undefined): string {
  if (!match) return '';
  const terms = match.terms.join(', ');
  let why: string;
  switch (match.tier) {
    case 'exact':
      why = terms ? `matched ${terms}` : 'matched';
      break;
    case 'parts':
      why = terms ? `matched parts ${terms}` : 'matched parts of a word';
      break;
    case 'prefix':
      why = terms ? `prefix: ${match.terms.map((t) => `${t}…`).join(', ')}` : 'prefix';
      break;
    case 'typo': {
      const fixed = (match.corrections ?? []).map((c) => c.to);
      why = `typo: showing results for ${fixed.length > 0 ? fixed.join(' ') : terms}`;
      break;
    }
    case 'recent':
      // No words to match: the list is simply the newest, which every row saying so would only repeat.
      why = '';
      break;
  }
  const filters = match.filters && match.filters.length > 0 ? match.filters.join(', ') : '';
  return why && filters ? `${why} · ${filters}` : why || filters;
}

/**
 * What to loosen when a query found nothing, most likely culprit first: a filter, then a phrase,
 * an exclusion, then the number of words. `parsed` is null when the text could not be parsed.
 */
export function noResultsHint(value: string, parsed: ParsedQuery | null): string {
  if (!value.trim()) return 'Nothing is remembered yet: save a file, capture a selection or run a terminal command.';
  if (!parsed) return 'Try fewer words.';
  const tips: string[] = [];
  if (parsed.filterLabels.length > 0) tips.push(`remove ${parsed.filterLabels.map((f) => `"${f}"`).join(' or ')}`);
  if (parsed.terms.some((t) => t.phrase)) tips.push('drop the quotes around a phrase');
  const negated = parsed.terms.filter((t) => t.negated);
  if (negated.length > 0) tips.push(`drop ${negated.map((t) => `-${t.text}`).join(', ')}`);
  if (parsed.terms.filter((t) => !t.negated).length > 1) tips.push('use fewer words');
  if (tips.length === 0) tips.push('try another word, or part of a name');
  const sentence = tips.join('; ');
  return `Try to ${sentence}.`.replace('Try to try', 'Try');
}

/**
 * A partial-answer note in two: its first clause ("shared store unreachable, showing this
 * machine's memories only"), which says what the list is, and the reason after it.
 */
export function splitRecallNote(note: string): { head: string; reason?: string } {
  const at = note.indexOf(': ');
  return at < 0 ? { head: note } : { head: note.slice(0, at), reason: note.slice(at + 2) };
}

/**
 * The row above the hits when the answer is partial: the note's first clause as the label, the
 * reason as the detail, so the user sees the list is this machine's only and why.
 */
export function recallNoteRow(note: string): { label: string; detail?: string } {
  const { head, reason } = splitRecallNote(note);
  return { label: `$(warning) ${head}`, ...(reason !== undefined ? { detail: reason } : {}) };
}
