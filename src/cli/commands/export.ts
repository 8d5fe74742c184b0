// `dormouse export [--since T] > memories.jsonl`: every memory as one JSON object per line
// (ExportedMemory), oldest first, fetched page by page so neither side holds the whole memory.
// The count goes to stderr so stdout stays pure JSONL.
import type { Result } from '../../shared/protocol';
import { type CliContext, withClient } from '../context';
import { type TimeSpec, resolveTimeSpec } from '../time-arg';

const PAGE = 200;

export function exportCommand(ctx: CliContext, opts: { since?: TimeSpec }): Promise<number> {
  const since = opts.since === undefined ? undefined : resolveTimeSpec(opts.since, Date.now());
  return withClient(ctx, async (client) => {
    let afterId: number | null = 0;
    let count = 0;
    let truncated = 0;
    while (afterId !== null) {
      const page: Result<'export'> = await client.request('export', { afterId, limit: PAGE, ...(since !== undefined && { since }) }, { timeoutMs: 60_000 });
      if (page.memories.length > 0) ctx.io.stdout(page.memories.map((m) => JSON.stringify(m)).join('\n') + '\n');
      count += page.memories.length;
      truncated += page.memories.filter((m) => m.truncated).length;
      afterId = page.nextAfterId;
    }
    const cut = truncated > 0 ? ` (${truncated} cut to fit the daemon's message limit, ipcMaxMessageBytes)` : '';
    ctx.io.stderr(`exported ${count} memor${count === 1 ? 'y' : 'ies'}${cut}\n`);
    return 0;
  });
}
