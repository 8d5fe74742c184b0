import { describe, expect, it } from 'vitest';
import { BURST_MIN_TO_SHOW, BurstProgress } from '../../../src/extension/core/burst-progress';

describe('BurstProgress', () => {
  it('a burst smaller than the threshold shows no progress', () => {
    const p = new BurstProgress(10);
    p.captured(9);
    expect(p.value).toBeNull();
  });

  it('a burst counts the captures the daemon accepted out of those captured', () => {
    const p = new BurstProgress(10);
    p.captured(2_000);
    p.settled(100);
    expect(p.value).toEqual({ done: 100, total: 2_000 });
  });

  it('captures made while a burst is sent join its total', () => {
    const p = new BurstProgress(10);
    p.captured(50);
    p.settled(20);
    p.captured(30);
    expect(p.value).toEqual({ done: 20, total: 80 });
  });

  it('the burst ends once every capture is settled, and the next one starts from zero', () => {
    const p = new BurstProgress(10);
    p.captured(20);
    p.settled(20);
    expect(p.value).toBeNull();
    p.captured(15);
    expect(p.value).toEqual({ done: 0, total: 15 });
  });

  it('settling more than was captured never shows more done than the total', () => {
    const p = new BurstProgress(10);
    p.captured(12);
    p.settled(11);
    p.settled(5);
    expect(p.value).toBeNull(); // all settled: the burst is over
  });

  it('by default a burst shows progress from two sender batches on', () => {
    const p = new BurstProgress();
    p.captured(BURST_MIN_TO_SHOW - 1);
    expect(p.value).toBeNull();
    p.captured(1);
    expect(p.value).toEqual({ done: 0, total: BURST_MIN_TO_SHOW });
  });
});
