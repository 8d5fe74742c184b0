// A real daemon whose shared store (storeUrl) cannot be reached: the Timeline and the agent tools,
// which list and search through recallWithNote, show the note that the answer is this machine's
// only. No PostgreSQL needed: the URL names a socket folder where no server listens.
import { expect, test } from 'vitest';
import { DaemonBackend } from '../../../src/agents/daemon-backend';
import { callTool } from '../../../src/agents/tools';
import { TimelinePager, buildTimeline } from '../../../src/extension/core/timeline-model';
import { ManualClock } from '../../../src/shared/clock';
import type { DaemonClient } from '../../../src/client/daemon-client';
import { type DaemonHandle, tempDataDir, waitForStatus } from '../../helpers/daemon-process';
import { useDaemons } from '../../helpers/use-daemons';

const daemon = useDaemons();
const UNREACHABLE = /^shared store unreachable, showing this machine's memories only: .+/;

async function unreachableStoreDaemon(): Promise<{ d: DaemonHandle; c: DaemonClient }> {
  const nowhere = tempDataDir('dm-no-postgres-');
  // PGPASSWORD: the password comes from somewhere, so no keychain is asked; no server ever reads it.
  const d = await daemon({
    settings: { storeUrl: `postgres://nobody@/none?host=${encodeURIComponent(nowhere)}&port=1` },
    env: { ...process.env, PGPASSWORD: 'unused' },
  });
  const c = await d.client();
  await c.request('enqueue', { jobs: [{ kind: 'capture', payload: { type: 'text', text: 'the quagga retry budget is 3', title: 'quagga note' } }] });
  await waitForStatus(c, (s) => s.counters.capturesStored === 1);
  return { d, c };
}

test("the Timeline lists this machine's memories under the note that the shared store is unreachable", async () => {
  const { c } = await unreachableStoreDaemon();
  const clock = new ManualClock();
  const pager = new TimelinePager({ clock, fetch: (offset, limit) => c.request('recallWithNote', { query: '', offset, limit }) });
  await pager.refresh();
  const input = pager.input(clock.now());
  expect(input.note).toMatch(UNREACHABLE);
  const rows = buildTimeline(input);
  expect(rows[0]).toMatchObject({ id: 'timeline/note', label: "shared store unreachable, showing this machine's memories only", icon: 'warning' });
  expect(rows.slice(1).flatMap((day) => day.children ?? []).flatMap((g) => g.children ?? []).map((m) => m.label)).toEqual(['quagga note']);
  pager.dispose();
});

test('the agent tools (through the MCP server\'s backend) open their answers with the note and still answer from this machine', async () => {
  const { d } = await unreachableStoreDaemon();
  const backend = new DaemonBackend({ paths: d.paths, clientName: 'test-agent', env: process.env, autoStart: false });
  try {
    const found = await callTool('dormouse_search', { query: 'quagga' }, { backend });
    expect(found.isError, found.text).toBe(false);
    const [first, ...rest] = found.text.split('\n');
    expect(first).toMatch(/^Note: shared store unreachable, showing this machine's memories only: .+/);
    expect(rest.join('\n')).toMatch(/\[\d+\] text · quagga note/);

    const recent = await callTool('dormouse_recent_activity', { since: '1h' }, { backend });
    expect(recent.isError, recent.text).toBe(false);
    expect(recent.text.split('\n')[0]).toMatch(/^Note: shared store unreachable/);
    expect(recent.text).toMatch(/Notes \(1\)[^]*quagga note/);
  } finally {
    backend.close();
  }
});
