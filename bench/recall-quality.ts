// Recall quality on a corpus no one wrote for it: this repository's own git history. Every
// version of every src/**/*.ts file is one memory (capturedAt spread 6 h apart in commit order,
// so the corpus spans weeks). Known-item queries come from compound identifiers that occur in
// few versions (1-3): the versions containing the identifier are the relevant ones. Each query
// kind is run through searchQuery (the daemon's search) and through the old single-column index
// with the old plain match (migrations 1-3, toMatchQuery + searchMatch), in the same run:
//   exact     - the identifier as typed, then a space;
//   words     - its parts as lowercase words (`retry delays ms `);
//   prefix    - the identifier cut mid-word, still being typed (`retryDel`);
//   typo      - one adjacent swap or substitution (`rtery...`), then a space;
//   filtered  - the identifier with a since/until window around one relevant version: every hit
//               must lie inside the window;
//   inflected - its words with the plural toggled on the last one (`retry delay ms`): for the
//               stemming decision.
//   tsx bench/recall-quality.ts
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkContent } from '../src/daemon/capture/chunker';
import { indexTokens, splitIdentifier } from '../src/daemon/recall/identifiers';
import { toMatchQuery } from '../src/daemon/recall/query';
import { type QueryOptions, searchQuery } from '../src/daemon/recall/search-query';
import { MemoryStore } from '../src/daemon/store/memory-store';
import { MIGRATIONS } from '../src/daemon/store/migrations';
import { migrate } from '../src/daemon/store/migrations/runner';
import { SqlDatabase } from '../src/daemon/store/sql';
import { memoryLogger } from '../src/shared/logger';
import type { ParsedQuery, QueryFilters } from '../src/shared/recall-query';
import type { RecallHit } from '../src/shared/protocol';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);
const PER_KIND = 150;

export interface Version {
  rev: string;
  path: string;
  content: string;
  capturedAt: number;
}

/** Every version of every src/**\/*.ts file, oldest first (a commit that deletes a file has no version). */
export function gitVersions(cwd: string): Version[] {
  const log = execFileSync('git', ['log', '--reverse', '--format=@@%H', '--name-only', '--diff-filter=AMR', '--', 'src'], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out: Version[] = [];
  let rev = '';
  for (const line of log.split('\n')) {
    if (line.startsWith('@@')) rev = line.slice(2);
    else if (/^src\/.*\.ts$/.test(line)) {
      const content = execFileSync('git', ['show', `${rev}:${line}`], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
      out.push({ rev, path: `/repo/${line}`, content, capturedAt: T0 + out.length * 6 * HOUR });
    }
  }
  return out;
}

export interface KnownItem {
  kind: string;
  parsed: ParsedQuery;
  /** The same text for the old plain match. */
  plain: string;
  relevant: Set<number>;
}

const hash = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0);
const plainTerms = (text: string, prefixLast: boolean, filters: QueryFilters = {}): ParsedQuery => {
  const words = text.split(' ').filter(Boolean);
  return { terms: words.map((w, i) => ({ text: w, phrase: false, negated: false, prefix: prefixLast && i === words.length - 1 })), filters, filterLabels: [] };
};

function typoOf(id: string): string {
  const h = hash(`typo:${id}`);
  const chars = [...id];
  const i = h % (chars.length - 1);
  if (h % 2 === 0 && chars[i]!.toLowerCase() !== chars[i + 1]!.toLowerCase()) {
    [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
  } else {
    const j = (h >>> 8) % chars.length;
    const letters = 'etaoinshrdlucmfw';
    let c = letters[(h >>> 16) % letters.length]!;
    if (c === chars[j]!.toLowerCase()) c = c === 'e' ? 'a' : 'e';
    chars[j] = c;
  }
  return chars.join('');
}

/** Cut inside a part (never at a boundary), at least 2 characters into it and 4 overall. */
function prefixOf(id: string): string {
  let cut = Math.max(4, Math.round(id.length * 0.7));
  const boundary = (k: number) => k >= id.length || /[A-Z_\-0-9]/.test(id[k]!) || /[_-]/.test(id[k - 1]!);
  while (cut < id.length - 1 && (boundary(cut) || boundary(cut - 1))) cut++;
  return id.slice(0, Math.min(cut, id.length - 1));
}

function toggledPlural(parts: string[]): string[] {
  const last = parts[parts.length - 1]!;
  const toggled = last.endsWith('s') ? last.slice(0, -1) : `${last}s`;
  return [...parts.slice(0, -1), toggled];
}

export function knownItems(versions: Version[], ids: number[]): KnownItem[] {
  const df = new Map<string, Set<number>>();
  versions.forEach((v, i) => {
    for (const m of v.content.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)) {
      const tok = m[0];
      const parts = splitIdentifier(tok);
      if (tok.length < 8 || parts.length < 2 || parts.filter((p) => /[a-z]/.test(p)).length < 2 || tok.includes('$')) continue;
      let s = df.get(tok);
      if (!s) df.set(tok, (s = new Set()));
      s.add(ids[i]!);
    }
  });
  // Case-insensitive duplicates (taskPath / TaskPath) are the same index token: drop them.
  const lowerCount = new Map<string, number>();
  for (const tok of df.keys()) lowerCount.set(tok.toLowerCase(), (lowerCount.get(tok.toLowerCase()) ?? 0) + 1);
  const chosen = [...df.entries()]
    .filter(([tok, s]) => s.size <= 3 && lowerCount.get(tok.toLowerCase()) === 1)
    .sort((a, b) => hash(a[0]) - hash(b[0]))
    .slice(0, PER_KIND);
  const byId = new Map(versions.map((v, i) => [ids[i]!, v]));
  const items: KnownItem[] = [];
  for (const [id, relevant] of chosen) {
    const parts = splitIdentifier(id);
    const words = parts.join(' ');
    items.push({ kind: 'exact', parsed: plainTerms(id, false), plain: id, relevant });
    items.push({ kind: 'words', parsed: plainTerms(words, false), plain: words, relevant });
    const prefix = prefixOf(id);
    items.push({ kind: 'prefix', parsed: plainTerms(prefix, true), plain: prefix, relevant });
    const typo = typoOf(id);
    items.push({ kind: 'typo', parsed: plainTerms(typo, false), plain: typo, relevant });
    const inflected = toggledPlural(parts).join(' ');
    items.push({ kind: 'inflected', parsed: plainTerms(inflected, false), plain: inflected, relevant });
    const target = [...relevant].sort((a, b) => hash(`${id}${a}`) - hash(`${id}${b}`))[0]!;
    const at = byId.get(target)!.capturedAt;
    const filters = { since: at - 2 * DAY, until: at + 2 * DAY };
    const inWindow = new Set([...relevant].filter((r) => { const t = byId.get(r)!.capturedAt; return t >= filters.since && t < filters.until; }));
    items.push({ kind: 'filtered', parsed: plainTerms(id, false, filters), plain: id, relevant: inWindow });
  }
  return items;
}

export interface QualityRow {
  kind: string;
  queries: number;
  hitAt5: number;
  mrr: number;
  baselineHitAt5: number;
  baselineMrr: number;
  /** Filtered kind: hits outside the filter (must be 0). */
  outsideFilter: number;
}

function score(hits: RecallHit[], relevant: Set<number>): { hit5: number; rr: number } {
  const rank = hits.findIndex((h) => relevant.has(h.id));
  return { hit5: rank >= 0 && rank < 5 ? 1 : 0, rr: rank >= 0 ? 1 / (rank + 1) : 0 };
}

export interface QualityResult {
  memories: number;
  chunks: number;
  rows: QualityRow[];
  /** The same rows with an experimental option (stemming), for the decision in docs/performance.md. */
  variants: Record<string, QualityRow[]>;
}

type Search = (item: KnownItem) => RecallHit[] | Promise<RecallHit[]>;

/** hit@5 and MRR per kind of `run` beside `base`, on the same items (a search may be async: the shared store's). */
export async function evaluate(items: KnownItem[], run: Search, base: Search): Promise<QualityRow[]> {
  const kinds = [...new Set(items.map((i) => i.kind))];
  const rows: QualityRow[] = [];
  for (const kind of kinds) {
    const of = items.filter((i) => i.kind === kind);
    let hit5 = 0, rr = 0, bHit5 = 0, bRr = 0, outside = 0;
    for (const item of of) {
      const hits = await run(item);
      const s = score(hits, item.relevant);
      hit5 += s.hit5; rr += s.rr;
      const b = score(await base(item), item.relevant);
      bHit5 += b.hit5; bRr += b.rr;
      const f = item.parsed.filters;
      if (f.since !== undefined) outside += hits.filter((h) => { const t = Date.parse(h.capturedAt); return t < f.since! || t >= f.until!; }).length;
    }
    const n = of.length;
    rows.push({ kind, queries: n, hitAt5: hit5 / n, mrr: rr / n, baselineHitAt5: bHit5 / n, baselineMrr: bRr / n, outsideFilter: outside });
  }
  return rows;
}

/**
 * The old search over the schema-3 layout (one chunk row per memory and position, one column):
 * searchMatch as it was before migration 005, every match ranked (no window), best chunk per memory.
 */
function plainBm25(db: SqlDatabase, match: string, since: number | undefined, until: number | undefined): RecallHit[] {
  return db
    .prepare<[Record<string, string | number | null>], { id: number; path: string; title: string; capturedAt: number; rank: number }>(`
SELECT c.memory_id AS id, m.path AS path, m.title AS title, m.captured_at AS capturedAt, min(f.rank) AS rank
FROM chunks_fts f JOIN chunks c ON c.id = f.rowid JOIN memories m ON m.id = c.memory_id
WHERE chunks_fts MATCH @match AND (@since IS NULL OR m.captured_at >= @since) AND (@until IS NULL OR m.captured_at < @until)
GROUP BY c.memory_id ORDER BY rank LIMIT 20`)
    .all({ match, since: since ?? null, until: until ?? null })
    .map((r) => ({ id: r.id, kind: 'file', path: r.path, title: r.title, capturedAt: new Date(r.capturedAt).toISOString(), snippet: '', score: -r.rank }));
}

export async function runRecallQuality(repo: string, variants: Record<string, Partial<QueryOptions>> = {}): Promise<QualityResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dm-quality-'));
  try {
    const versions = gitVersions(repo);
    // The new index, through the memory store (as capture writes it).
    const db = new SqlDatabase(new Database(join(dir, 'new.db')));
    migrate(db, MIGRATIONS, memoryLogger());
    const store = new MemoryStore(db);
    const ids = store.insertMany(versions.map((v) => ({
      kind: 'file' as const, path: v.path, title: v.path.split('/').pop()!, language: 'typescript', note: null, exitCode: null,
      content: v.content, contentHash: hash(v.content).toString(16), capturedAt: v.capturedAt,
    })));
    // The old index: schema version 3 (one column), rows written as version 3 wrote them.
    const old = new SqlDatabase(new Database(join(dir, 'old.db')));
    migrate(old, MIGRATIONS.slice(0, 3), memoryLogger());
    old.transaction(() => {
      const mem = old.prepare<[number, string, string, number]>(`INSERT INTO memories (id, kind, path, title, content, content_hash, bytes, captured_at, updated_at) VALUES (?, 'file', ?, 't', ?, 'h', 1, ?, 0)`);
      const chunk = old.prepare<[number, number, string]>('INSERT INTO chunks (memory_id, seq, text) VALUES (?, ?, ?)');
      versions.forEach((v, i) => {
        mem.run(ids[i]!, v.path, v.content, v.capturedAt);
        chunkContent(v.content).forEach((t, seq) => chunk.run(ids[i]!, seq, t));
      });
    });
    const items = knownItems(versions, ids);
    const base = (item: KnownItem) => {
      const match = toMatchQuery(item.plain);
      const f = item.parsed.filters;
      return match ? plainBm25(old, match, f.since, f.until) : [];
    };
    const rows = await evaluate(items, (item) => searchQuery(db, item.parsed, { limit: 20 }), base);
    const out: Record<string, QualityRow[]> = {};
    for (const [name, opts] of Object.entries(variants)) out[name] = await evaluate(items, (item) => searchQuery(db, item.parsed, { limit: 20, ...opts }), base);
    const chunks = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM chunks').get()!.n;
    db.close();
    old.close();
    void indexTokens;
    return { memories: versions.length, chunks, rows, variants: out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(rows: QualityRow[]): void {
  console.log('kind        n   hit@5   MRR  | plain bm25 hit@5   MRR | outside filter');
  for (const r of rows) {
    console.log(`${r.kind.padEnd(10)} ${String(r.queries).padStart(4)}  ${r.hitAt5.toFixed(3)} ${r.mrr.toFixed(3)} | ${r.baselineHitAt5.toFixed(3)}      ${r.baselineMrr.toFixed(3)} | ${r.outsideFilter}`);
  }
}

if (require.main === module) {
  void runRecallQuality(process.cwd(), { 'without light stemming': { stem: false } }).then((r) => {
    console.log(`${r.memories} memories (file versions), ${r.chunks} chunks`);
    print(r.rows);
    for (const [name, rows] of Object.entries(r.variants)) { console.log(`\nvariant ${name}`); print(rows); }
  });
}
