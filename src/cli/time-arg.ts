// Times and durations on the command line: `--before 3d` (older than three days), `--for 15m`,
// `--since 2026-05-01`, `--until 2026-05-01T18:00`. A duration is one or more number+unit pairs
// (s, m, h, d, w: `1h30m`); a time is ISO-8601, and a date alone is local midnight.

export type TimeSpec = { ago: number } | { at: number };

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a duration like 15m, 3d or 1h30m; null when it is not one. */
export function parseDuration(raw: string): number | null {
  if (!/^(\d+[smhdw])+$/.test(raw)) return null;
  let ms = 0;
  for (const [, n, unit] of raw.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

/** A wall time (epoch ms) from ISO-8601; null when it is not one. */
export function parseTime(raw: string): number | null {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const at = date ? new Date(Number(date[1]), Number(date[2]) - 1, Number(date[3])).getTime() : /^\d{4}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  return Number.isFinite(at) && at >= 0 ? at : null;
}

/** A duration (counted back from now) or a time; null when it is neither. */
export function parseTimeSpec(raw: string): TimeSpec | null {
  const ms = parseDuration(raw);
  if (ms !== null) return { ago: ms };
  const at = parseTime(raw);
  return at === null ? null : { at };
}

export function resolveTimeSpec(spec: TimeSpec, now: number): number {
  return 'at' in spec ? spec.at : Math.max(0, now - spec.ago);
}
