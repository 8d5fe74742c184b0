// The recall-quality benchmark (bench/recall-quality.ts) as report rows: hit@5 and MRR per query
// kind beside the old single-column plain match, same corpus, same run; targets from the issue.
import { runRecallQuality } from './recall-quality';
import { type BenchRow, NO_TARGET, countAtLeast, countAtMost } from './report';

export const HIT5_TARGET: Record<string, number> = { exact: 0.9, words: 0.9, prefix: 0.9, typo: 0.8, filtered: 0.9 };

export async function benchRecallQuality(repo: string): Promise<BenchRow[]> {
  const r = await runRecallQuality(repo);
  const section = `recall quality (${r.memories} git versions)`;
  const config = `in process, no daemon: every version of src/**/*.ts in this repository's git history as one memory each, through the daemon's MemoryStore and searchQuery (limit 20); baseline: the old single-column index with the old plain match`;
  const rows: BenchRow[] = [];
  for (const q of r.rows) {
    const target = HIT5_TARGET[q.kind];
    rows.push({
      section, name: `${q.kind}: hit@5 (${q.queries} queries)`, value: q.hitAt5, unit: '',
      baseline: { name: 'plain bm25', value: q.baselineHitAt5 },
      ...(target === undefined ? NO_TARGET : countAtLeast(q.hitAt5, target)),
      config,
    });
    rows.push({ section, name: `${q.kind}: MRR`, value: q.mrr, unit: '', baseline: { name: 'plain bm25', value: q.baselineMrr }, config });
    if (q.kind === 'filtered') rows.push({ section, name: 'filtered: hits outside the filter', value: q.outsideFilter, unit: '', ...countAtMost(q.outsideFilter, 0), config });
  }
  return rows;
}
