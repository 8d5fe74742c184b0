// Times are built with local-time constructors, so every assertion holds in any time zone.
import { describe, expect, it } from 'vitest';
import { dayLabel, formatClock, formatUntil, formatWhen, localDayKey } from '../../../src/extension/core/relative-time';

const NOW = new Date(2026, 10, 23, 14, 30).getTime(); // Monday, Nov 23 2026, 14:30 local
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('formatWhen: relative within a week, a date after', () => {
  it.each<[string, number, string]>([
    ['under a minute is just now', NOW - 30_000, 'just now'],
    ['a future time (clock skew) is just now', NOW + 5 * MIN, 'just now'],
    ['minutes are floored', NOW - 5 * MIN - 59_000, '5 min ago'],
    ['hours are floored', NOW - 2 * HOUR - 59 * MIN, '2 h ago'],
    ['days within the week', NOW - 3 * DAY, '3 d ago'],
    ['six days and change is still relative', NOW - 6 * DAY - 23 * HOUR, '6 d ago'],
    ['a week or more is a date', NOW - 7 * DAY, 'Nov 16'],
    ['a date of another year carries the year', new Date(2025, 11, 31, 9).getTime(), 'Dec 31, 2025'],
  ])('%s', (_rule, at, expected) => {
    expect(formatWhen(at, NOW)).toBe(expected);
  });

  it('a missing time (NaN) says so instead of a wrong value', () => {
    expect(formatWhen(Number.NaN, NOW)).toBe('unknown time');
  });
});

describe('dayLabel: calendar days in local time', () => {
  it.each<[string, number, string]>([
    ['earlier today is Today', new Date(2026, 10, 23, 0, 1).getTime(), 'Today'],
    ['just before local midnight is Yesterday, however few hours ago', new Date(2026, 10, 22, 23, 59).getTime(), 'Yesterday'],
    ['within the week: the weekday', new Date(2026, 10, 19, 12).getTime(), 'Thursday'],
    ['a week or more: weekday and date', new Date(2026, 10, 16, 12).getTime(), 'Monday, Nov 16'],
  ])('%s', (_rule, at, expected) => {
    expect(dayLabel(at, NOW)).toBe(expected);
  });

  it('the day key is the local calendar date', () => {
    expect(localDayKey(new Date(2026, 0, 5, 23, 59).getTime())).toBe('2026-01-05');
  });
});

describe('formatUntil and formatClock', () => {
  it('a time later today shows the clock, 24 h, zero-padded', () => {
    expect(formatClock(new Date(2026, 10, 23, 9, 5).getTime())).toBe('09:05');
    expect(formatUntil(NOW + 15 * MIN, NOW)).toBe('until 14:45');
  });
  it('tomorrow says tomorrow; later days the date', () => {
    expect(formatUntil(new Date(2026, 10, 24, 8).getTime(), NOW)).toBe('until tomorrow 08:00');
    expect(formatUntil(new Date(2026, 10, 26, 8).getTime(), NOW)).toBe('until Nov 26 08:00');
  });
});
