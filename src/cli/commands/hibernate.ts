// `dormouse hibernate`: suspends the loops now unless work is queued or in flight.
import { type CliContext, printJson, withClient } from '../context';

export function hibernateCommand(ctx: CliContext): Promise<number> {
  return withClient(ctx, async (client) => {
    const result = await client.request('hibernate', {});
    if (ctx.json) printJson(ctx, result);
    else ctx.io.stdout(result.hibernated ? 'hibernating\n' : `not hibernating: ${result.reason ?? 'work is queued or in flight'}\n`);
    return 0;
  });
}
