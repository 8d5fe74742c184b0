// `dormouse stop`: graceful stop; in-flight jobs finish up to the daemon's timeout, queued jobs stay durable.
import { waitFor } from '../../shared/event';
import { RpcError } from '../../shared/protocol';
import { type CliContext, printJson, withClient } from '../context';

/** How long `stop` waits for the daemon to close the connection (its own drain timeout is shorter). */
const STOP_WAIT_MS = 60_000;

export function stopCommand(ctx: CliContext): Promise<number> {
  return withClient(ctx, async (client) => {
    const pid = client.hello.daemonPid;
    const gone = waitFor(client.onDidDisconnect);
    try {
      await client.request('stop', {});
    } catch (error) {
      // Closing the socket before the reply went out is still a stop.
      if (!(error instanceof RpcError && error.code === 'DISCONNECTED')) throw error;
    }
    // The daemon finishes in-flight jobs, then closes its socket: wait for that, within reason.
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      gone.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (ctx.json) printJson(ctx, { stopped, pid });
    else ctx.io.stdout(stopped ? `dormouse daemon stopped (pid ${pid})\n` : `stop requested; daemon (pid ${pid}) is still finishing\n`);
    return 0;
  });
}
