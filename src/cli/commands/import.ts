// `dormouse import FILE`: reads JSONL (what `export` writes) and sends it in batches (at most 1000
// memories, and within the daemon's message limit). A malformed line is reported with its line
// number and skipped; the rest is still imported, and the command then exits 2. The daemon skips
// what it already has (importing twice imports nothing the second time) and refuses secrets and
// excluded paths as it does for captures.
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { DaemonClient } from '../../client/daemon-client';
import { type ExportedMemory, exportedMemory } from '../../shared/protocol';
import { ValidationError } from '../../shared/validate';
import { type CliContext, CliError, printJson, withClient } from '../context';
import { errorMessage } from '../../shared/error-message';

const BATCH = 1000;
/** Room for the request envelope around the memories. */
const ENVELOPE_BYTES = 4 * 1024;

interface Totals {
  imported: number;
  skipped: number;
  refused: number;
}

export function importCommand(ctx: CliContext, opts: { file: string }): Promise<number> {
  const file = resolve(ctx.cwd, opts.file);
  try {
    if (!statSync(file).isFile()) throw new Error('not a regular file');
  } catch (error) {
    throw new CliError(2, `cannot import ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(error)}`, 'BAD_INPUT');
  }
  return withClient(ctx, async (client) => {
    const budget = client.hello.maxMessageBytes - ENVELOPE_BYTES;
    const totals: Totals = { imported: 0, skipped: 0, refused: 0 };
    const malformed: Array<{ line: number; error: string }> = [];
    let batch: ExportedMemory[] = [];
    let batchBytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await send(client, batch, totals);
      batch = [];
      batchBytes = 0;
    };
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let n = 0;
    for await (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      let memory: ExportedMemory;
      try {
        memory = exportedMemory(JSON.parse(text), 'memory');
      } catch (error) {
        const why = error instanceof ValidationError || error instanceof SyntaxError ? error.message : String(error);
        malformed.push({ line: n, error: why });
        ctx.io.stderr(`dormouse: ${file}:${n}: skipped: ${why}\n`);
        continue;
      }
      const bytes = Buffer.byteLength(JSON.stringify(memory)) + 1;
      if (bytes > budget) {
        malformed.push({ line: n, error: `${bytes} bytes, over the daemon's message limit (ipcMaxMessageBytes ${client.hello.maxMessageBytes})` });
        ctx.io.stderr(`dormouse: ${file}:${n}: skipped: too large for one message (${bytes} bytes)\n`);
        continue;
      }
      if (batch.length >= BATCH || batchBytes + bytes > budget) await flush();
      batch.push(memory);
      batchBytes += bytes;
    }
    await flush();
    if (ctx.json) printJson(ctx, { ...totals, malformed });
    else {
      ctx.io.stdout(`imported ${totals.imported}, skipped ${totals.skipped} (already stored), refused ${totals.refused} (secrets, excluded paths, too large)\n`);
      if (malformed.length > 0) ctx.io.stdout(`${malformed.length} malformed line(s) not imported\n`);
    }
    return malformed.length > 0 ? 2 : 0;
  });
}

async function send(client: DaemonClient, memories: ExportedMemory[], totals: Totals): Promise<void> {
  const r = await client.request('import', { memories }, { timeoutMs: 120_000 });
  totals.imported += r.imported;
  totals.skipped += r.skipped;
  totals.refused += r.refused;
}
