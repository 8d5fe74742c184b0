// `dormouse reload [--config FILE] [--set key=value ...] [--unset key ...]`: all or nothing. Exit 0 lists what
// changed; INVALID_SETTINGS exits 2 listing every rejected key with its reason.
import { resolve } from 'node:path';
import { type CliContext, printJson, withClient } from '../context';

export function reloadCommand(ctx: CliContext, opts: { configFile?: string; settings: Record<string, unknown>; unset?: string[] }): Promise<number> {
  const params = {
    ...(opts.configFile !== undefined && { configFile: resolve(ctx.cwd, opts.configFile) }),
    ...(Object.keys(opts.settings).length > 0 && { settings: opts.settings }),
    ...(opts.unset && opts.unset.length > 0 && { unset: opts.unset }),
  };
  // INVALID_SETTINGS propagates: cli.ts lists every rejected key (stderr, and the JSON error
  // document with --json) and exits 2.
  return withClient(ctx, async (client) => {
    const result = await client.request('reload', params);
    if (ctx.json) {
      printJson(ctx, result);
      return 0;
    }
    if (result.changes.length === 0) ctx.io.stdout('no setting changed\n');
    for (const c of result.changes) {
      ctx.io.stdout(`${c.key}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}${c.live ? '' : ' (after restart)'}\n`);
    }
    if (result.pendingRestart.length > 0) ctx.io.stdout(`waiting for a daemon restart: ${result.pendingRestart.join(', ')}\n`);
    return 0;
  });
}
