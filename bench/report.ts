// One row of the benchmark report: a figure with its baseline measured in the same run, the
// configuration it was measured in, and (optionally) a target that the run is judged by.
//
// Three rules live here, so that no bench can break them by accident:
// - every row says what it measured: `config` is required (the product as shipped, or what differs);
// - a percentile is reported only where the sample supports it (`percentile`, `tail`);
// - a target is judged where it is stated: a row states a target and its verdict together, and a
//   target in absolute time (machine-dependent) says so on the row (`absoluteAtMost`); others
//   are ratios against the row's same-run baseline (`ratioAtMost`, `ratioAtLeast`) or exact counts.

/** A target and its verdict: stated together or not at all, so no row can state a target nobody judges. */
export type Judged = { target: string; pass: boolean } | { target?: undefined; pass?: undefined };

export type BenchRow = {
  section: string;
  name: string;
  value: number;
  unit: string;
  /**
   * What was measured: "shipped defaults" (dist/ bundles started as the product starts them, no
   * settings changed) or every way the measurement differs from the product as shipped (settings
   * changed, in process instead of the daemon, a shim instead of VS Code, a synthetic corpus...).
   */
  config: string;
  baseline?: { name: string; value: number };
} & Judged;

/** For a row whose target applies only sometimes: `...(atScale ? absoluteAtMost(...) : NO_TARGET)`. */
export const NO_TARGET: Judged = {};

/** Rows that state a target and missed it. */
export function missedTargets(rows: readonly BenchRow[]): BenchRow[] {
  return rows.filter((r) => r.pass === false);
}

/**
 * A target in absolute units of time, machine-dependent: kept only where an issue states the
 * figure (`source`), and marked "absolute" on the row, since a slower machine misses it without
 * any change in the product.
 */
export function absoluteAtMost(value: number, budget: number, unit: string, source: string): { target: string; pass: boolean } {
  return { target: `<= ${budget} ${unit} (absolute, ${source})`, pass: value <= budget };
}

/** value <= factor x the row's same-run baseline; `why` says where the factor comes from. */
export function ratioAtMost(value: number, baseline: number, factor: number, why?: string): { target: string; pass: boolean } {
  return { target: `<= ${factor}x baseline${why ? ` (${why})` : ''}`, pass: Number.isFinite(value) && Number.isFinite(baseline) && value <= factor * baseline };
}

/** value >= factor x the row's same-run baseline; `why` says where the factor comes from. */
export function ratioAtLeast(value: number, baseline: number, factor: number, why?: string): { target: string; pass: boolean } {
  return { target: `>= ${factor}x baseline${why ? ` (${why})` : ''}`, pass: Number.isFinite(value) && Number.isFinite(baseline) && value >= factor * baseline };
}

/** A count or score judged exactly (machine-independent: statements, timers, formats found, hit@5). */
export function countAtMost(value: number, limit: number, unit = ''): { target: string; pass: boolean } {
  return { target: `<= ${limit}${unit ? ` ${unit}` : ''}`, pass: value <= limit };
}

export function countAtLeast(value: number, limit: number, unit = ''): { target: string; pass: boolean } {
  return { target: `>= ${limit}${unit ? ` ${unit}` : ''}`, pass: value >= limit };
}

/**
 * The fewest samples a p-th percentile needs: enough that at least one sample lies beyond it
 * (p99: 100, p95: 20, p90: 10, p50: 2). With fewer, "p99" is only the maximum under another name.
 */
export function minSamplesFor(p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`a percentile is between 0 and 100, got ${p}`);
  return p === 100 ? 1 : Math.ceil(100 / (100 - p) - 1e-9);
}

/** The p-th percentile (nearest rank); refuses a sample too small to support it (see minSamplesFor). */
export function percentile(values: readonly number[], p: number): number {
  const needed = minSamplesFor(p);
  if (values.length < needed) {
    throw new RangeError(`p${p} needs at least ${needed} samples, got ${values.length}: report the max of ${values.length} (tail()) or take more samples`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * The p-th percentile when the sample supports it, else the maximum, with a label that says which
 * (`p99 of 300` or `max of 50 (too few for a p99)`), for the row's name.
 */
export function tail(values: readonly number[], p: number): { label: string; value: number } {
  if (values.length === 0) return { label: `p${p} of no samples`, value: Number.NaN };
  if (values.length >= minSamplesFor(p)) return { label: `p${p} of ${values.length}`, value: percentile(values, p) };
  return { label: `max of ${values.length} (too few for a p${p})`, value: Math.max(...values) };
}

/** The median, labelled with its sample size. */
export function median(values: readonly number[]): { label: string; value: number } {
  if (values.length === 0) return { label: 'p50 of no samples', value: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  return { label: `p50 of ${values.length}`, value: sorted[Math.ceil(sorted.length / 2) - 1]! };
}

const fmt = (n: number): string => (Number.isNaN(n) ? 'n/a' : Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(3));

/** The report as a markdown table, every row with its configuration; printed and returned. */
export function formatReport(rows: readonly BenchRow[]): string {
  const lines = [
    '| section | figure | value | baseline (same run) | ratio | target | ok | measured with |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    if (r.config.trim() === '') throw new Error(`bench row "${r.section}: ${r.name}" does not say what configuration it measured`);
    const ratio = r.baseline && r.baseline.value !== 0 && Number.isFinite(r.value) ? `${fmt(r.value / r.baseline.value)}x` : '';
    const base = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '';
    const ok = r.pass === undefined ? '' : r.pass ? 'yes' : 'NO';
    lines.push(`| ${r.section} | ${r.name} | ${fmt(r.value)} ${r.unit} | ${base} | ${ratio} | ${r.target ?? ''} | ${ok} | ${r.config} |`);
  }
  return lines.join('\n');
}

export function printReport(rows: readonly BenchRow[]): string {
  const text = formatReport(rows);
  console.log(text);
  return text;
}
