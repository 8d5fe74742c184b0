// The daemon supervisor's explicit states, in the style of vscode-languageclient's State enum, and
// the one table of the moves between them. Every change of state goes through
// SupervisorStateMachine.transition(), which checks the table and refuses (and reports) any move
// not in it, so the supervisor's code paths cannot drift from what this file says.
//
//   stopped ──start()──▶ starting ──connected──▶ running
//      ▲                  ▲  │  ▲                  │ unexpected disconnect, announced shutdown,
//      │         restart()│  │  └──budget left─────┤ or N failed probes in a row
//      │                  │  ▼                     ▼
//   stopping ◀──stop()── (any) ◀────────────── crashed ──budget spent──▶ given-up
//
// `stop()` only disconnects this window: the daemon is shared by every window of the user.
export type SupervisorState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed' | 'given-up';

export const SUPERVISOR_STATES: readonly SupervisorState[] = ['starting', 'running', 'stopping', 'stopped', 'crashed', 'given-up'];

/** The legal moves: from each state, where it may go. Staying in a state is not a move. */
export const TRANSITIONS: Readonly<Record<SupervisorState, readonly SupervisorState[]>> = {
  // start(), or restart() of a stopped window.
  stopped: ['starting'],
  // Connected; the connect, fork or handshake failed; stop().
  starting: ['running', 'crashed', 'stopping'],
  // The connection was lost (or the daemon hung); restart(); stop().
  running: ['crashed', 'starting', 'stopping'],
  // Restarted after the delay, or restart(); the budget is spent; stop().
  crashed: ['starting', 'given-up', 'stopping'],
  // Only the user leaves it: restart(), or stop() (the window closes).
  'given-up': ['starting', 'stopping'],
  // What was in flight ended (or its bound passed); restart() during the stop.
  stopping: ['stopped', 'starting'],
};

export function isLegalTransition(from: SupervisorState, to: SupervisorState): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface StateChange {
  state: SupervisorState;
  previous: SupervisorState;
  reason?: string;
}

/** Holds the current state; the only place that changes it. */
export class SupervisorStateMachine {
  private current: SupervisorState;

  constructor(
    /** Told of every refused move: a bug in the caller, logged loudly but never thrown into an event handler. */
    private readonly onIllegal: (from: SupervisorState, to: SupervisorState, reason: string | undefined) => void,
    initial: SupervisorState = 'stopped',
  ) {
    this.current = initial;
  }

  get state(): SupervisorState {
    return this.current;
  }

  /** Moves to `to` when the table allows it and returns the change; refuses any other move (null). */
  transition(to: SupervisorState, reason?: string): StateChange | null {
    const previous = this.current;
    if (!isLegalTransition(previous, to)) {
      this.onIllegal(previous, to, reason);
      return null;
    }
    this.current = to;
    return { state: to, previous, reason };
  }
}
