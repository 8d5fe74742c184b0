// `dormouse status [--json]`: a control-plane call (never activity, never wakes a loop, no SQL).
// --json prints the daemon's DaemonStatus document exactly as it sent it.
import type { DaemonStatus } from '../../shared/status';
import { type CliContext, printJson, withClient } from '../context';

export function statusCommand(ctx: CliContext): Promise<number> {
  return withClient(ctx, async (client) => {
    const status = await client.request('status', {});
    if (ctx.json) printJson(ctx, status);
    else ctx.io.stdout(formatStatus(status));
    return 0;
  });
}

function formatStatus(s: DaemonStatus): string {
  const lines: string[] = [];
  lines.push(`dormouse ${s.version}  pid ${s.pid}  up ${duration(s.uptimeMs)}  state: ${s.state}${s.foreground ? ' (foreground)' : ''}`);
  lines.push(`socket: ${s.socket}`);
  if (s.dataDir) lines.push(`data dir: ${s.dataDir}`);
  if (typeof s.clients === 'number') lines.push(`clients: ${s.clients}${s.connections ? `  (connections ${s.connections.open} of at most ${s.connections.max}, ${s.connections.refused} refused${s.connections.openFileLimit !== null ? `; open-file limit ${s.connections.openFileLimit}` : ''})` : ''}`);
  lines.push('loops:');
  const width = Math.max(6, ...(s.loops ?? []).map((l) => l.name.length));
  for (const l of s.loops ?? []) {
    const stale = l.stale ? '  STALE' : '';
    const next = l.nextPollAt ? `  next ${l.nextPollAt}` : '';
    lines.push(`  ${l.name.padEnd(width)}  ${l.state.padEnd(11)}  every ${duration(l.intervalMs)}  polls ${l.polls}${stale}${next}`);
  }
  const q = s.queue;
  if (q) lines.push(`queue: queued ${q.queued}, leased ${q.leased}, retrying ${q.retrying}, dead ${q.dead}, done ${q.done}`);
  const h = s.health;
  if (h) {
    const flags = [`pollStale ${yesNo(h.pollStale)}`, `stuckQueue ${yesNo(h.stuckQueue)}${h.stuckSince ? ` (since ${h.stuckSince})` : ''}`];
    if (h.staleLoops?.length) flags.push(`stale loops: ${h.staleLoops.join(', ')}`);
    lines.push(`health: ${flags.join(', ')}`);
  }
  const c = s.counters;
  if (c) {
    const counters = Object.entries(c).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k} ${v}`);
    lines.push(`counters: ${counters.join(', ')}`);
  }
  if (s.capture?.paused) lines.push(s.capture.until === null ? 'capture paused until resumed (`dormouse resume`)' : `capture paused until ${s.capture.until}`);
  if (s.pendingRestart?.length) lines.push(`pending restart: ${s.pendingRestart.join(', ')}`);
  if (s.database?.quarantined) lines.push(`database: quarantined to ${s.database.quarantined.movedTo} (${s.database.quarantined.reason})`);
  const repair = s.database?.lastRepair;
  if (repair) {
    const lost = (n: number | null) => (n === null ? 'unknown' : String(n));
    lines.push(`database repaired (${repair.kind}) at ${repair.at}: ${repair.saved.memories} memories saved, ${lost(repair.lost.memories)} lost; ${repair.saved.jobs} jobs saved, ${lost(repair.lost.jobs)} lost${repair.movedTo ? `; damaged file kept at ${repair.movedTo}` : ''}`);
  }
  if (s.diskFull) lines.push(`${s.diskFull.message} since ${s.diskFull.since}: captures are refused until space is freed`);
  if (s.dataDirWarning) lines.push(`warning: ${s.dataDirWarning}`);
  return lines.join('\n') + '\n';
}

function yesNo(v: boolean): string {
  return v ? 'YES' : 'no';
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;
  return `${Math.floor(ms / 3_600_000)}h${Math.floor((ms % 3_600_000) / 60_000)}m`;
}
