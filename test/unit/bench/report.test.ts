import { describe, expect, it } from 'vitest';
import {
  type BenchRow,
  absoluteAtMost,
  countAtMost,
  formatReport,
  median,
  minSamplesFor,
  missedTargets,
  percentile,
  ratioAtLeast,
  ratioAtMost,
  tail,
} from '../../../bench/report';
import { describeSettings } from '../../../bench/shipped-daemon';

const samples = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const row = (extra: Partial<BenchRow> & Pick<BenchRow, 'name'>): BenchRow =>
  ({ section: 's', value: 1, unit: 'ms', config: 'shipped defaults', ...extra }) as BenchRow;

describe('bench report: percentiles only where the sample supports them', () => {
  it('a p99 needs at least 100 samples: percentile refuses 99 and answers at 100', () => {
    expect(() => percentile(samples(99), 99)).toThrow(/p99 needs at least 100 samples, got 99/);
    expect(percentile(samples(100), 99)).toBe(99);
    expect(percentile(samples(300), 99)).toBe(297);
  });

  it('every percentile needs enough samples that one lies beyond it (p95: 20, p90: 10, p50: 2)', () => {
    expect([minSamplesFor(99), minSamplesFor(95), minSamplesFor(90), minSamplesFor(50), minSamplesFor(100)]).toEqual([100, 20, 10, 2, 1]);
    expect(() => percentile(samples(19), 95)).toThrow(RangeError);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });

  it('with too few samples the tail is the max of N, and its label says so', () => {
    expect(tail([3, 9, 1], 99)).toEqual({ label: 'max of 3 (too few for a p99)', value: 9 });
    expect(tail(samples(100), 99)).toEqual({ label: 'p99 of 100', value: 99 });
    expect(tail([], 99).value).toBeNaN();
  });

  it('the median carries its sample size', () => {
    expect(median([5, 1, 3])).toEqual({ label: 'p50 of 3', value: 3 });
  });
});

describe('bench report: targets', () => {
  it('a row that misses its target is counted as missed; rows without a target never are', () => {
    const rows: BenchRow[] = [
      row({ name: 'met', ...countAtMost(0, 0) }),
      row({ name: 'missed', ...countAtMost(2, 0) }),
      row({ name: 'no target' }),
    ];
    expect(missedTargets(rows).map((r) => r.name)).toEqual(['missed']);
  });

  it("a ratio target is judged against the row's same-run baseline and a missing figure (NaN) misses it", () => {
    expect(ratioAtMost(3, 2, 1.5)).toEqual({ target: '<= 1.5x baseline', pass: true });
    expect(ratioAtMost(3.1, 2, 1.5).pass).toBe(false);
    expect(ratioAtMost(Number.NaN, 2, 1.5).pass).toBe(false);
    expect(ratioAtLeast(40, 20, 2, 'issue 2')).toEqual({ target: '>= 2x baseline (issue 2)', pass: true });
    expect(ratioAtLeast(40, Number.NaN, 2).pass).toBe(false);
  });

  it('an absolute target says on the row that it is absolute and which issue states it', () => {
    expect(absoluteAtMost(49, 50, 'ms', 'issue 7')).toEqual({ target: '<= 50 ms (absolute, issue 7)', pass: true });
    expect(absoluteAtMost(51, 50, 'ms', 'issue 7').pass).toBe(false);
  });
});

describe('bench report: every row says what it measured', () => {
  it('the printed table has the configuration of every row', () => {
    const text = formatReport([row({ name: 'a', config: 'shipped defaults' }), row({ name: 'b', config: 'in process, no daemon' })]);
    expect(text.split('\n')[0]).toContain('measured with');
    expect(text).toMatch(/\| a \|.*\| shipped defaults \|$/m);
    expect(text).toMatch(/\| b \|.*\| in process, no daemon \|$/m);
  });

  it('a row with an empty configuration is refused', () => {
    expect(() => formatReport([row({ name: 'silent', config: ' ' })])).toThrow(/does not say what configuration it measured/);
  });

  it("a shipped daemon's rows say shipped defaults, or name every setting changed", () => {
    expect(describeSettings({})).toBe('shipped defaults');
    expect(describeSettings({ suspendEnabled: false, pollCeilingMs: 2000 })).toBe('shipped defaults except suspendEnabled false, pollCeilingMs 2000');
  });
});
