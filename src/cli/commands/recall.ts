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

/**
 * Best first, numbered: raw BM25 scores mean little to a reader (on a small corpus they are
 * ~1e-6), so the human form shows the rank and `--json` keeps the score.
 */
export function formatHits(hits: RecallHit[]): string {
  if (hits.length === 0) return 'no memories match\n';
  return hits
    .map((h, i) => {
      const title = h.path && h.title !== h.path ? `${h.title}  (${h.path})` : (h.path ?? h.title);
      const when = h.capturedAt.replace('T', ' ').slice(0, 16);
      const snippet = h.snippet.replace(/\s+/g, ' ').trim().slice(0, 160);
      return `${String(i + 1).padStart(3)}. ${title}  [${h.kind}, ${when}]\n     ${snippet}`;
    })
    .join('\n') + '\n';
}
