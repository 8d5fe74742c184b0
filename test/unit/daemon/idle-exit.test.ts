import { describe, expect, it } from 'vitest';
import { IdleExit } from '../../../src/daemon/idle-exit';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';

function setup(opts: { enabled?: boolean; delay?: number; busy?: () => boolean } = {}) {
  const clock = new ManualClock();
  let exits = 0;
  const idle = new IdleExit({
    clock, log: memoryLogger(), enabled: opts.enabled ?? true, delayMs: () => opts.delay ?? 1000,
    isBusy: opts.busy ?? (() => false), onExit: () => exits++,
  });
  return { clock, idle, exits: () => exits };
}

describe('idle exit', () => {
  it('a daemon with no client left exits after the grace period', async () => {
    const { clock, idle, exits } = setup();
    idle.clientsChanged(1);
    expect(clock.activeTimers).toBe(0);
    idle.clientsChanged(0);
    await clock.advance(999);
    expect(exits()).toBe(0);
    await clock.advance(1);
    expect(exits()).toBe(1);
  });

  it('a client arriving during the grace period cancels the exit', async () => {
    const { clock, idle, exits } = setup();
    idle.clientsChanged(0);
    await clock.advance(500);
    idle.clientsChanged(1);
    await clock.advance(5000);
    expect(exits()).toBe(0);
    expect(clock.activeTimers).toBe(0);
  });

  it('a foreground daemon never exits on idle', async () => {
    const { clock, idle, exits } = setup({ enabled: false });
    idle.clientsChanged(0);
    await clock.advance(10_000);
    expect(exits()).toBe(0);
  });

  it('idle exit waits while work is queued or in flight', async () => {
    let busy = true;
    const { clock, idle, exits } = setup({ busy: () => busy });
    idle.clientsChanged(0);
    await clock.advance(1000);
    expect(exits()).toBe(0);
    busy = false;
    await clock.advance(1000);
    expect(exits()).toBe(1);
  });

  it('idleExitMs 0 never exits', async () => {
    const { clock, idle, exits } = setup({ delay: 0 });
    idle.clientsChanged(0);
    await clock.advance(100_000);
    expect(exits()).toBe(0);
  });
});
