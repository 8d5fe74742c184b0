// Code-aware recall over a ParsedQuery: the one search every surface (quick pick, CLI, IPC, agent
// tools) reaches. Tiers, best first; each runs only while fewer than offset + limit distinct
// memories have been found, and a memory appears once, in the best tier it reached:
//   exact  - whole words / identifiers / phrases in `text` (a multi-word query also as one joined
//            identifier or as the phrase of its parts);
//   parts  - each word a whole token or an identifier part (`task path` finds taskPath, task_path);
//   prefix - the last word, typed without a trailing space, also as a prefix (`taskPa`); then
//            each plain word of 4+ letters as a prefix of its light stem (delay -> delays), also
//            labelled 'prefix';
//   typo   - words that match (almost) nothing, replaced by vocabulary terms within
//            Damerau-Levenshtein 1 (2 for 8+ letters); `match.corrections` says so.
// No positive words: the newest memories matching the filters (tier 'recent').
// Within a tier: bm25 (text weighted 2:1 over parts, migration 004) over the same bounded,
// recency-first rank window as search.ts; near-ties (within ~5 %) go to the newer memory.
import type { MemoryKind, RecallHit } from '../../shared/protocol';
import type { MatchInfo, MatchTier, ParsedQuery } from '../../shared/recall-query';
import type { SqlDatabase } from '../store/sql';
import { filterClauses, type SqlClauses } from './filters';
import { indexTokens, splitIdentifier } from './identifiers';
import { FTS5_TIERS } from './fts5-syntax';
import { correctable, isPrefixTerm, type PlannedTerm, planTerms, type QueryPlan } from './match-plan';
import { quoteTerm } from './query';
import { DEFAULT_RANK_WINDOW, type RowidRange, WIDEN, chunkSnippet, cutoffRowid } from './rank-window';
import { TYPO_MIN_LENGTH, typoCandidates } from './typo';

export interface QueryOptions {
  limit?: number;
  offset?: number;
  /** Leave out memories of this exact path. */
  excludePath?: string;
  /** Matches ranked per tier query; Infinity ranks every match. */
  rankWindow?: number;
  /**
   * The light-stemming tier (after prefix, before typo; default on): a plain word of 4+ letters
   * also matches as a prefix of its stem (delay -> delays, retries -> retry...). Kept by the
   * benchmark (docs/performance.md: inflected words hit@5 0.56 -> 0.83, no other kind changed);
   * false turns it off (the bench's comparison).
   */
  stem?: boolean;
}

const MAX_LIMIT = 200;
const MAX_OFFSET = 10_000;
/** A word matching fewer chunks than this on its own is offered typo corrections. */
const TYPO_RARE_CHUNKS = 2;
/** Scores within this ratio are a near-tie, broken by recency. */
const NEAR_TIE_LOG = Math.log(1.05);

interface Row {
  memoryId: number;
  chunkId: number;
  rank: number;
  kind: MemoryKind;
  path: string | null;
  title: string;
  capturedAt: number;
  exitCode: number | null;
  language: string | null;
}

interface Tier {
  tier: MatchTier;
  match: string;
  corrections?: Map<PlannedTerm, string[]>;
}

export function searchQuery(db: SqlDatabase, parsed: ParsedQuery, opts: QueryOptions = {}): RecallHit[] {
  const limit = Math.max(1, Math.min(Math.floor(opts.limit ?? 20), MAX_LIMIT));
  const offset = Math.max(0, Math.min(Math.floor(opts.offset ?? 0), MAX_OFFSET));
  const plan = planTerms(parsed.terms);
  const filters = filterClauses(parsed.filters, opts.excludePath);
  const neg = FTS5_TIERS.negated(plan);
  try {
    if (plan.positive.length === 0) return recent(db, filters, neg, limit, offset, parsed.filterLabels);
    const need = offset + limit;
    const hits: RecallHit[] = [];
    const seen: number[] = [];
    const ran = new Set<string>();
    const range = timeRowidRange(db, parsed.filters.since, parsed.filters.until);
    for (const tier of tiers(db, plan, opts.stem !== false)) {
      if (hits.length >= need) break;
      // A tier whose expression an earlier tier already ran can only find what that one found.
      if (!tier || ran.has(tier.match)) continue;
      ran.add(tier.match);
      const rows = rankedRows(db, tier.match, filters, neg, seen, need - hits.length, opts.rankWindow ?? DEFAULT_RANK_WINDOW, range);
      for (const r of breakNearTies(rows)) {
        seen.push(r.memoryId);
        hits.push(toHit(db, plan, tier, r, parsed.filterLabels));
      }
    }
    return hits.slice(offset, need);
  } catch (err) {
    // Every user string is quoted; this guards the never-a-syntax-error contract anyway.
    if (err instanceof Error && /fts5|syntax error|unterminated/i.test(err.message)) return [];
    throw err;
  }
}

/** The tiers in order, built lazily: the typo tier's vocabulary lookups run only when reached. */
function* tiers(db: SqlDatabase, plan: QueryPlan, stem: boolean): Generator<Tier | null> {
  const exact = FTS5_TIERS.exact(plan);
  if (exact) yield { tier: 'exact', match: exact };
  const parts = FTS5_TIERS.parts(plan);
  if (parts && parts !== exact) yield { tier: 'parts', match: parts };
  const prefix = FTS5_TIERS.prefix(plan);
  if (prefix) yield { tier: 'prefix', match: prefix };
  const stemmed = stem ? FTS5_TIERS.stem(plan) : null;
  if (stemmed) yield { tier: 'prefix', match: stemmed };
  const corrections = correctionsFor(db, plan);
  const typo = FTS5_TIERS.typo(plan, corrections);
  yield typo ? { tier: 'typo', match: typo, corrections } : null;
}

/** Corrections for each correctable word that matches fewer than TYPO_RARE_CHUNKS chunks on its own. */
function correctionsFor(db: SqlDatabase, plan: QueryPlan): Map<PlannedTerm, string[]> {
  const out = new Map<PlannedTerm, string[]>();
  plan.positive.forEach((t, i) => {
    if (!correctable(t, TYPO_MIN_LENGTH)) return;
    if (countUpTo(db, FTS5_TIERS.alone(t, i === plan.positive.length - 1), TYPO_RARE_CHUNKS) >= TYPO_RARE_CHUNKS) return;
    const candidates = typoCandidates(db, t.tokens[0]!).map((c) => c.term);
    if (candidates.length > 0) out.set(t, candidates);
  });
  return out;
}

/** How many chunks match, counting no further than `max` (bounded: a broad word stops at once). */
function countUpTo(db: SqlDatabase, match: string, max: number): number {
  return db
    .prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)')
    .get(match, max)?.n ?? 0;
}

/**
 * The best chunk per memory for one tier, at most `want` memories, skipping memories already
 * found and memories matching a negated term. Bounded ranking as in search.ts: only matches above
 * the rowid cut-off of the window-th newest match are ranked; the window widens 8x while it
 * yields too few memories and does not yet cover every match.
 */
function rankedRows(
  db: SqlDatabase, match: string, filters: SqlClauses, neg: string | null, seen: number[], want: number, rankWindow: number,
  range: RowidRange | null,
): Row[] {
  const where = ['chunks_fts MATCH @match', 'f.rowid >= @cutoff', ...filters.where];
  const params: Record<string, string | number> = { ...filters.params, match, limit: want };
  if (range) {
    where.push('f.rowid >= CAST(@lo AS INTEGER)', 'f.rowid <= CAST(@hi AS INTEGER)');
    params.lo = range.lo;
    params.hi = range.hi;
  }
  if (seen.length > 0) {
    where.push('c.memory_id NOT IN (SELECT value FROM json_each(@seen))');
    params.seen = JSON.stringify(seen);
  }
  if (neg) {
    where.push(NOT_NEGATED.replace('$ID', 'c.memory_id'));
    params.neg = neg;
  }
  // A chunk is stored once for every memory that contains it (migration 005): memory_chunks maps a
  // matched chunk to those memories, which share its rank; among them the newest (highest id)
  // comes first, so a LIMIT cuts the older versions, never the newest.
  // Measured at 1M chunks (search.ts): GROUP BY over the bounded match beats FTS5's ORDER BY rank path.
  // Without filters on `memories`, memories are joined after the LIMIT (20 lookups, not one per
  // ranked chunk): at 1M chunks ~110 vs ~135 ms for a window of 20 000 matches.
  const sql = filters.where.length === 0
    ? `
SELECT x.memoryId AS memoryId, x.chunkId AS chunkId, x.rank AS rank, m.kind AS kind, m.path AS path,
       m.title AS title, m.captured_at AS capturedAt, m.exit_code AS exitCode, m.language AS language
FROM (
  SELECT c.memory_id AS memoryId, f.rowid AS chunkId, min(f.rank) AS rank
  FROM chunks_fts f JOIN memory_chunks c ON c.chunk_id = f.rowid
  WHERE ${where.join('\n    AND ')}
  GROUP BY c.memory_id
  ORDER BY rank, c.memory_id DESC
  LIMIT @limit
) x JOIN memories m ON m.id = x.memoryId
ORDER BY x.rank, x.memoryId DESC`
    : `
SELECT c.memory_id AS memoryId, f.rowid AS chunkId, min(f.rank) AS rank, m.kind AS kind, m.path AS path,
       m.title AS title, m.captured_at AS capturedAt, m.exit_code AS exitCode, m.language AS language
FROM chunks_fts f JOIN memory_chunks c ON c.chunk_id = f.rowid JOIN memories m ON m.id = c.memory_id
WHERE ${where.join('\n  AND ')}
GROUP BY c.memory_id
ORDER BY rank, m.captured_at DESC, c.memory_id DESC
LIMIT @limit`;
  const stmt = db.prepare<[Record<string, string | number>], Row>(sql);
  let window = rankWindow;
  for (;;) {
    const cutoff = Number.isFinite(window) ? cutoffRowid(db, match, window, range) : 0;
    const rows = stmt.all({ ...params, cutoff });
    if (rows.length >= want || cutoff === 0) return rows;
    window *= WIDEN;
  }
}


const NOT_NEGATED = '$ID NOT IN (SELECT n.memory_id FROM memory_chunks n WHERE n.chunk_id IN (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH @neg))';

/** A time filter covering at most this many memories gets a chunk rowid range (below). */
const TIME_RANGE_MAX_MEMORIES = 50_000;

/**
 * The chunk rowids of every memory captured inside [since, until), as one range, when the time
 * filter is selective (at most TIME_RANGE_MAX_MEMORIES memories): FTS5 then reads only that slice
 * of each doclist instead of ranking matches that the time filter throws away after two joins.
 * A superset, never a guess: the filter itself still applies row by row. Null without a time
 * filter or when it covers too much to be worth reading.
 */
function timeRowidRange(db: SqlDatabase, since: number | undefined, until: number | undefined): RowidRange | null {
  if (since === undefined && until === undefined) return null;
  const params = { since: since ?? Number.MIN_SAFE_INTEGER, until: until ?? Number.MAX_SAFE_INTEGER, max: TIME_RANGE_MAX_MEMORIES };
  const memories = db
    .prepare<[typeof params], { n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM memories WHERE captured_at >= @since AND captured_at < @until LIMIT @max + 1)',
    )
    .get(params)?.n ?? 0;
  if (memories > TIME_RANGE_MAX_MEMORIES) return null;
  const r = db
    .prepare<[typeof params], { lo: number | null; hi: number | null }>(
      `SELECT min(c.chunk_id) AS lo, max(c.chunk_id) AS hi FROM memories m JOIN memory_chunks c ON c.memory_id = m.id
       WHERE m.captured_at >= @since AND m.captured_at < @until`,
    )
    .get(params);
  return r?.lo == null || r.hi == null ? { lo: 1, hi: 0 } : { lo: r.lo, hi: r.hi };
}

/** Rows come best first; scores within ~5 % of each other are ordered newest first. */
function breakNearTies(rows: Row[]): Row[] {
  const bucket = (r: Row) => Math.round(Math.log(Math.max(-r.rank, 1e-9)) / NEAR_TIE_LOG);
  return rows
    .map((r, i) => ({ r, i, b: bucket(r) }))
    .sort((a, b) => b.b - a.b || b.r.capturedAt - a.r.capturedAt || a.i - b.i)
    .map((x) => x.r);
}

interface RecentRow extends Omit<Row, 'chunkId' | 'rank'> {
  firstChunk: string | null;
}

/** No words: the newest memories matching the filters, newest first, paged. */
function recent(db: SqlDatabase, filters: SqlClauses, neg: string | null, limit: number, offset: number, labels: string[]): RecallHit[] {
  const where = [...filters.where];
  const params: Record<string, string | number> = { ...filters.params, limit, offset };
  if (neg) {
    where.push(NOT_NEGATED.replace('$ID', 'm.id'));
    params.neg = neg;
  }
  const sql = `
SELECT m.id AS memoryId, m.kind AS kind, m.path AS path, m.title AS title, m.captured_at AS capturedAt,
       m.exit_code AS exitCode, m.language AS language,
       (SELECT dm_chunk_text(c.body) FROM memory_chunks mc JOIN chunks c ON c.id = mc.chunk_id
        WHERE mc.memory_id = m.id ORDER BY mc.seq < 0, mc.seq LIMIT 1) AS firstChunk
FROM memories m
${where.length > 0 ? `WHERE ${where.join('\n  AND ')}` : ''}
ORDER BY m.captured_at DESC, m.id DESC
LIMIT @limit OFFSET @offset`;
  return db
    .prepare<[Record<string, string | number>], RecentRow>(sql)
    .all(params)
    .map((r) => ({
      id: r.memoryId, kind: r.kind, path: r.path, title: r.title, capturedAt: new Date(r.capturedAt).toISOString(),
      snippet: leadingText(r.firstChunk ?? ''), score: 0, exitCode: r.exitCode, language: r.language,
      match: { tier: 'recent', terms: [], filters: labels },
    }));
}

/** The first non-blank lines of a chunk, about one snippet long. */
function leadingText(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const joined = lines.slice(0, 3).join(' ');
  return joined.length > 160 ? `${joined.slice(0, 159)}…` : joined;
}

function toHit(db: SqlDatabase, plan: QueryPlan, tier: Tier, r: Row, labels: string[]): RecallHit {
  const text = db.prepare<[number], { text: string }>('SELECT dm_chunk_text(body) AS text FROM chunks WHERE id = CAST(? AS INTEGER)').get(r.chunkId)?.text ?? '';
  const info = explain(plan, tier, text);
  // Highlight the chunk's own identifiers that explain the match (a parts match on taskPath
  // highlights taskPath), falling back to the tier's expression.
  const highlight = info.highlight.length > 0 ? `text : (${info.highlight.map(quoteTerm).join(' OR ')})` : tier.match;
  const match: MatchInfo = { tier: tier.tier, terms: info.terms, filters: labels };
  if (info.corrections.length > 0) match.corrections = info.corrections;
  return {
    id: r.memoryId,
    kind: r.kind,
    path: r.path,
    title: r.title,
    capturedAt: new Date(r.capturedAt).toISOString(),
    snippet: chunkSnippet(db, highlight, r.chunkId) ?? chunkSnippet(db, tier.match, r.chunkId) ?? leadingText(text),
    // bm25 is negative, lower is better; the protocol wants higher is better. Hits are ordered by
    // tier first, so a later tier's hit may score higher than an earlier one's: the order is the ranking.
    score: -r.rank,
    match,
    exitCode: r.exitCode,
    language: r.language,
  };
}

interface Explanation {
  terms: string[];
  corrections: Array<{ from: string; to: string }>;
  /** Index tokens of the chunk's text to highlight. */
  highlight: string[];
}

/**
 * Which index terms of the hit's best chunk matched each query word (in JS, from the chunk's
 * text: no extra SQL). A word matched whole gives itself; a compound matched by parts gives its
 * parts; the prefix word gives the tokens it completed to; a corrected word gives its correction.
 */
function explain(plan: QueryPlan, tier: Tier, text: string): Explanation {
  const tokens = [...new Set(indexTokens(text))];
  const tokenSet = new Set(tokens);
  // Parts come from the original case (camelCase boundaries), so split the raw text once.
  const partSet = new Set<string>();
  const tokensWithPart = new Map<string, Set<string>>();
  for (const m of text.matchAll(/[\p{L}\p{N}\p{Co}\p{M}_]+/gu)) {
    const whole = indexTokens(m[0])[0];
    if (!whole) continue;
    for (const p of splitIdentifier(m[0])) {
      partSet.add(p);
      let s = tokensWithPart.get(p);
      if (!s) tokensWithPart.set(p, (s = new Set()));
      s.add(whole);
    }
  }
  const terms = new Set<string>();
  const highlight = new Set<string>();
  const corrections: Array<{ from: string; to: string }> = [];
  const last = plan.positive[plan.positive.length - 1];
  const joined = plan.positive.flatMap((t) => t.tokens).join('');
  if (plan.positive.length >= 2 && tokenSet.has(joined)) {
    terms.add(joined);
    highlight.add(joined);
  }
  for (const t of plan.positive) {
    const fixes = tier.corrections?.get(t);
    if (fixes) {
      const to = fixes.find((f) => tokenSet.has(f) || partSet.has(f));
      if (to) {
        corrections.push({ from: t.term.text, to });
        terms.add(to);
        if (tokenSet.has(to)) highlight.add(to);
        for (const w of tokensWithPart.get(to) ?? []) highlight.add(w);
        continue;
      }
    }
    const whole = t.tokens.join(' ');
    if (t.tokens.every((x) => tokenSet.has(x))) {
      terms.add(whole);
      for (const x of t.tokens) highlight.add(x);
    } else if (t.parts.every((p) => partSet.has(p))) {
      for (const p of t.parts) {
        terms.add(p);
        for (const w of tokensWithPart.get(p) ?? []) highlight.add(w);
      }
    }
    if (t === last && isPrefixTerm(t) && tier.tier === 'prefix') {
      const stem = t.tokens.join('');
      const lastPart = t.parts[t.parts.length - 1] ?? stem;
      const completed = tokens.filter((x) => x.startsWith(stem));
      const completedParts = [...partSet].filter((p) => p.startsWith(lastPart) && p !== lastPart);
      for (const x of completed.slice(0, 3)) { terms.add(x); highlight.add(x); }
      // A whole token it completes to says it all; parts only explain a phrase-of-parts prefix.
      for (const p of completed.length > 0 ? [] : completedParts.slice(0, 3)) {
        terms.add(p);
        for (const w of tokensWithPart.get(p) ?? []) highlight.add(w);
      }
    }
  }
  return { terms: [...terms], corrections, highlight: [...highlight].slice(0, 24) };
}
