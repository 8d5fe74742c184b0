// "When" in words for recall results, the Timeline and the pause label. Pure and in local time
// (the user's day starts at their midnight, not UTC's), so the tests pin the time zone.
//
// Recent times read relative ("2 h ago": what people scan for), older ones as a date: "9 d ago"
// makes the reader do arithmetic, "Nov 23" does not. The cut-off is a week.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "just now", "5 min ago", "2 h ago", "3 d ago", then "Nov 23" (this year) or "Nov 23, 2025". Future times (clock skew) read "just now". */
export function formatWhen(at: number, now: number): string {
  const ago = now - at;
  if (!(ago >= MINUTE)) return Number.isNaN(ago) ? 'unknown time' : 'just now';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  if (ago < WEEK) return `${Math.floor(ago / DAY)} d ago`;
  return formatDate(at, now);
}

/** "Nov 23", with the year when it is not the current one. */
export function formatDate(at: number, now: number): string {
  const d = new Date(at);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return `${MONTHS[d.getMonth()]} ${d.getDate()}${sameYear ? '' : `, ${d.getFullYear()}`}`;
}

/** "14:05", local, 24 h. */
export function formatClock(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Local midnight that starts the day of `at`. */
function startOfLocalDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Local calendar day as "YYYY-MM-DD": the Timeline's group key (stable across refreshes). */
export function localDayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "Today", "Yesterday", a weekday within the week ("Tuesday"), then "Tuesday, Nov 18" (and the year when not this one). */
export function dayLabel(at: number, now: number): string {
  const today = startOfLocalDay(now);
  const day = startOfLocalDay(at);
  if (day >= today) return 'Today';
  // Calendar days, not 24 h spans: a DST change makes one day 23 or 25 hours long.
  const days = calendarDaysBetween(day, today);
  if (days === 1) return 'Yesterday';
  const weekday = WEEKDAYS[new Date(at).getDay()]!;
  if (days < 7) return weekday;
  return `${weekday}, ${formatDate(at, now)}`;
}

function calendarDaysBetween(earlierMidnight: number, laterMidnight: number): number {
  return Math.round((laterMidnight - earlierMidnight) / DAY);
}

/** "until 14:30" today, "until tomorrow 08:00", "until Nov 23 08:00" further away. */
export function formatUntil(until: number, now: number): string {
  const days = calendarDaysBetween(startOfLocalDay(now), startOfLocalDay(until));
  const clock = formatClock(until);
  if (days <= 0) return `until ${clock}`;
  if (days === 1) return `until tomorrow ${clock}`;
  return `until ${formatDate(until, now)} ${clock}`;
}
