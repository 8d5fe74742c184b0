// What the status bar draws: ONE value made from the supervisor's state and the daemon's last
// status (rust-analyzer style), with the words for it: text, screen-reader label, severity,
// a tooltip that says why and since when, and the actions that fit. Pure, so every mapping is
// unit tested without `vscode`; ui/status-bar.ts only draws it.
//
// Stale loops and a stuck queue are shown, never acted on automatically: the user decides
// whether to restart.
import type { DaemonStatus, LoopStatus } from '../../shared/status';
import type { BurstProgressValue } from './burst-progress';
import { storeProblem } from '../../shared/store-status';
import { floorDuration, formatSinceClock } from './duration';
import { formatUntil } from './relative-time';
import type { SupervisorState } from './supervisor-state';

export type StatusValue = 'starting' | 'awake' | 'working' | 'backing-off' | 'hibernating' | 'stale' | 'disk-full' | 'stuck' | 'stopped' | 'given-up';
export type StatusSeverity = 'error' | 'warning' | 'none';

export interface StatusAction {
  title: string;
  command: string;
}

export interface StatusPresentation {
  value: StatusValue;
  /** Status bar text with a codicon, e.g. "$(eye) Dormouse", "$(sync~spin) Dormouse", "$(debug-pause) Dormouse", "$(error) Dormouse: stale". */
  text: string;
  /** Human phrase, e.g. "hibernating", "backing off", "stuck queue", "poll loop stale", "given up". */
  label: string;
  /** Screen-reader text: "Dormouse daemon: hibernating for over 2 minutes" etc. */
  accessibilityLabel: string;
  severity: StatusSeverity;
  /** Markdown for the tooltip: a bold headline, why, since when, and command links. */
  tooltipMarkdown: string;
  /** The actions offered when the status bar item is clicked, most useful first. */
  actions: StatusAction[];
  /** Wall ms since when this value holds, or null if unknown. */
  since: number | null;
}

export interface StatusInput {
  supervisor: SupervisorState;
  /** Last status from the daemon, null if none yet. */
  status: DaemonStatus | null;
  /** E.g. why the supervisor gave up. */
  lastError?: string | null;
  /** Wall ms. */
  now: number;
  /**
   * Capture paused by the user, as this window enforces it (the daemon's word, or the last one
   * it knew while the daemon is unreachable); `until` is wall ms, null until resumed. Shown
   * whatever the daemon is doing: a paused window captures nothing even while it hibernates.
   */
  pause?: { paused: boolean; until: number | null } | null;
  /**
   * A burst of this window's captures being sent (capture-sender.ts): shown in the same value
   * ("Dormouse: storing 1,240 of 2,000") while connected, so a "Save All" visibly progresses.
   */
  captureProgress?: BurstProgressValue | null;
}

// Titles as the manifest contributes them, so the quick pick and the palette agree.
const STATUS_ACTIONS = {
  wake: { title: 'Wake daemon', command: 'dormouse.wake' },
  hibernate: { title: 'Hibernate now', command: 'dormouse.hibernate' },
  reloadConfig: { title: 'Reload config', command: 'dormouse.reloadConfig' },
  restart: { title: 'Restart daemon', command: 'dormouse.restartDaemon' },
  recall: { title: 'Recall…', command: 'dormouse.recall' },
  showLog: { title: 'Show daemon log', command: 'dormouse.showLog' },
  openSettings: { title: 'Open settings', command: 'dormouse.openSettings' },
  focusView: { title: 'Show Dormouse view', command: 'dormouse.focusView' },
  pause: { title: 'Pause capture…', command: 'dormouse.pauseCapture' },
  resume: { title: 'Resume capture', command: 'dormouse.resumeCapture' },
} as const satisfies Record<string, StatusAction>;

const A = STATUS_ACTIONS;

interface ValueLook {
  icon: string;
  /** Shown after "Dormouse:" in the status bar, only for values that need attention. */
  textSuffix: string | null;
  severity: StatusSeverity;
  actions: StatusAction[];
}

const LOOKS: Record<StatusValue, ValueLook> = {
  starting: { icon: 'loading~spin', textSuffix: null, severity: 'none', actions: [A.showLog] },
  awake: { icon: 'eye', textSuffix: null, severity: 'none', actions: [A.recall, A.hibernate, A.focusView] },
  working: { icon: 'sync~spin', textSuffix: null, severity: 'none', actions: [A.focusView, A.recall, A.hibernate] },
  'backing-off': { icon: 'watch', textSuffix: null, severity: 'none', actions: [A.wake, A.recall, A.hibernate] },
  hibernating: { icon: 'debug-pause', textSuffix: null, severity: 'none', actions: [A.wake, A.recall] },
  stale: { icon: 'error', textSuffix: 'stale', severity: 'error', actions: [A.showLog, A.restart, A.focusView] },
  'disk-full': { icon: 'error', textSuffix: 'disk full', severity: 'error', actions: [A.showLog, A.focusView] },
  stuck: { icon: 'warning', textSuffix: 'stuck', severity: 'warning', actions: [A.focusView, A.showLog, A.restart] },
  stopped: { icon: 'circle-slash', textSuffix: 'stopped', severity: 'none', actions: [A.restart, A.showLog] },
  'given-up': { icon: 'error', textSuffix: 'given up', severity: 'error', actions: [A.restart, A.showLog, A.openSettings] },
};

/** The value alone, plus what the daemon's status says about since when and why. */
interface Classified {
  value: StatusValue;
  label: string;
  headline: string;
  /** Markdown paragraphs, already escaped. */
  why: string[];
  /** A timestamp the daemon gave for this value (stale, stuck), or null. */
  ownSince: number | null;
}

export function presentStatus(input: StatusInput, since: number | null = null): StatusPresentation {
  const c = classify(input);
  const look = LOOKS[c.value];
  const at = c.ownSince ?? since ?? null;
  const duration = at === null ? '' : ` ${floorDuration(input.now - at)}`;

  const paused = input.pause?.paused && (input.pause.until === null || input.now < input.pause.until) ? input.pause : null;
  const pausedText = paused ? (paused.until === null ? 'paused' : `paused ${formatUntil(paused.until, input.now)}`) : null;
  const actions = paused ? [A.resume, ...look.actions] : [...look.actions];
  const pending = input.supervisor === 'running' ? (input.status?.pendingRestart ?? []) : [];
  if (pending.length > 0 && !actions.includes(A.restart)) actions.push(A.restart);

  // Only while connected: a burst waiting for a daemon that is down is what "starting" already says.
  const burst = input.supervisor === 'running' && input.status !== null ? (input.captureProgress ?? null) : null;
  const burstText = burst ? `storing ${count(burst.done)} of ${count(burst.total)}` : null;

  // The shared store: captures stay local and wait; said in the one value, after the state's words.
  const store = input.supervisor === 'running' && input.status?.store
    ? storeProblem(input.status.store, (iso) => formatSinceClock(Date.parse(iso), input.now))
    : null;

  const paragraphs = [`**${c.headline}**${duration}`, ...c.why];
  if (store) paragraphs.splice(1, 0, `**${escapeMarkdown(store.sentence)}**. Captures stay on this machine and are shipped once it works again.`);
  if (burst) paragraphs.splice(1, 0, `**Storing captures**: ${count(burst.done)} of ${count(burst.total)} are safe in the daemon's queue; the rest wait in this window's buffer.`);
  if (pausedText) paragraphs.unshift(`**Capture ${pausedText}**: nothing is captured or buffered${paused!.until === null ? ' until you resume' : ''}.`);
  if (pending.length > 0) paragraphs.push(`Waiting for a restart: ${pending.map(quoteName).join(', ')}`);
  const openDataDir = input.supervisor === 'running' ? input.status?.dataDirWarning : null;
  if (openDataDir) paragraphs.push(`**Data dir:** ${escapeMarkdown(oneLine(openDataDir))}`);
  paragraphs.push(actions.map((a) => `[${escapeMarkdown(a.title)}](command:${a.command})`).join(' · '));

  // Paused is what the user asked for and must see at a glance; a state with words of its own
  // (stale, stopped, given up…) keeps its icon, colours and words and says "paused" after them.
  const plain = `$(${look.icon}) Dormouse${look.textSuffix === null ? '' : `: ${look.textSuffix}`}`;
  const withPause = !pausedText ? plain : look.textSuffix === null ? `$(debug-pause) Dormouse ${pausedText}` : `${plain} · ${pausedText}`;
  // The progress joins the one value: in place of the plain words, after a state's own words.
  const withBurst = !burstText ? withPause : withPause === plain && look.textSuffix === null ? `$(sync~spin) Dormouse: ${burstText}` : `${withPause} · ${burstText}`;
  const text = !store ? withBurst : withBurst === plain && look.textSuffix === null ? `$(warning) Dormouse: ${store.label}` : `${withBurst} · ${store.label}`;
  return {
    value: c.value,
    text,
    label: c.label,
    accessibilityLabel: `Dormouse daemon: ${c.label}${duration}${pausedText ? `; capture ${pausedText}` : ''}${burstText ? `; ${burstText}` : ''}${store ? `; ${store.sentence}` : ''}`,
    severity: store && look.severity === 'none' ? 'warning' : look.severity,
    tooltipMarkdown: paragraphs.join('\n\n'),
    actions,
    since: at,
  };
}

/** Remembers when the value last changed, so the tooltip can say "for over 2 minutes" for states the daemon does not timestamp (hibernating, backing off). */
export class StatusTracker {
  private last: { value: StatusValue; since: number } | null = null;

  update(input: StatusInput): StatusPresentation {
    const value = classify(input).value;
    // First seen now is a lower bound, which is all "for over N minutes" claims.
    if (this.last?.value !== value) this.last = { value, since: input.now };
    return presentStatus(input, this.last.since);
  }
}

function classify(input: StatusInput): Classified {
  const { supervisor, status } = input;
  const error = input.lastError ? [`Last error: ${escapeMarkdown(oneLine(input.lastError))}`] : [];

  if (supervisor === 'given-up') {
    return {
      value: 'given-up', label: 'given up', headline: 'Dormouse daemon: given up', ownSince: null,
      why: ['The daemon crashed too often, so this window stopped restarting it. Captures wait in the window\'s buffer until it runs again.', ...error],
    };
  }
  if (supervisor === 'stopped' || supervisor === 'stopping') {
    return {
      value: 'stopped', label: 'stopped', headline: 'Dormouse daemon: stopped', ownSince: null,
      why: ['This window is not connected to the daemon. Captures wait in the window\'s buffer until it runs again.', ...error],
    };
  }
  // A status only means something while connected; before that it is from the last connection.
  if (supervisor !== 'running' || status === null) {
    // After a crash the supervisor keeps the reason (and maybe the last status) until it connects.
    const restarting = supervisor === 'crashed' || (supervisor === 'starting' && (status !== null || !!input.lastError));
    return {
      value: 'starting',
      label: restarting ? 'restarting' : 'starting',
      headline: `Dormouse daemon: ${restarting ? 'restarting' : 'starting'}`,
      ownSince: null,
      why: [restarting ? 'The connection to the daemon was lost; reconnecting. Captures wait in the window\'s buffer meanwhile.' : 'Connecting to the daemon.', ...error],
    };
  }

  const { health, queue } = status;
  const queueLine = `Queue: ${queue.queued} queued · ${queue.leased} leased · ${queue.retrying} retrying · ${queue.dead} dead`;
  if (health.pollStale) {
    const stale = staleLoops(status);
    const names = stale.length > 0 ? stale.map((l) => quoteName(l.name)).join(', ') : health.staleLoops.map(quoteName).join(', ');
    return {
      value: 'stale', label: 'poll loop stale', headline: 'Dormouse daemon: poll loop stale', ownSince: oldestSignOfLife(stale),
      why: [
        `Not polling on time: ${names || 'unknown loop'}. A tick may be wedged or the daemon's event loop blocked. Nothing is restarted automatically; the log says more.`,
        ...(health.stuckQueue ? ['The queue is stuck as well.'] : []),
        queueLine,
      ],
    };
  }
  // Captures are refused until space is back: the user must free some, so it is said before a stuck queue.
  if (status.diskFull) {
    return {
      value: 'disk-full', label: 'disk full', headline: 'Dormouse daemon: disk full', ownSince: parseTime(status.diskFull.since),
      why: [
        `${escapeMarkdown(oneLine(status.diskFull.message))}. New captures are refused and wait in this window's buffer; free some space and the next capture goes through.`,
        queueLine,
      ],
    };
  }
  if (health.stuckQueue) {
    const waiting = queue.queued + queue.retrying;
    return {
      value: 'stuck', label: 'stuck queue', headline: 'Dormouse daemon: stuck queue', ownSince: parseTime(health.stuckSince),
      why: [`${waiting} job${waiting === 1 ? '' : 's'} waiting, none leased. Nothing is restarted automatically; the log says more.`, queueLine],
    };
  }
  if (status.state === 'hibernating') {
    return {
      value: 'hibernating', label: 'hibernating', headline: 'Dormouse daemon: hibernating', ownSince: null,
      why: ['No loop polls and no timer is armed; the next capture or recall wakes it.', queueLine],
    };
  }
  if (status.state === 'backing-off') {
    return {
      value: 'backing-off', label: 'backing off', headline: 'Dormouse daemon: backing off', ownSince: null,
      why: ['Nothing to do lately, so the loops poll less and less often.', queueLine],
    };
  }
  const working = queue.leased > 0 || status.loops.some((l) => l.inFlight);
  return working
    ? { value: 'working', label: 'working', headline: 'Dormouse daemon: working', ownSince: null, why: [queueLine] }
    : { value: 'awake', label: 'awake', headline: 'Dormouse daemon: awake', ownSince: null, why: [queueLine] };
}

function staleLoops(status: DaemonStatus): LoopStatus[] {
  const named = new Set(status.health.staleLoops);
  return status.loops.filter((l) => l.stale || named.has(l.name));
}

/**
 * Since when the stale loops have shown no progress: per loop the later of its last poll start
 * (a wedged tick) and completion (a timer that never fired), and the oldest of those.
 */
function oldestSignOfLife(loops: LoopStatus[]): number | null {
  let oldest: number | null = null;
  for (const loop of loops) {
    const times = [parseTime(loop.lastPollStartedAt), parseTime(loop.lastPollCompletedAt)].filter((t): t is number => t !== null);
    if (times.length === 0) continue;
    const last = Math.max(...times);
    if (oldest === null || last < oldest) oldest = last;
  }
  return oldest;
}

function parseTime(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** 1240 -> "1,240": digits grouped the same on every machine (the tests compare the text). */
function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function oneLine(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Makes untrusted text (loop names, errors, setting names) literal in the tooltip: every ASCII
 * punctuation character is backslash-escaped, so it cannot open a link, a command link, HTML,
 * emphasis or a `$(codicon)` (the status bar renders theme icons).
 */
function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** Untrusted text shown as a name; escaped, not code-spanned (a backtick inside would end the span). */
function quoteName(name: string): string {
  return `_${escapeMarkdown(oneLine(name, 200))}_`;
}
