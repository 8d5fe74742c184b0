import { describe, expect, it } from 'vitest';
import { DebugHooks } from '../../../src/daemon/debug-hooks';
import { isLoopStale } from '../../../src/daemon/health/staleness';
import { PollLoop, type TickResult } from '../../../src/daemon/scheduling/poll-loop';
import { ManualClock } from '../../../src/shared/clock';
import { waitFor } from '../../../src/shared/event';
import { memoryLogger } from '../../../src/shared/logger';
import { RpcError } from '../../../src/shared/protocol';

const STALE_MS = 1_000;

/** A capture loop whose tick is wrapped by the hooks, as the daemon composes it. */
function harness() {
  const clock = new ManualClock();
  const log = memoryLogger();
  let realTicks = 0;
  let loop!: PollLoop;
  const hooks = new DebugHooks({ log });
  hooks.onDidArm((name) => name === 'capture' && loop.wake('debug wedge-loop'));
  loop = new PollLoop({
    name: 'capture',
    clock,
    log,
    cadence: { pollFloorMs: 100, pollCeilingMs: 5_000, backoffMultiplier: 2, backoffEnabled: true, suspendEnabled: true, suspendAfterMs: 600_000 },
    tick: hooks.wrapTick('capture', async (): Promise<TickResult> => {
      realTicks++;
      return { outcome: 'idle' };
    }),
  });
  const stale = () => isLoopStale(loop.snapshot(), clock.monotonicNow(), STALE_MS);
  return { clock, log, hooks, loop, stale, realTicks: () => realTicks };
}

describe('DebugHooks', () => {
  it('a wedge wakes a backed-off loop and holds its next tick in flight until released', async () => {
    const h = harness();
    h.loop.start();
    await h.clock.advance(10_000); // backed off to the ceiling
    expect(h.clock.pendingDelays()).toEqual([expect.any(Number)]);
    const before = h.realTicks();

    expect(h.hooks.handle({ action: 'wedge-loop', loop: 'capture' })).toEqual({ loop: 'capture', wedged: true });
    expect(h.clock.pendingDelays()).toEqual([0]);
    await h.clock.advance(0);
    expect(h.loop.snapshot().inFlight).toBe(true);
    expect(h.realTicks()).toBe(before);

    await h.clock.advance(60_000);
    expect(h.loop.snapshot().inFlight).toBe(true);
    expect(h.realTicks()).toBe(before);

    const settled = waitFor(h.loop.onDidTick);
    expect(h.hooks.handle({ action: 'release-loop', loop: 'capture' })).toEqual({ loop: 'capture', wedged: false });
    await settled;
    expect(h.realTicks()).toBe(before + 1);
    expect(h.loop.snapshot().inFlight).toBe(false);
  });

  it('a held tick reads as stale only once it is older than the threshold, and not after release', async () => {
    const h = harness();
    h.loop.start();
    await h.clock.advance(0);
    h.hooks.handle({ action: 'wedge-loop', loop: 'capture' });
    await h.clock.advance(0);
    await h.clock.advance(STALE_MS);
    expect(h.stale()).toBe(false);
    await h.clock.advance(1);
    expect(h.stale()).toBe(true);

    const settled = waitFor(h.loop.onDidTick);
    h.hooks.handle({ action: 'release-loop', loop: 'capture' });
    await settled;
    expect(h.stale()).toBe(false);
  });

  it('only the next tick is held: after a release the loop polls on its cadence again', async () => {
    const h = harness();
    h.loop.start();
    h.hooks.handle({ action: 'wedge-loop', loop: 'capture' });
    await h.clock.advance(0);
    const settled = waitFor(h.loop.onDidTick);
    h.hooks.handle({ action: 'release-loop', loop: 'capture' });
    await settled;
    const after = h.realTicks();
    await h.clock.advance(1_000);
    expect(h.realTicks()).toBeGreaterThan(after + 1);
    expect(h.loop.snapshot().inFlight).toBe(false);
  });

  it('wedging twice arms one gate, and one release opens it', async () => {
    const h = harness();
    h.loop.start();
    h.hooks.handle({ action: 'wedge-loop', loop: 'capture' });
    await h.clock.advance(0);
    h.hooks.handle({ action: 'wedge-loop', loop: 'capture' });
    await h.clock.advance(0);
    expect(h.loop.snapshot().inFlight).toBe(true);
    const settled = waitFor(h.loop.onDidTick);
    h.hooks.handle({ action: 'release-loop', loop: 'capture' });
    await settled;
    // The wake sent by the second wedge landed during the held tick: the loop runs again at once,
    // and that tick is not held.
    await h.clock.advance(0);
    expect(h.loop.snapshot().inFlight).toBe(false);
  });

  it('releasing a loop that is not wedged changes nothing', async () => {
    const h = harness();
    h.loop.start();
    await h.clock.advance(0);
    expect(h.hooks.handle({ action: 'release-loop', loop: 'recall' })).toEqual({ loop: 'recall', wedged: false });
    expect(h.log.lines.some((l) => l.includes('released'))).toBe(false);
  });

  it('dispose opens a held tick, so the loop stops, and refuses further wedges', async () => {
    const h = harness();
    h.loop.start();
    h.hooks.handle({ action: 'wedge-loop', loop: 'capture' });
    await h.clock.advance(0);
    expect(h.loop.snapshot().inFlight).toBe(true);

    h.hooks.dispose();
    await h.loop.stop();
    expect(h.loop.snapshot().state).toBe('stopped');
    expect(() => h.hooks.handle({ action: 'wedge-loop', loop: 'capture' })).toThrow(RpcError);
  });
});
