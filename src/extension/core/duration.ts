// Durations in words for the status bar tooltip and the tree rows. Always floored: a state that
// has held for 119 s has held "for over a minute", never "for 2 minutes" it has not reached yet.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "for less than a minute", "for over a minute", "for over 5 minutes", "for over an hour", "for over 3 days". */
export function floorDuration(ms: number): string {
  // Negative (clock skew) or NaN (a missing timestamp parsed) reads as "just happened".
  if (!(ms >= MINUTE)) return 'for less than a minute';
  if (ms < HOUR) return over(Math.floor(ms / MINUTE), 'a minute', 'minutes');
  if (ms < DAY) return over(Math.floor(ms / HOUR), 'an hour', 'hours');
  return over(Math.floor(ms / DAY), 'a day', 'days');
}

function over(count: number, one: string, many: string): string {
  return count === 1 ? `for over ${one}` : `for over ${count} ${many}`;
}

/** Short, floored: "12 s", "3 min", "2 h", "4 d". Negative or NaN reads as "0 s". */
function formatShortDuration(ms: number): string {
  const safe = ms > 0 ? ms : 0;
  if (safe < MINUTE) return `${Math.floor(safe / SECOND)} s`;
  if (safe < HOUR) return `${Math.floor(safe / MINUTE)} min`;
  if (safe < DAY) return `${Math.floor(safe / HOUR)} h`;
  return `${Math.floor(safe / DAY)} d`;
}

/** For tree rows: "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function formatAgo(ms: number): string {
  return `${formatShortDuration(ms)} ago`;
}

/** "since" times for a reader: "14:05 (3 min ago)", local. */
export function formatSinceClock(at: number, now: number): string {
  const d = new Date(at);
  const clock = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return `${clock} (${formatAgo(now - at)})`;
}

/** For tree rows: "in 12 s", "in 3 min", "in 2 h", "in 4 d". */
export function formatIn(ms: number): string {
  return `in ${formatShortDuration(ms)}`;
}
