// `dormouse wake`: wakes every loop and the reaper now.
import { type CliContext, printJson, withClient } from '../context';

export function wakeCommand(ctx: CliContext): Promise<number> {
  return withClient(ctx, async (client) => {
    const result = await client.request('wake', {});
    if (ctx.json) printJson(ctx, result);
    else ctx.io.stdout(result.woken.length ? `woke ${result.woken.join(', ')}\n` : 'nothing to wake\n');
    return 0;
  });
}
