// The MCP tool-call round trip (`dormouse mcp` over stdio, the SDK's own client) against a direct
// IPC recall on the same daemon in the same run, interleaved; and the size of a typical answer
// against the 2,000-token budget.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ANSWER_BUDGET_CHARS } from '../src/agents/answer';
import { CLI_SCRIPT, startDaemon, waitForStatus } from '../test/helpers/daemon-process';
import { type BenchRow, percentile } from './report';

const WORDS = ['retry', 'backoff', 'upload', 'parser', 'token', 'queue', 'lease', 'socket', 'cursor', 'schema', 'migration', 'jitter'];

export async function benchMcp(samples: number): Promise<BenchRow[]> {
  const d = await startDaemon({ settings: { idleExitMs: 0, suspendAfterMs: 0 } });
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI_SCRIPT, '--data-dir', d.dataDir, 'mcp'], env: { ...(process.env as Record<string, string>) }, stderr: 'ignore' });
  const mcp = new Client({ name: 'bench', version: '0' });
  try {
    const client = await d.client('bench');
    // 300 memories of code-like text, each naming a few of the words.
    const jobs = Array.from({ length: 300 }, (_, i) => ({
      kind: 'capture' as const,
      payload: { type: 'text' as const, title: `note ${i}`, text: Array.from({ length: 40 }, (_, j) => `${WORDS[(i * 7 + j * 3) % WORDS.length]}_${j % 9} = ${i}; // ${WORDS[(i + j) % WORDS.length]}`).join('\n') },
    }));
    await client.request('enqueue', { jobs });
    await waitForStatus(client, (s) => s.counters.capturesStored >= jobs.length);
    await mcp.connect(transport);

    const direct: number[] = [];
    const viaMcp: number[] = [];
    const sizes: number[] = [];
    const round = async (i: number, record: boolean) => {
      const query = WORDS[i % WORDS.length] as string;
      let t0 = performance.now();
      await client.request('recall', { query, limit: 11 }); // the tool asks for limit + 1
      const a = performance.now() - t0;
      t0 = performance.now();
      const r = (await mcp.callTool({ name: 'dormouse_search', arguments: { query } })) as { content: Array<{ text?: string }>; isError?: boolean };
      const b = performance.now() - t0;
      if (r.isError) throw new Error(`dormouse_search failed: ${r.content[0]?.text}`);
      if (record) {
        direct.push(a);
        viaMcp.push(b);
        sizes.push(r.content.map((c) => c.text ?? '').join('').length);
      }
    };
    for (let i = 0; i < 30; i++) await round(i, false); // warm-up (JIT, statement cache)
    for (let i = 0; i < samples; i++) await round(i, true);

    if (process.env.DM_BENCH_DEBUG) console.error('mcp', [50, 90, 95, 98, 99, 100].map((p) => percentile(viaMcp, p).toFixed(2)).join(' '), 'direct', [50, 90, 95, 98, 99, 100].map((p) => percentile(direct, p).toFixed(2)).join(' '));
    const p50 = percentile(viaMcp, 50);
    const p99 = percentile(viaMcp, 99);
    const d99 = percentile(direct, 99);
    const size = percentile(sizes, 50);
    return [
      { section: 'agents', name: `MCP tool call dormouse_search round trip p50 (${samples} samples)`, value: p50, unit: 'ms', baseline: { name: 'direct IPC recall', value: percentile(direct, 50) } },
      { section: 'agents', name: `MCP tool call dormouse_search round trip p99 (${samples} samples)`, value: p99, unit: 'ms', baseline: { name: 'direct IPC recall', value: d99 }, target: 'MCP adds <= 2 ms', pass: p99 - d99 <= 2 },
      { section: 'agents', name: 'typical answer size (dormouse_search, 10 results) p50', value: size, unit: 'chars', baseline: { name: 'budget (2,000 tokens x 4)', value: ANSWER_BUDGET_CHARS }, target: '<= budget', pass: Math.max(...sizes) <= ANSWER_BUDGET_CHARS },
    ];
  } finally {
    await mcp.close().catch(() => {});
    await d.kill();
  }
}
