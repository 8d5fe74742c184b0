// One row of the benchmark report: a figure with its baseline measured in the same run.
export interface BenchRow {
  section: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  target?: string;
  pass?: boolean;
}

/** Rows that state a target and missed it (pass === false). */
export function missedTargets(rows: readonly BenchRow[]): BenchRow[] {
  return rows.filter((r) => r.pass === false);
}

/** A row judged against an upper bound: target text and pass flag in one place. */
export function atMost(value: number, budget: number, unit: string): Pick<BenchRow, 'target' | 'pass'> {
  return { target: `<= ${budget} ${unit}`, pass: value <= budget };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(3));

export function printReport(rows: BenchRow[]): string {
  const lines = [
    '| section | figure | value | baseline (same run) | ratio | target | ok |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const ratio = r.baseline && r.baseline.value !== 0 ? `${fmt(r.value / r.baseline.value)}x` : '';
    const base = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '';
    const ok = r.pass === undefined ? '' : r.pass ? 'yes' : 'NO';
    lines.push(`| ${r.section} | ${r.name} | ${fmt(r.value)} ${r.unit} | ${base} | ${ratio} | ${r.target ?? ''} | ${ok} |`);
  }
  const text = lines.join('\n');
  console.log(text);
  return text;
}
