import { describe, expect, it } from 'vitest';
import { floorDuration, formatAgo, formatIn } from '../../../src/extension/core/duration';

const s = 1000;
const min = 60 * s;
const h = 60 * min;
const d = 24 * h;

describe('floorDuration', () => {
  it('under a minute is "for less than a minute"', () => {
    expect(floorDuration(0)).toBe('for less than a minute');
    expect(floorDuration(59_999)).toBe('for less than a minute');
  });

  it('negative or NaN durations read as "for less than a minute"', () => {
    expect(floorDuration(-5 * min)).toBe('for less than a minute');
    expect(floorDuration(Number.NaN)).toBe('for less than a minute');
  });

  it('minutes are floored, never rounded up', () => {
    expect(floorDuration(min)).toBe('for over a minute');
    expect(floorDuration(2 * min - 1)).toBe('for over a minute');
    expect(floorDuration(2 * min)).toBe('for over 2 minutes');
    expect(floorDuration(59 * min + 59 * s)).toBe('for over 59 minutes');
  });

  it('hours read as "an hour" then "N hours" up to a day', () => {
    expect(floorDuration(h)).toBe('for over an hour');
    expect(floorDuration(2 * h - 1)).toBe('for over an hour');
    expect(floorDuration(5 * h + 30 * min)).toBe('for over 5 hours');
    expect(floorDuration(d - 1)).toBe('for over 23 hours');
  });

  it('days read as "a day" then "N days"', () => {
    expect(floorDuration(d)).toBe('for over a day');
    expect(floorDuration(3 * d + 23 * h)).toBe('for over 3 days');
  });
});

describe('formatAgo and formatIn', () => {
  it('pick the largest whole unit: s, min, h, d', () => {
    expect(formatAgo(12 * s + 900)).toBe('12 s ago');
    expect(formatAgo(3 * min + 59 * s)).toBe('3 min ago');
    expect(formatAgo(2 * h + 59 * min)).toBe('2 h ago');
    expect(formatAgo(4 * d)).toBe('4 d ago');
    expect(formatIn(12 * s)).toBe('in 12 s');
    expect(formatIn(90 * min)).toBe('in 1 h');
  });

  it('a time in the future or unknown reads as 0 s, never negative', () => {
    expect(formatAgo(-3000)).toBe('0 s ago');
    expect(formatAgo(Number.NaN)).toBe('0 s ago');
    expect(formatIn(-1)).toBe('in 0 s');
  });
});
