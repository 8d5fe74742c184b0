// `dormouse capture --file PATH...` / `--text TEXT [--title T]`: one enqueue call with one job
// per file (or one for the text). File contents are not sent: the daemon reads the file, which
// keeps IPC messages small and applies its size and exclude rules in one place.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JobInput } from '../../shared/protocol';
import { type CliContext, CliError, printJson, withClient } from '../context';

export function captureCommand(ctx: CliContext, opts: { files: string[]; text?: string; title?: string }): Promise<number> {
  const now = Date.now();
  const jobs: JobInput[] = [];
  if (opts.text !== undefined) {
    jobs.push({ kind: 'capture', payload: { type: 'text', text: opts.text, capturedAt: now, ...(opts.title !== undefined && { title: opts.title }) } });
  }
  for (const file of opts.files) {
    const path = resolve(ctx.cwd, file);
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch {
      throw new CliError(2, `cannot capture ${path}: no such file`, 'BAD_INPUT');
    }
    if (!isFile) throw new CliError(2, `cannot capture ${path}: not a regular file`, 'BAD_INPUT');
    jobs.push({ kind: 'capture', payload: { type: 'file', path, capturedAt: now } });
  }
  return withClient(ctx, async (client) => {
    if (opts.text !== undefined && Buffer.byteLength(opts.text) > 64 * 1024) {
      // The daemon closes a connection whose frame exceeds its limit, which would surface as a
      // confusing DISCONNECTED: check a large text against the limit first (status is cheap).
      const limit = (await client.request('status', {})).config.ipcMaxMessageBytes;
      const frame = Buffer.byteLength(JSON.stringify({ type: 'request', data: { id: Number.MAX_SAFE_INTEGER, method: 'enqueue', params: { jobs } } })) + 1;
      if (frame > limit) {
        throw new CliError(2, `the text is too large for one IPC message (${frame} bytes; the daemon's ipcMaxMessageBytes is ${limit}); capture it with --file instead`, 'TOO_LARGE');
      }
    }
    const { ids, dropped, capture } = await client.request('enqueue', { jobs });
    if (dropped) {
      const until = capture?.until ? `until ${capture.until}` : 'until `dormouse resume`';
      throw new CliError(2, `capture is paused (${until}): nothing captured`, 'CAPTURE_PAUSED');
    }
    if (ctx.json) printJson(ctx, { ids });
    else ctx.io.stdout(`queued ${ids.length} capture job${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}\n`);
    return 0;
  });
}
