// Pausing capture ("Dormouse: Pause capture…"): while paused nothing is captured AND nothing is
// buffered, so the window drops editor captures at the source, before the outbox, even while the
// daemon is unreachable. The daemon owns the pause (every window and the CLI share it, and it
// refuses captures while paused); this window remembers the last pause it knew of, persisted, so
// a reload or a daemon that is down still keeps it.
//
// No timer ends a pause: `until` is compared with the clock each time a capture is considered
// (and each time the status bar is drawn), so an expired pause is simply over.
import type { CapturePause } from '../../shared/status';
import { Emitter } from '../../shared/event';
import type { Disposable } from '../../shared/lifecycle';

export interface PauseState {
  paused: boolean;
  /** Wall epoch ms the pause ends; null while paused until resumed (or not paused). */
  until: number | null;
}

export const NOT_PAUSED: PauseState = { paused: false, until: null };

/** Paused right now: paused, and `until` (if any) still ahead. */
export function isPausedAt(state: PauseState, now: number): boolean {
  return state.paused && (state.until === null || now < state.until);
}

export function pauseFromStatus(capture: CapturePause | undefined): PauseState {
  if (!capture?.paused) return NOT_PAUSED;
  const until = capture.until === null ? null : Date.parse(capture.until);
  return { paused: true, until: until === null || Number.isNaN(until) ? null : until };
}

export type PauseChoice = 'minutes-15' | 'hour-1' | 'tomorrow' | 'until-resumed';

/** Where "until tomorrow" ends: the next local morning at this hour (a pause taken at night should not end at midnight, mid-work). */
export const TOMORROW_HOUR = 8;

/**
 * The end of a pause chosen now, or null for "until resumed". "Tomorrow" is 08:00 local on the
 * next calendar day: the start of tomorrow's work, not midnight (a pause taken in the evening
 * would end in the middle of the night's last hour of work). Always on the next calendar date, so
 * "tomorrow" means the same thing whatever the hour it is chosen.
 */
export function pauseEnd(choice: PauseChoice, now: number): number | null {
  switch (choice) {
    case 'minutes-15':
      return now + 15 * 60_000;
    case 'hour-1':
      return now + 60 * 60_000;
    case 'tomorrow': {
      const d = new Date(now);
      d.setDate(d.getDate() + 1);
      d.setHours(TOMORROW_HOUR, 0, 0, 0);
      return d.getTime();
    }
    case 'until-resumed':
      return null;
  }
}

/** The part of VS Code's Memento this needs (globalState). */
export interface PauseMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

interface Persisted {
  paused: boolean;
  until: number | null;
  /** The user changed the pause while the daemon did not (yet) take it: send it on the next connection. */
  unsent: boolean;
}

const KEY = 'dormouse.capturePause';

/**
 * The pause this window enforces. The user's own choice wins until the daemon has taken it
 * (`unsent`): before that, a status from a daemon that has not heard of it yet (or cannot pause:
 * an older daemon answers UNKNOWN_METHOD) must not undo it. After that the daemon's status is the
 * truth (another window or the CLI may pause or resume).
 */
export class CapturePauseMemory implements Disposable {
  private state: Persisted;
  private readonly changed = new Emitter<PauseState>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: PauseMemento) {
    const saved = memento.get<Persisted>(KEY);
    this.state = saved && typeof saved.paused === 'boolean' ? { paused: saved.paused, until: saved.until ?? null, unsent: !!saved.unsent } : { ...NOT_PAUSED, unsent: false };
  }

  /** The pause as last known (an expired one included: see isPaused). */
  get value(): PauseState {
    return { paused: this.state.paused, until: this.state.until };
  }

  /** Whether captures are dropped now. */
  isPaused(now: number): boolean {
    return isPausedAt(this.state, now);
  }

  /** The effective pause for display: an expired one reads as not paused. */
  effective(now: number): PauseState {
    return this.isPaused(now) ? this.value : NOT_PAUSED;
  }

  /** What to send to the daemon on (re)connection, if the user changed the pause meanwhile. */
  get unsent(): PauseState | null {
    return this.state.unsent ? this.value : null;
  }

  /** The user paused or resumed in this window; `unsent` until the daemon confirmed it. */
  setByUser(state: PauseState): void {
    this.set({ ...state, unsent: true });
  }

  /** The daemon answered pause/resume (or a status arrived): its word is final unless the user's change is still unsent. */
  fromDaemon(state: PauseState, confirmsUserChange = false): void {
    if (this.state.unsent && !confirmsUserChange) return;
    this.set({ ...state, unsent: false });
  }

  private set(next: Persisted): void {
    const same = next.paused === this.state.paused && next.until === this.state.until && next.unsent === this.state.unsent;
    this.state = next;
    if (same) return;
    void this.memento.update(KEY, next);
    this.changed.fire(this.value);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
