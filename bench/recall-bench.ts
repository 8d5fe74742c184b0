// Recall latency at scale: bounded ranking (what the daemon runs) against plain unbounded bm25
// ranking (the baseline) on the same synthetic index, in the same run, interleaved.
//   tsx bench/recall-bench.ts                     # 100k chunks
//   tsx bench/recall-bench.ts --chunks 1000000    # 1M chunks (a few minutes to generate)
// Options: --queries N (timed runs per query kind), --dir D (keeps the DB there; default a temp dir),
// --reuse (with --dir: query the corpus an earlier run left there instead of regenerating it),
// --no-baseline (time only what the daemon runs: a quick re-measure; baseline columns read 0).
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkContent } from '../src/daemon/capture/chunker';
import { MemoryStore, type NewMemory } from '../src/daemon/store/memory-store';
import { MIGRATIONS } from '../src/daemon/store/migrations';
import { migrate } from '../src/daemon/store/migrations/runner';
import { SqlDatabase } from '../src/daemon/store/sql';
import { toMatchQuery } from '../src/daemon/recall/query';
import { plainQuery } from '../src/daemon/recall/plain-query';
import { searchMatch } from '../src/daemon/recall/search';
import { searchQuery } from '../src/daemon/recall/search-query';
import { memoryLogger } from '../src/shared/logger';
import type { ParsedQuery } from '../src/shared/recall-query';
import { mulberry32 } from '../test/helpers/mulberry32';
import { median, tail } from './report';

export interface LatencyStats {
  median: number;
  /** The p99 where the runs support one (>= 100), else the max; `label` says which (bench/report.ts). */
  tail: { label: string; value: number };
  samples: number;
}

export interface RecallBenchRow {
  query: string;
  /** Share of chunks the query matches (measured). */
  matchShare: number;
  /** Distinct query texts the runs cycle over. */
  texts: number;
  /** searchMatch (one bounded-bm25 expression) or searchQuery (the daemon's whole recall). */
  path: 'searchMatch' | 'searchQuery';
  bounded: LatencyStats;
  baseline: LatencyStats;
}

export interface RecallBenchResult {
  chunks: number;
  insertSeconds: number;
  dbBytes: number;
  rows: RecallBenchRow[];
}

const CHUNKS_PER_MEMORY = 10;
const MEMORIES_PER_TX = 100; // 1000 chunks per transaction
const VOCAB = 20_000;


const VERBS = ['get', 'set', 'load', 'parse', 'make', 'build', 'read', 'write', 'handle', 'update', 'create', 'remove',
  'find', 'check', 'init', 'apply', 'merge', 'split', 'format', 'render', 'fetch', 'store', 'emit', 'resolve'];
const NOUNS = ['user', 'cache', 'config', 'file', 'path', 'token', 'queue', 'job', 'lease', 'chunk', 'memory', 'index',
  'query', 'result', 'buffer', 'stream', 'socket', 'client', 'server', 'daemon', 'timer', 'clock', 'event', 'state',
  'record', 'entry', 'node', 'tree', 'graph', 'edge', 'page', 'view', 'model', 'item', 'list', 'map', 'set', 'key',
  'value', 'hash', 'snapshot', 'session', 'window', 'panel', 'editor', 'range', 'line', 'column', 'offset', 'limit'];
const KEYWORDS = ['const', 'let', 'return', 'if', 'else', 'for', 'await', 'async', 'function', 'new', 'this', 'null'];

/** Identifier of Zipf rank r: camelCase or snake_case from verb+noun+suffix, unique per rank. */
function identifier(r: number): string {
  const v = VERBS[r % VERBS.length]!;
  const n = NOUNS[Math.floor(r / VERBS.length) % NOUNS.length]!;
  const k = Math.floor(r / (VERBS.length * NOUNS.length));
  const base = r % 3 === 0 ? `${v}_${n}` : `${v}${n[0]!.toUpperCase()}${n.slice(1)}`;
  return k === 0 ? base : `${base}${k}`;
}

function zipfSampler(n: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1);
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** ~500 B of code-like text; "result" appears in ~75% of chunks (the broad term). */
function makeChunk(rand: () => number, zipf: () => number): string {
  const lines: string[] = [];
  let bytes = 0;
  while (bytes < 480) {
    const kw = KEYWORDS[Math.floor(rand() * KEYWORDS.length)]!;
    const line = `  ${kw} ${identifier(zipf())} = ${identifier(zipf())}(${identifier(zipf())}, ${Math.floor(rand() * 1000)});`;
    lines.push(line);
    bytes += line.length + 1;
  }
  if (rand() < 0.75) lines.splice(Math.floor(rand() * lines.length), 0, '  return result;');
  return `${lines.join('\n')}\n`;
}

function generate(store: MemoryStore, chunks: number): number {
  const rand = mulberry32(42);
  const zipf = zipfSampler(VOCAB, rand);
  const start = performance.now();
  const t0 = Date.UTC(2026, 0, 1);
  let made = 0;
  let memoryNo = 0;
  while (made < chunks) {
    const batch: NewMemory[] = [];
    for (let m = 0; m < MEMORIES_PER_TX && made < chunks; m++, memoryNo++) {
      const parts: string[] = [];
      for (let c = 0; c < CHUNKS_PER_MEMORY && made < chunks; c++) parts.push(makeChunk(rand, zipf));
      const content = parts.join('');
      // The store chunks content itself (content-defined boundaries): count the chunks it will keep.
      made += chunkContent(content).length;
      batch.push({
        kind: 'file', path: `/ws/proj${memoryNo % 20}/src/mod${memoryNo}.ts`, title: `mod${memoryNo}.ts`, language: 'typescript',
        note: null, exitCode: null, content, contentHash: createHash('sha256').update(content).digest('hex'),
        capturedAt: t0 + memoryNo * 1000,
      });
    }
    store.insertMany(batch);
  }
  return (performance.now() - start) / 1000;
}

function stats(samples: number[]): LatencyStats {
  return { median: median(samples).value, tail: tail(samples, 99), samples: samples.length };
}

// Each kind has a few queries, cycled, so one lucky term does not decide the figure.
const QUERY_KINDS: ReadonlyArray<readonly [string, string[]]> = [
  ['selective 1-term', [identifier(5003), identifier(6007), identifier(7001), identifier(4999)]],
  ['2-term', [`${identifier(101)} ${identifier(150)}`, `${identifier(120)} ${identifier(170)}`, `${identifier(130)} ${identifier(99)}`]],
  ['broad term (~75%)', ['result']],
  ['3-letter prefix', ['get*', 'par*', 'han*', 'upd*']],
];

/** Cuts an identifier mid-word, as typed so far (`handleUser` -> `handleU`... at ~70 %). */
function cutMidWord(id: string): string {
  return id.slice(0, Math.max(4, Math.round(id.length * 0.7)));
}

/** Swaps two adjacent letters in the middle (a typo). */
function transpose(id: string): string {
  const i = Math.floor(id.length / 2);
  return id.slice(0, i - 1) + id[i] + id[i - 1] + id.slice(i + 1);
}

const T0 = Date.UTC(2026, 0, 1);

/**
 * The code-aware query kinds (searchQuery, as the daemon runs them): each text is also run as the
 * old plain-bm25 match of the same words (the baseline). `share` is measured on the words the
 * user meant (a typo's intended identifier). Filters use the synthetic memories' time axis.
 */
interface SmartKind {
  name: string;
  queries: Array<{ parsed: ParsedQuery; baseline: string; share: string }>;
}

const SELECTIVE_IDS = [5003, 6007, 7001, 4999].map(identifier);
const wordsOf = (id: string) => id.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();

function smartKinds(chunks: number): SmartKind[] {
  const memories = Math.ceil(chunks / CHUNKS_PER_MEMORY);
  const span = memories * 1000; // capturedAt = T0 + memoryNo * 1000
  const q = (text: string, share = text, filters = {}) => ({ parsed: plainQuery(text, filters), baseline: text, share });
  return [
    { name: 'words of an identifier', queries: SELECTIVE_IDS.map((id) => q(`${wordsOf(id)} `)) },
    { name: 'as-you-type prefix', queries: SELECTIVE_IDS.map((id) => q(cutMidWord(id), `${cutMidWord(id)}*`)) },
    { name: 'one typo', queries: SELECTIVE_IDS.map((id) => q(`${transpose(id)} `, id)) },
    {
      name: 'identifier + time filter',
      queries: [101, 150, 120, 170].map(identifier).map((id) => q(`${id} `, id, { since: T0 + span * 0.8, until: T0 + span * 0.9 })),
    },
  ];
}

export async function runRecallBench(opts: { chunks: number; queries: number; dir: string; reuse?: boolean; baseline?: boolean }): Promise<RecallBenchResult> {
  const withBaseline = opts.baseline !== false;
  const file = join(opts.dir, 'recall-bench.db');
  // reuse: keep a corpus generated by an earlier run (same --chunks) instead of regenerating it.
  const reuse = opts.reuse === true && existsSync(file);
  if (!reuse) rmSync(file, { force: true });
  const db = new SqlDatabase(new Database(file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  let insertSeconds = Number.NaN;
  if (!reuse) {
    migrate(db, MIGRATIONS, memoryLogger());
    insertSeconds = generate(new MemoryStore(db), opts.chunks);
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  const dbBytes = statSync(file).size;

  const count = (match: string) =>
    (db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?').get(match)?.n ?? 0);
  const rows: RecallBenchRow[] = [];
  for (const [name, texts] of QUERY_KINDS) {
    const matches = texts.map((t) => toMatchQuery(t)!);
    const share = matches.reduce((n, m) => n + count(m), 0) / matches.length / opts.chunks;
    const run = (i: number, rankWindow?: number) => {
      const match = matches[i % matches.length]!;
      const t = performance.now();
      const hits = searchMatch(db, match, { limit: 20, ...(rankWindow === undefined ? {} : { rankWindow }) });
      const ms = performance.now() - t;
      if (hits.length === 0) throw new Error(`bench query ${match} found nothing`);
      return ms;
    };
    for (let i = 0; i < matches.length; i++) { run(i); if (withBaseline) run(i, Infinity); } // warm the cache
    const bounded: number[] = [];
    const baseline: number[] = [];
    // Alternate which form goes first: the second run of a query finds its pages already cached.
    for (let i = 0; i < opts.queries; i++) {
      if (!withBaseline) bounded.push(run(i));
      else if (i % 2 === 0) {
        bounded.push(run(i));
        baseline.push(run(i, Infinity));
      } else {
        baseline.push(run(i, Infinity));
        bounded.push(run(i));
      }
    }
    rows.push({ query: name, matchShare: share, texts: texts.length, path: 'searchMatch', bounded: stats(bounded), baseline: stats(baseline) });
  }
  for (const kind of smartKinds(opts.chunks)) {
    const share = kind.queries.reduce((n, k) => n + count(toMatchQuery(k.share)!), 0) / kind.queries.length / opts.chunks;
    const run = (i: number, plain: boolean) => {
      const k = kind.queries[i % kind.queries.length]!;
      const t = performance.now();
      const hits = plain
        ? searchMatch(db, toMatchQuery(k.baseline)!, { limit: 20, rankWindow: Infinity, since: k.parsed.filters.since, until: k.parsed.filters.until })
        : searchQuery(db, k.parsed, { limit: 20 });
      const ms = performance.now() - t;
      if (!plain && hits.length === 0) throw new Error(`bench query ${JSON.stringify(k.parsed.terms)} found nothing`);
      return ms;
    };
    for (let i = 0; i < kind.queries.length; i++) { run(i, false); if (withBaseline) run(i, true); }
    const bounded: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < opts.queries; i++) {
      if (!withBaseline) bounded.push(run(i, false));
      else if (i % 2 === 0) { bounded.push(run(i, false)); baseline.push(run(i, true)); }
      else { baseline.push(run(i, true)); bounded.push(run(i, false)); }
    }
    rows.push({ query: kind.name, matchShare: share, texts: kind.queries.length, path: 'searchQuery', bounded: stats(bounded), baseline: stats(baseline) });
  }
  db.close();
  return { chunks: opts.chunks, insertSeconds, dbBytes, rows };
}

function printTable(r: RecallBenchResult): void {
  const f = (n: number) => n.toFixed(n < 10 ? 2 : 0).padStart(8);
  const insert = Number.isNaN(r.insertSeconds)
    ? 'reused corpus'
    : `inserted in ${r.insertSeconds.toFixed(1)} s (${Math.round(r.chunks / r.insertSeconds).toLocaleString()} chunks/s)`;
  console.log(`\n${r.chunks.toLocaleString()} chunks: ${insert}, DB ${(r.dbBytes / 1e6).toFixed(0)} MB`);
  console.log(`query               match%   bounded med   tail | baseline med   tail | ratio med  tail   (tail: ${r.rows[0]?.bounded.tail.label ?? ''})`);
  for (const row of r.rows) {
    console.log(
      `${row.query.padEnd(18)} ${(row.matchShare * 100).toFixed(2).padStart(7)} ${f(row.bounded.median)}   ${f(row.bounded.tail.value)} |` +
        `  ${f(row.baseline.median)} ${f(row.baseline.tail.value)} |  ${(row.baseline.median / row.bounded.median).toFixed(1).padStart(6)}x ` +
        `${(row.baseline.tail.value / row.bounded.tail.value).toFixed(1).padStart(5)}x`,
    );
  }
  console.log('(ms; ratio = baseline / bounded, higher means bounded is faster)');
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const chunks = Number(arg('chunks') ?? 100_000);
  const queries = Number(arg('queries') ?? 100); // a p99 needs >= 100 samples
  const keep = arg('dir');
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'dormouse-recall-bench-'));
  runRecallBench({ chunks, queries, dir, reuse: process.argv.includes('--reuse'), baseline: !process.argv.includes('--no-baseline') })
    .then(printTable)
    .catch((error: unknown) => { console.error(error); process.exitCode = 1; })
    .finally(() => { if (!keep) rmSync(dir, { recursive: true, force: true }); });
}
