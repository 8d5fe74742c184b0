// Recall over the shared store: the local store's query language and tiers (exact, parts, prefix,
// stem, typo; a memory once, in the best tier it reached), over every memory the role may see
// (its own from every machine, and what the team shares). Matching and typo candidates go through
// migration 003's SECURITY DEFINER functions, which apply that rule themselves so Postgres can use
// the GIN indexes (row-level security alone keeps them out of the plans). Each hit is the
// local hit shape plus `machineId`; its `id` is the local id on that machine.
// Ranking within a tier: ts_rank with whole tokens (A) weighted twice identifier parts (B), like
// the local bm25(2, 1); near-ties go to the newer memory by the ORDER BY.
import type { ClientBase } from 'pg';
import type { MemoryKind, RecallHit } from '../../shared/protocol';
import type { MatchTier, ParsedQuery } from '../../shared/recall-query';
import { damerauLevenshtein } from '../recall/edit-distance';
import { type PlannedTerm, type QueryPlan, correctable, planTerms } from '../recall/match-plan';
import { MAX_CANDIDATES, TYPO_MIN_LENGTH, maxTypoDistance } from '../recall/typo';
import { VISIBLE_TO_SESSION } from './migrations/003-search-functions';
import { Params, sharedFilterClauses } from './shared-filters';
import {
  aloneQuery, exactQuery, negatedQuery, partsQuery, prefixQuery, stemQuery, typoQuery,
} from './ts-query';

export interface SharedHit extends RecallHit {
  machineId: string;
}

export interface SharedQueryOptions {
  limit?: number;
  offset?: number;
  excludePath?: string;
  /** The newest memories a broad match is sought among (default DEFAULT_RANK_WINDOW); tests make it small. */
  rankWindow?: number;
}

const MAX_LIMIT = 200;
/** The newest memories a broad match is sought among (migration 005). */
const DEFAULT_RANK_WINDOW = 10_000;
const MAX_OFFSET = 10_000;
/** A word matching fewer memories than this on its own is offered typo corrections (as the local store). */
const TYPO_RARE = 2;

interface Row {
  machine_id: string;
  /** Ranked rows only: the match's rank window was full (migration 005). */
  windowed?: boolean;
  local_id: string;
  kind: MemoryKind;
  path: string | null;
  title: string;
  captured_at: string;
  exit_code: number | null;
  language: string | null;
  content: string;
  rank: number;
}

const COLUMNS = 'm.machine_id, m.local_id, m.kind, m.path, m.title, m.captured_at, m.exit_code, m.language, m.content';

export async function searchShared(client: ClientBase, parsed: ParsedQuery, opts: SharedQueryOptions = {}): Promise<SharedHit[]> {
  const limit = Math.max(1, Math.min(Math.floor(opts.limit ?? 20), MAX_LIMIT));
  const offset = Math.max(0, Math.min(Math.floor(opts.offset ?? 0), MAX_OFFSET));
  const plan = planTerms(parsed.terms);
  const neg = negatedQuery(plan);
  if (plan.positive.length === 0) return recentShared(client, parsed, neg, limit, offset, opts.excludePath);
  const need = offset + limit;
  const hits: SharedHit[] = [];
  const seen: string[] = [];
  const ran = new Set<string>();
  for await (const tier of tiers(client, plan)) {
    if (hits.length >= need) break;
    if (!tier || ran.has(tier.query)) continue;
    ran.add(tier.query);
    for (const r of await rankedShared(client, tier.query, parsed, neg, seen, need - hits.length, opts)) {
      seen.push(`${r.machine_id}:${r.local_id}`);
      hits.push(toHit(r, tier.tier, plan, parsed.filterLabels, tier.corrections));
    }
  }
  return hits.slice(offset, need);
}

interface Tier {
  tier: MatchTier;
  query: string;
  corrections?: Map<PlannedTerm, string[]>;
}

async function* tiers(client: ClientBase, plan: QueryPlan): AsyncGenerator<Tier | null> {
  const exact = exactQuery(plan);
  if (exact) yield { tier: 'exact', query: exact };
  const parts = partsQuery(plan);
  if (parts && parts !== exact) yield { tier: 'parts', query: parts };
  const prefix = prefixQuery(plan);
  if (prefix) yield { tier: 'prefix', query: prefix };
  const stem = stemQuery(plan);
  if (stem) yield { tier: 'prefix', query: stem };
  const corrections = await correctionsFor(client, plan);
  const typo = typoQuery(plan, corrections);
  yield typo ? { tier: 'typo', query: typo, corrections } : null;
}

/**
 * The best `want` memories of one tier, leaving out those already found and those matching a
 * negated term. A broad match is sought among the newest memories only (migration 005); when the
 * query's filters or negated words leave too few of those, it is sought again among the newest
 * memories that pass them. Without filters a short tier stays short (the next tiers fill the
 * list): a phrase of common words can be rare, and looking further would recheck most of the table.
 */
async function rankedShared(
  client: ClientBase, query: string, parsed: ParsedQuery, neg: string | null, seen: string[], want: number, opts: SharedQueryOptions,
): Promise<Row[]> {
  const window = opts.rankWindow ?? DEFAULT_RANK_WINDOW;
  const rows = await rankedInWindow(client, query, window, parsed, neg, seen, want, opts.excludePath);
  const narrowed = neg !== null || opts.excludePath !== undefined || Object.keys(parsed.filters).length > 0;
  if (rows.length >= want || !narrowed) return rows;
  // No row to say whether the window held the search back: ask.
  const windowed = rows.length > 0 ? rows[0]!.windowed === true : await matchIsBroad(client, query, window);
  return windowed ? rankedAmongNewestPassing(client, query, window, parsed, neg, seen, want, opts.excludePath) : rows;
}

/**
 * The newest `window` memories that pass the filters, matched and ranked. As the caller (row-level
 * security applies, and the visibility rule for the table's owner): no index on `terms` is needed
 * for rows read along captured_at.
 */
async function rankedAmongNewestPassing(
  client: ClientBase, query: string, window: number, parsed: ParsedQuery, neg: string | null, seen: string[], want: number, excludePath?: string,
): Promise<Row[]> {
  const p = new Params();
  const where = [VISIBLE_TO_SESSION, ...sharedFilterClauses(parsed.filters, p, excludePath)];
  if (seen.length > 0) where.push(`(m.machine_id || ':' || m.local_id) <> ALL(${p.add(seen)}::text[])`);
  const q = p.add(query);
  const match = [`m.terms @@ ${q}::tsquery`, ...(neg ? [`NOT (m.terms @@ ${p.add(neg)}::tsquery)`] : [])];
  const r = await client.query<Row>(
    `SELECT ${COLUMNS}, ts_rank('{0, 0, 0.5, 1}', m.terms, ${q}::tsquery) AS rank
     FROM (SELECT * FROM dormouse.memories m WHERE ${where.join(' AND ')} ORDER BY m.captured_at DESC LIMIT ${p.add(window)}) m
     WHERE ${match.join(' AND ')}
     ORDER BY rank DESC, m.captured_at DESC, m.local_id DESC LIMIT ${p.add(want)}`,
    p.values,
  );
  return r.rows;
}

async function rankedInWindow(
  client: ClientBase, query: string, window: number, parsed: ParsedQuery, neg: string | null, seen: string[], want: number, excludePath?: string,
): Promise<Row[]> {
  const p = new Params();
  const q = p.add(query);
  const w = p.add(window);
  const where = sharedFilterClauses(parsed.filters, p, excludePath);
  if (seen.length > 0) where.push(`(m.machine_id || ':' || m.local_id) <> ALL(${p.add(seen)}::text[])`);
  if (neg) where.push(`NOT (m.terms @@ ${p.add(neg)}::tsquery)`);
  const r = await client.query<Row>(
    `SELECT ${COLUMNS}, f.rank, f.windowed FROM dormouse.match_memories(${q}::tsquery, ${w}::integer) f
     JOIN dormouse.memories m ON m.machine_id = f.machine_id AND m.local_id = f.local_id
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY f.rank DESC, m.captured_at DESC, m.local_id DESC LIMIT ${p.add(want)}`,
    p.values,
  );
  return r.rows;
}

/** No words: the newest memories matching the filters, paged. */
async function recentShared(
  client: ClientBase, parsed: ParsedQuery, neg: string | null, limit: number, offset: number, excludePath?: string,
): Promise<SharedHit[]> {
  const p = new Params();
  // The visibility rule as well as the policies: the table's owner reads every row (migration 003).
  const where = [VISIBLE_TO_SESSION, ...sharedFilterClauses(parsed.filters, p, excludePath)];
  if (neg) where.push(`NOT (m.terms @@ ${p.add(neg)}::tsquery)`);
  const r = await client.query<Row>(
    `SELECT ${COLUMNS}, 0 AS rank FROM dormouse.memories m WHERE ${where.join(' AND ')}
     ORDER BY m.captured_at DESC, m.local_id DESC LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`,
    p.values,
  );
  return r.rows.map((row) => toHit(row, 'recent', { positive: [], negated: [] }, parsed.filterLabels));
}

async function matchIsBroad(client: ClientBase, query: string, window: number): Promise<boolean> {
  const r = await client.query<{ broad: boolean }>('SELECT dormouse.match_is_broad($1::tsquery, $2) AS broad', [query, window]);
  return r.rows[0]?.broad === true;
}

/** How many memories match, counting no further than `max`. */
async function countUpTo(client: ClientBase, query: string, max: number): Promise<number> {
  const r = await client.query<{ n: string }>(
    'SELECT dormouse.count_matching($1::tsquery, $2) AS n', [query, max]);
  return Number(r.rows[0]?.n ?? 0);
}

/** Vocabulary words near `word` by trigrams (shared migration 004), from memories the role may see. */
async function nearWords(client: ClientBase, word: string): Promise<string[]> {
  const r = await client.query<{ w: string }>('SELECT w FROM dormouse.near_words($1, 2000) AS w', [word]);
  return r.rows.map((row) => row.w);
}

async function correctionsFor(client: ClientBase, plan: QueryPlan): Promise<Map<PlannedTerm, string[]>> {
  const out = new Map<PlannedTerm, string[]>();
  for (const [i, t] of plan.positive.entries()) {
    if (!correctable(t, TYPO_MIN_LENGTH)) continue;
    if ((await countUpTo(client, aloneQuery(t, i === plan.positive.length - 1), TYPO_RARE)) >= TYPO_RARE) continue;
    const word = t.tokens[0]!;
    const max = maxTypoDistance(word);
    const scored = (await nearWords(client, word))
      .map((term) => ({ term, distance: term === word ? Infinity : damerauLevenshtein(word, term, max) }))
      .filter((c) => c.distance <= max);
    const best = Math.min(...scored.map((c) => c.distance));
    const fixes = scored.filter((c) => c.distance === best).map((c) => c.term).sort().slice(0, MAX_CANDIDATES);
    if (fixes.length > 0) out.set(t, fixes);
  }
  return out;
}

function toHit(r: Row, tier: MatchTier, plan: QueryPlan, filters: string[], corrections?: Map<PlannedTerm, string[]>): SharedHit {
  const terms = [...new Set(plan.positive.flatMap((t) => corrections?.get(t) ?? t.tokens))];
  const fixes = corrections ? [...corrections].map(([t, to]) => ({ from: t.term.text, to: to[0]! })) : [];
  return {
    id: Number(r.local_id),
    machineId: r.machine_id,
    kind: r.kind,
    path: r.path,
    title: r.title,
    capturedAt: new Date(Number(r.captured_at)).toISOString(),
    snippet: snippet(r.content, terms),
    score: Number(r.rank),
    match: { tier, terms, filters, ...(fixes.length > 0 && { corrections: fixes }) },
    exitCode: r.exit_code,
    language: r.language,
  };
}

/** The first line holding a matched term (with the next lines), about one snippet long; else the first lines. */
export function snippet(content: string, terms: readonly string[]): string {
  const lines = content.split('\n');
  const lower = terms.map((t) => t.toLowerCase());
  let at = lines.findIndex((l) => lower.some((t) => l.toLowerCase().includes(t)));
  if (at < 0) at = 0;
  const joined = lines.slice(at).map((l) => l.trim()).filter((l) => l.length > 0).slice(0, 3).join(' ');
  return joined.length > 160 ? `${joined.slice(0, 159)}…` : joined;
}
