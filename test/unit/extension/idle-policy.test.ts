import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock';
import { EditorIdlePolicy } from '../../../src/extension/core/idle-policy';

function policy(idleMs = 1000) {
  const clock = new ManualClock();
  const calls: string[] = [];
  const p = new EditorIdlePolicy({ clock, idleMs, onIdle: () => calls.push('idle'), onActive: () => calls.push('active') });
  return { clock, calls, p };
}

describe('EditorIdlePolicy', () => {
  it('starts active with its one timer armed', () => {
    const { clock, p } = policy();
    expect(p.idle).toBe(false);
    expect(clock.activeTimers).toBe(1);
  });

  it('goes idle once after idleMs without activity, and arms nothing while idle', async () => {
    const { clock, calls, p } = policy(1000);
    await clock.advance(999);
    expect(calls).toEqual([]);
    await clock.advance(1);
    expect(calls).toEqual(['idle']);
    expect(p.idle).toBe(true);
    expect(clock.activeTimers).toBe(0);
    await clock.advance(10_000);
    expect(calls).toEqual(['idle']);
  });

  it('keystrokes do not re-arm the timer: one timer, due at its original time', async () => {
    const { clock, p } = policy(1000);
    const dueBefore = clock.nextTimerAt();
    for (let i = 0; i < 500; i++) p.activity();
    expect(clock.activeTimers).toBe(1);
    expect(clock.nextTimerAt()).toBe(dueBefore);
  });

  it('activity postpones idle: the early timer re-arms itself for the remainder', async () => {
    const { clock, calls, p } = policy(1000);
    await clock.advance(600);
    p.activity(); // idle is now due 1000 ms after this, at 1600 ms
    await clock.advance(400);
    expect(calls).toEqual([]);
    expect(clock.pendingDelays()).toEqual([600]);
    await clock.advance(599);
    expect(calls).toEqual([]);
    await clock.advance(1);
    expect(calls).toEqual(['idle']);
  });

  it('the next activity after idle wakes once and re-arms', async () => {
    const { clock, calls, p } = policy(1000);
    await clock.advance(1000);
    p.activity();
    p.activity();
    p.activity();
    expect(calls).toEqual(['idle', 'active']);
    expect(p.idle).toBe(false);
    expect(clock.activeTimers).toBe(1);
    await clock.advance(1000);
    expect(calls).toEqual(['idle', 'active', 'idle']);
  });

  it('setIdleMs applies live, counting from the last activity', async () => {
    const { clock, calls, p } = policy(10_000);
    await clock.advance(3000);
    p.setIdleMs(5000);
    expect(clock.activeTimers).toBe(1);
    await clock.advance(1999);
    expect(calls).toEqual([]);
    await clock.advance(1);
    expect(calls).toEqual(['idle']);
  });

  it('a shorter idleMs already exceeded goes idle at once', async () => {
    const { clock, calls, p } = policy(10_000);
    await clock.advance(3000);
    p.setIdleMs(1000);
    await clock.flush();
    expect(calls).toEqual(['idle']);
  });

  it('idleMs 0 disables auto-hibernate: no timer, never idle', async () => {
    const { clock, calls, p } = policy(0);
    expect(clock.activeTimers).toBe(0);
    p.activity();
    expect(clock.activeTimers).toBe(0);
    await clock.advance(24 * 3600_000);
    expect(calls).toEqual([]);
  });

  it('setting idleMs to 0 disarms; setting it back re-arms', async () => {
    const { clock, calls, p } = policy(1000);
    p.setIdleMs(0);
    expect(clock.activeTimers).toBe(0);
    await clock.advance(5000);
    expect(calls).toEqual([]);
    p.setIdleMs(1000);
    expect(clock.activeTimers).toBe(1);
    await clock.flush();
    expect(calls).toEqual(['idle']);
  });

  it('disabling while idle still wakes on the next activity, then stays unarmed', async () => {
    const { clock, calls, p } = policy(1000);
    await clock.advance(1000);
    p.setIdleMs(0);
    p.activity();
    expect(calls).toEqual(['idle', 'active']);
    expect(clock.activeTimers).toBe(0);
  });

  it('dispose disarms and ignores later activity', async () => {
    const { clock, calls, p } = policy(1000);
    p.dispose();
    expect(clock.activeTimers).toBe(0);
    p.activity();
    await clock.advance(5000);
    expect(calls).toEqual([]);
    expect(clock.activeTimers).toBe(0);
  });
});
