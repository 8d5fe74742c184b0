// `dormouse recall QUERY [--limit N] [--json]`: full-text search over captured memories.
// --json prints the array of {id, kind, path, title, capturedAt, snippet, score}.
import type { RecallHit } from '../../shared/protocol';
import { type CliContext, printJson, withClient } from '../context';

export function recallCommand(ctx: CliContext, opts: { query: string; limit?: number }): Promise<number> {
  return withClient(ctx, async (client) => {
    const hits = await client.request('recall', { query: opts.query, ...(opts.limit !== undefined && { limit: opts.limit }) });
    if (ctx.json) printJson(ctx, hits);
    else ctx.io.stdout(formatHits(hits));
    return 0;
  });
}

export function formatHits(hits: RecallHit[]): string {
  if (hits.length === 0) return 'no memories match\n';
  return hits
    .map((h) => {
      const where = h.path ?? h.title;
      const snippet = h.snippet.replace(/\s+/g, ' ').trim().slice(0, 160);
      return `${formatScore(h.score)}  ${h.kind.padEnd(9)}  ${where}  ${h.capturedAt}\n      ${snippet}`;
    })
    .join('\n') + '\n';
}

/** Scores are relative (BM25-like, often tiny): three significant digits keep them comparable. */
function formatScore(score: number): string {
  return score.toPrecision(3).padStart(9);
}
