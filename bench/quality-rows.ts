// The recall-quality benchmark (bench/recall-quality.ts) as report rows: hit@5 and MRR per query
// kind beside the old single-column plain match, same corpus, same run; targets from the issue.
import { runRecallQuality } from './recall-quality';
import type { BenchRow } from './report';

const HIT5_TARGET: Record<string, number> = { exact: 0.9, words: 0.9, prefix: 0.9, typo: 0.8, filtered: 0.9 };

export async function benchRecallQuality(repo: string): Promise<BenchRow[]> {
  const r = runRecallQuality(repo);
  const section = `recall quality (${r.memories} git versions)`;
  const rows: BenchRow[] = [];
  for (const q of r.rows) {
    const target = HIT5_TARGET[q.kind];
    rows.push({
      section, name: `${q.kind}: hit@5 (${q.queries} queries)`, value: q.hitAt5, unit: '',
      baseline: { name: 'plain bm25', value: q.baselineHitAt5 },
      ...(target === undefined ? {} : { target: `>= ${target}`, pass: q.hitAt5 >= target }),
    });
    rows.push({ section, name: `${q.kind}: MRR`, value: q.mrr, unit: '', baseline: { name: 'plain bm25', value: q.baselineMrr } });
    if (q.kind === 'filtered') rows.push({ section, name: 'filtered: hits outside the filter', value: q.outsideFilter, unit: '', target: '0', pass: q.outsideFilter === 0 });
  }
  return rows;
}
