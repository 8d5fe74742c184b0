// The recall query language: the one shape every surface (quick pick, CLI, IPC `recall`, agent
// tools) hands to the daemon's search. Text such as `jitter upload yesterday kind:terminal` is
// parsed once, here (src/shared/query-language.ts), into a ParsedQuery; the daemon's search only
// ever sees this structure. No I/O, no `vscode`.
import type { MemoryKind } from './protocol';

/** One searchable word or phrase of the query. */
export interface QueryTerm {
  /** As the user typed it, without quotes or the leading `-` (case kept: identifiers are split from it). */
  text: string;
  /** `"quoted"`: matched as one exact phrase, never split into parts, never a prefix or a typo. */
  phrase: boolean;
  /** `-word`: memories containing it are left out. */
  negated: boolean;
  /** The last word, not followed by a space and not quoted: also matches as a prefix (search as you type). */
  prefix: boolean;
}

/** Filters narrow the candidates; all of them must hold. Times are wall-clock epoch ms. */
export interface QueryFilters {
  kind?: MemoryKind;
  /** `in:PATH`, resolved to absolute paths (a folder or a file); a memory's path must start with one. */
  paths?: string[];
  /** `lang:ts`: the memory's language id or its file extension. */
  language?: string;
  /** `failed`: terminal commands whose exit code was non-zero. */
  failed?: boolean;
  /** Inclusive lower bound on captured time. */
  since?: number;
  /** Exclusive upper bound on captured time. */
  until?: number;
}

export interface ParsedQuery {
  terms: QueryTerm[];
  filters: QueryFilters;
  /** Human words for each filter that applied, in query order (`kind:terminal`, `yesterday`, …): results say why. */
  filterLabels: string[];
}

/** What the parser needs from its caller: the clock and where relative `in:` paths start. */
export interface QueryContext {
  /** Wall-clock epoch ms of "now" (time words are relative to it, in the local time zone). */
  now: number;
  /** Workspace folders (extension) or the working directory (CLI); the first one resolves a relative `in:`. */
  roots?: readonly string[];
}

/** A bad filter value (`since:banana`): shown in the quick pick, exit 2 on the CLI, BAD_REQUEST over IPC. */
export class QueryError extends Error {
  constructor(
    /** The offending word as typed, e.g. `since:banana`. */
    readonly word: string,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/** How a result matched, best first: each hit carries the best tier it reached. */
export type MatchTier = 'exact' | 'parts' | 'prefix' | 'typo' | 'recent';

/** Why a hit matched: shown beside the result ("matched task, path · kind:file"). */
export interface MatchInfo {
  tier: MatchTier;
  /** The index terms that matched (lowercased), e.g. ['task', 'path'] or ['taskpath']. */
  terms: string[];
  /** Typo corrections applied, e.g. [{ from: 'taksPath', to: 'taskpath' }]: "showing results for taskpath". */
  corrections?: Array<{ from: string; to: string }>;
  /** The filter labels of the query (same as ParsedQuery.filterLabels). */
  filters?: string[];
}
