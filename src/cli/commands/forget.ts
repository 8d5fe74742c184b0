// `dormouse forget ID | --path P | --before T | --all [--yes]`: deletes memories from disk (the
// daemon also purges the index, freed pages and the WAL). Asks first on a terminal unless --yes;
// without a terminal it needs --yes (exit 2), so a script never forgets by accident.
import { resolve } from 'node:path';
import type { ForgetTarget } from '../../shared/protocol';
import { type CliContext, CliError, printJson, withClient } from '../context';
import { type TimeSpec, resolveTimeSpec } from '../time-arg';

export type ForgetWhat = { id: number } | { path: string } | { before: TimeSpec } | { all: true };

/** Forgetting runs the FTS optimize and a checkpoint: on a large memory that takes a while. */
const FORGET_TIMEOUT_MS = 5 * 60_000;

export async function forgetCommand(ctx: CliContext, opts: { what: ForgetWhat; yes: boolean }): Promise<number> {
  const target = toTarget(ctx, opts.what);
  if (!opts.yes) {
    if (!ctx.prompt) throw new CliError(2, `forget deletes ${describe(target)} for good; pass --yes to confirm (no terminal to ask on)`, 'CONFIRMATION_REQUIRED');
    const answer = await ctx.prompt(`Forget ${describe(target)}? This cannot be undone. [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) {
      if (ctx.json) printJson(ctx, { forgotten: 0, cancelled: true });
      else ctx.io.stdout('nothing forgotten\n');
      return 0;
    }
  }
  return withClient(ctx, async (client) => {
    const { forgotten } = await client.request('forget', target, { timeoutMs: FORGET_TIMEOUT_MS });
    if (ctx.json) printJson(ctx, { forgotten });
    else ctx.io.stdout(`forgot ${forgotten} memor${forgotten === 1 ? 'y' : 'ies'}\n`);
    return 0;
  });
}

function toTarget(ctx: CliContext, what: ForgetWhat): ForgetTarget {
  if ('path' in what) return { path: resolve(ctx.cwd, what.path) };
  if ('before' in what) return { before: resolveTimeSpec(what.before, Date.now()) };
  return what;
}

function describe(target: ForgetTarget): string {
  if ('id' in target) return `memory ${target.id}`;
  if ('path' in target) return `every memory of ${target.path} (and under it)`;
  if ('before' in target) return `every memory captured before ${new Date(target.before).toLocaleString()}`;
  return 'EVERY memory';
}
