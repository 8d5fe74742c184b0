// Related memories for a file: the latest snapshot's most distinctive identifiers, searched as an
// OR query over every other memory. "Distinctive" is cheap on purpose (no corpus statistics):
// frequent in this file, not a language keyword or English stop-word, longer names weigh more.
// bm25 then does the corpus-aware part, favouring memories that share the rarer of these terms.
import type { RecallHit, RelatedMemories } from '../../shared/protocol';
import type { MemoryStore } from '../store/memory-store';
import type { SqlDatabase } from '../store/sql';
import { anyOf } from './query';
import { searchMatch } from './search';

const RELATED_TERMS = 8;

const STOP = new Set(`
abstract and any apply array as assert async await bool boolean break byte case catch char class const constructor continue
debug def default defer del delete do double elif else enum err error except export extends false final finally float fmt
for from func function get go if impl implements import in include index init instanceof int interface is item key keyof
lambda len length let list log long map match mod module mut namespace new nil none not null number object of or package
pass print private protected pub public raise readonly require return self set short static str string struct super
switch sync that the then this throw throws to true try type typeof undefined unsafe use value var void where while with
yield args arg name data result results res req options opts config value values test tests expect describe it
`.split(/\s+/).filter(Boolean));

/** Identifiers of >= 3 chars, by frequency x log(length), best first. */
export function distinctiveTerms(content: string, max = RELATED_TERMS): string[] {
  const counts = new Map<string, number>();
  for (const m of content.matchAll(/[A-Za-z_][A-Za-z0-9_]{2,63}/g)) {
    const word = m[0];
    const lower = word.toLowerCase();
    if (STOP.has(lower) || /^_+$/.test(word)) continue;
    counts.set(lower, (counts.get(lower) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([term, n]) => ({ term, score: n * Math.log2(term.length) }))
    .sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1))
    .slice(0, max)
    .map((t) => t.term);
}

export interface RelatedInput {
  path: string;
  content: string | null;
  limit: number;
  now: number;
  /** The file's own snapshots (see fileHistory). */
  history?: RecallHit[];
}

const HISTORY_LIMIT = 10;

/** Related memories of a snapshot's content (null content: no snapshot, nothing related). */
export function relatedMemories(db: SqlDatabase, input: RelatedInput): RelatedMemories {
  const computedAt = new Date(input.now).toISOString();
  const match = input.content === null ? null : anyOf(distinctiveTerms(input.content));
  const hits = match ? searchMatch(db, match, { limit: input.limit, excludePath: input.path }) : [];
  return { path: input.path, hits, history: input.history ?? [], computedAt };
}

/** The file's own snapshots as recall hits, newest first. */
export function fileHistory(store: MemoryStore, path: string, limit = HISTORY_LIMIT): RecallHit[] {
  return store.snapshotsOfPath(path, limit).map((s) => ({
    id: s.id, kind: 'file', path, title: s.title, capturedAt: new Date(s.capturedAt).toISOString(), snippet: '', score: 0,
  }));
}
