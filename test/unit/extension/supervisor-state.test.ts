// The supervisor's one transition table, walked whole: every move it lists is taken, every other
// one is refused and reported, and the table itself keeps the promises the README makes.
import { describe, expect, it } from 'vitest';
import { SUPERVISOR_STATES, type SupervisorState, SupervisorStateMachine, TRANSITIONS, isLegalTransition } from '../../../src/extension/core/supervisor-state';

function machineAt(state: SupervisorState) {
  const refused: string[] = [];
  const machine = new SupervisorStateMachine((from, to) => refused.push(`${from} -> ${to}`), state);
  return { machine, refused };
}

describe('supervisor state transitions', () => {
  for (const from of SUPERVISOR_STATES) {
    for (const to of SUPERVISOR_STATES) {
      const legal = TRANSITIONS[from].includes(to);
      it(`${from} -> ${to} is ${legal ? 'allowed' : 'refused'}`, () => {
        const { machine, refused } = machineAt(from);
        const change = machine.transition(to, 'walking the table');
        if (legal) {
          expect(change).toEqual({ state: to, previous: from, reason: 'walking the table' });
          expect(machine.state).toBe(to);
          expect(refused).toEqual([]);
        } else {
          expect(change).toBeNull();
          expect(machine.state).toBe(from); // a refused move changes nothing
          expect(refused).toEqual([`${from} -> ${to}`]);
        }
        expect(isLegalTransition(from, to)).toBe(legal);
      });
    }
  }

  it('the table names every state, and only states', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...SUPERVISOR_STATES].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const to of targets) expect(SUPERVISOR_STATES).toContain(to);
  });

  it('staying in a state is not a move', () => {
    for (const state of SUPERVISOR_STATES) expect(isLegalTransition(state, state)).toBe(false);
  });

  it('a window can always be stopped: every state but stopped reaches stopped', () => {
    const reachesStopped = (from: SupervisorState, seen = new Set<SupervisorState>()): boolean => {
      if (from === 'stopped') return true;
      seen.add(from);
      return TRANSITIONS[from].some((to) => !seen.has(to) && reachesStopped(to, seen));
    };
    for (const state of SUPERVISOR_STATES) expect(reachesStopped(state)).toBe(true);
  });

  it('restart goes straight to starting from every other state', () => {
    for (const state of SUPERVISOR_STATES) {
      if (state === 'starting') continue; // a restart while starting stays there (the start in flight is cancelled)
      expect(isLegalTransition(state, 'starting')).toBe(true);
    }
  });

  it('only a crash leads to given-up, and nothing but the user leaves it', () => {
    const into = SUPERVISOR_STATES.filter((s) => isLegalTransition(s, 'given-up'));
    expect(into).toEqual(['crashed']);
    expect(TRANSITIONS['given-up']).toEqual(['starting', 'stopping']);
  });

  it('running is reached only from starting: every connection goes through the handshake', () => {
    expect(SUPERVISOR_STATES.filter((s) => isLegalTransition(s, 'running'))).toEqual(['starting']);
  });
});
