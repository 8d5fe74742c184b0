// `dormouse pause [--for 15m | --until TIME]` / `dormouse resume`: while paused the daemon drops
// every capture (nothing is queued or stored); recall keeps working. The pause survives a daemon
// restart and ends by itself at its end time. Control-plane calls: they wake nothing.
import type { CapturePause } from '../../shared/status';
import { type CliContext, printJson, withClient } from '../context';
import { type TimeSpec, resolveTimeSpec } from '../time-arg';

export function pauseCommand(ctx: CliContext, opts: { for?: number; until?: TimeSpec }): Promise<number> {
  const now = Date.now();
  const until = opts.for !== undefined ? now + opts.for : opts.until !== undefined ? untilOf(opts.until, now) : undefined;
  return withClient(ctx, async (client) => {
    const pause = await client.request('pause', until === undefined ? {} : { until });
    if (ctx.json) printJson(ctx, pause);
    else ctx.io.stdout(`${describePause(pause)}\n`);
    return 0;
  });
}

export function resumeCommand(ctx: CliContext): Promise<number> {
  return withClient(ctx, async (client) => {
    const pause = await client.request('resume', {});
    if (ctx.json) printJson(ctx, pause);
    else ctx.io.stdout(`${describePause(pause)}\n`);
    return 0;
  });
}

/** "--until 2h" reads as "two hours from now" (a duration), a time as itself. */
function untilOf(spec: TimeSpec, now: number): number {
  return 'ago' in spec ? now + spec.ago : resolveTimeSpec(spec, now);
}

function describePause(p: CapturePause): string {
  if (!p.paused) return 'capture is on (not paused)';
  return p.until === null ? 'capture paused until you run `dormouse resume`' : `capture paused until ${new Date(p.until).toLocaleString()} (${p.until})`;
}
