// `dormouse recall [QUERY] [--kind K] [--in PATH] [--since T] [--until T] [--limit N] [--json]`:
// search over captured memories with the query language (docs/cli.md). The request is checked
// here with the daemon's own toParsedQuery before it is sent, so a bad value exits 2 without
// contacting the daemon. --json prints the array of hits (RecallHit); a note on where the hits
// come from (the shared store unreachable) goes to stderr.
import { toParsedQuery } from '../../daemon/recall/recall-request';
import type { MemoryKind, Params, RecallHit } from '../../shared/protocol';
import { parseTimeWord, resolveInPath } from '../../shared/query-language';
import { QueryError } from '../../shared/recall-query';
import { type CliContext, CliError, printJson, withClient } from '../context';

export interface RecallOptions {
  query: string;
  limit?: number;
  kind?: MemoryKind;
  in?: string;
  since?: string;
  until?: string;
}

/** The `recall` params for these options: flags resolved against `now` and the working directory. */
function recallParams(opts: RecallOptions, cwd: string, now: number): Params<'recall'> {
  const since = opts.since === undefined ? undefined : parseTimeWord('since', opts.since, now, `--since ${opts.since}`).since;
  const until = opts.until === undefined ? undefined : parseTimeWord('before', opts.until, now, `--until ${opts.until}`).until;
  return {
    query: opts.query,
    roots: [cwd],
    ...(opts.limit !== undefined && { limit: opts.limit }),
    ...(opts.kind !== undefined && { kind: opts.kind }),
    ...(opts.in !== undefined && { pathPrefix: resolveInPath(opts.in, [cwd], `--in ${opts.in}`) }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
  };
}

export function recallCommand(ctx: CliContext, opts: RecallOptions): Promise<number> {
  const now = Date.now();
  let params: Params<'recall'>;
  let inline: string[];
  try {
    params = recallParams(opts, ctx.cwd, now);
    inline = toParsedQuery({ query: opts.query, roots: [ctx.cwd] }, now).filterLabels;
    toParsedQuery(params, now);
  } catch (error) {
    if (error instanceof QueryError) return Promise.reject(new CliError(2, error.message, 'BAD_REQUEST'));
    return Promise.reject(error);
  }
  const filters = [...inline, ...flagWords(opts)];
  return withClient(ctx, async (client) => {
    // recallWithNote: the same hits, plus the shared store's fallback note, which goes to stderr so
    // stdout (and --json's array) stays what the CLI contract says.
    const { hits, note } = await client.request('recallWithNote', params);
    if (note) ctx.io.stderr(`dormouse: ${note}\n`);
    if (ctx.json) printJson(ctx, hits);
    else ctx.io.stdout(formatRecall(hits, { query: opts.query, filters }));
    return 0;
  });
}

/** The filter flags as typed, for the "nothing matched" advice. */
function flagWords(opts: RecallOptions): string[] {
  const words: string[] = [];
  if (opts.kind !== undefined) words.push(`--kind ${opts.kind}`);
  if (opts.in !== undefined) words.push(`--in ${opts.in}`);
  if (opts.since !== undefined) words.push(`--since ${opts.since}`);
  if (opts.until !== undefined) words.push(`--until ${opts.until}`);
  return words;
}

const TIME_WORD = /^(?:since:|after:|before:|on:|--since |--until |today$|yesterday$|(?:mon|tues|wednes|thurs|fri|satur|sun)day$|\d{4}-\d{2}-\d{2}$)/;

const TIER_WORDS: Record<string, string> = {
  exact: 'exact match',
  parts: 'matched word parts',
  prefix: 'prefix match',
  typo: 'typo-tolerant match',
  recent: 'newest',
};

/** Local `YYYY-MM-DD HH:MM` of an ISO time (time words are local, so are the times shown). */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "showing results for X": the query with every typo correction of the hits applied. */
function correctedQuery(hits: RecallHit[], query: string): string | undefined {
  const corrections = new Map<string, string>();
  for (const hit of hits) for (const c of hit.match?.corrections ?? []) corrections.set(c.from, c.to);
  if (corrections.size === 0) return undefined;
  let text = query;
  for (const [from, to] of corrections) {
    const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'giu'), to);
  }
  return text === query ? [...corrections.values()].join(' ') : text;
}

function nothingMatched(query: string, filters: string[]): string {
  const what = query ? `nothing matched ${JSON.stringify(query)}` : 'nothing matched';
  if (filters.length === 0) return `${what}\ntry fewer words, or the start of a word\n`;
  const time = filters.filter((f) => TIME_WORD.test(f));
  const advice = time.length > 0
    ? `try a wider time: drop ${time.join(', ')}${filters.length > time.length ? `, or another filter (${filters.filter((f) => !time.includes(f)).join(', ')})` : ''}`
    : `try dropping a filter (${filters.join(', ')})`;
  return `${what} with ${filters.join(', ')}\n${advice}\n`;
}

/**
 * Best first, numbered: raw BM25 scores mean little to a reader, so the human form shows the rank
 * (and --json keeps the score). Each hit: title and path, kind, local time, snippet, and why it
 * matched when the daemon says.
 */
function formatRecall(hits: RecallHit[], opts: { query: string; filters: string[] }): string {
  if (hits.length === 0) return nothingMatched(opts.query, opts.filters);
  const corrected = correctedQuery(hits, opts.query);
  const head = corrected !== undefined ? `showing results for ${corrected}\n` : '';
  return head + hits.map((h, i) => formatHit(h, i)).join('\n') + '\n';
}

function formatHit(h: RecallHit, i: number): string {
  const title = h.path && h.title !== h.path ? `${h.title}  (${h.path})` : (h.path ?? h.title);
  const exit = h.kind === 'terminal' && typeof h.exitCode === 'number' ? `, exit ${h.exitCode}` : '';
  const snippet = h.snippet.replace(/\s+/g, ' ').trim().slice(0, 160);
  const lines = [`${String(i + 1).padStart(3)}. ${title}  [${h.kind}${exit}, ${localTime(h.capturedAt)}]`];
  if (snippet) lines.push(`     ${snippet}`);
  if (h.match) {
    const tier = TIER_WORDS[h.match.tier] ?? h.match.tier;
    const terms = h.match.terms.length > 0 ? ` on ${h.match.terms.join(', ')}` : '';
    const filters = h.match.filters && h.match.filters.length > 0 ? ` · ${h.match.filters.join(', ')}` : '';
    lines.push(`     why: ${tier}${terms}${filters}`);
  }
  return lines.join('\n');
}
