// What an idle IPC connection costs the real daemon: 1,000 authenticated idle clients (held by
// child processes, real sockets) on a hibernating daemon, beside the same daemon with one client.
// Served count against the target (node-ipc's default limit was 100), RSS per connection, and
// timers per connection (the daemon's clock: must stay 0, a hibernating daemon arms none).
import { waitForStatus } from '../test/helpers/daemon-process';
import { holdIdleClients } from '../test/helpers/idle-clients';
import { rssMb } from './proc';
import { type BenchRow, countAtMost } from './report';
import { startShippedDaemon } from './shipped-daemon';

const SECTION = 'IPC connections';

export async function benchConnections(clients: number): Promise<BenchRow[]> {
  const d = await startShippedDaemon();
  const holders: Array<{ release(): void }> = [];
  try {
    const probe = await d.client('bench');
    await probe.request('hibernate', {});
    const alone = await waitForStatus(probe, (s) => s.state === 'hibernating' && s.counters.timersArmed === 0);
    const rssAlone = rssMb(d.pid);
    const perChild = 250;
    const held = await Promise.all(Array.from({ length: Math.ceil(clients / perChild) }, (_, i) => holdIdleClients(d.paths, Math.min(perChild, clients - i * perChild))));
    holders.push(...held);
    const served = held.reduce((n, h) => n + h.authed, 0);
    const full = await waitForStatus(probe, (s) => s.clients === served + 1 && s.counters.timersArmed === 0);
    const rssFull = rssMb(d.pid);
    const late = await d.client('late');
    const lateServed = (await late.request('status', {})).clients === served + 2;
    const kbPerConnection = ((rssFull - rssAlone) * 1024) / served;
    const config = `${d.config}; hibernated; ${clients} authenticated idle clients held by child processes on real sockets`;
    return [
      { section: SECTION, name: `idle clients served at once (late client served: ${lateServed ? 'yes' : 'no'})`, value: served, unit: 'clients', baseline: { name: "node-ipc's default maxConnections (its setting)", value: 100 }, target: `>= ${clients} and the late one (issue 9)`, pass: served >= clients && lateServed, config },
      // Budget: 64 kB per connection (a socket, its buffers and node-ipc's state, no timer): memory, not time.
      { section: SECTION, name: `daemon RSS with ${served} idle clients (${kbPerConnection.toFixed(1)} kB each)`, value: rssFull, unit: 'MB', baseline: { name: 'with one client', value: rssAlone }, target: '<= baseline + 64 kB per client', pass: rssFull <= rssAlone + (64 * served) / 1024, config },
      { section: SECTION, name: `timers armed with ${served + 1} idle clients (hibernating)`, value: full.counters.timersArmed, unit: 'timers', baseline: { name: 'with one client', value: alone.counters.timersArmed }, ...countAtMost(full.counters.timersArmed, 0, 'timers'), config },
    ];
  } finally {
    for (const h of holders) h.release();
    await d.kill();
  }
}
