import { afterEach, describe, expect, it } from 'vitest';
import { RetryAlarm } from '../../../src/daemon/queue/retry-alarm';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';
import { type QueueFixture, queueFixture, text } from './fixtures';

let fixture: QueueFixture | null = null;
afterEach(() => {
  fixture?.cleanup();
  fixture = null;
});

/** An alarm over a list of deadlines, as the view would answer. */
function alarmOver(deadlines: number[], clock = new ManualClock()) {
  const dues: number[] = [];
  const alarm = new RetryAlarm({
    clock,
    log: memoryLogger(),
    earliestRetryAt: (after) => deadlines.filter((d) => d > after).sort((a, b) => a - b)[0] ?? null,
    onDue: () => dues.push(clock.now()),
  });
  return { alarm, clock, dues };
}

describe('RetryAlarm', () => {
  it('the retry alarm wakes the fleet at the retry deadline', async () => {
    fixture = queueFixture();
    const { queue, clock } = fixture;
    const woken: number[] = [];
    const alarm = new RetryAlarm({
      clock, log: fixture.log,
      earliestRetryAt: (after) => queue.view.nextRetryAfter(after),
      onDue: () => woken.push(clock.now()),
    });
    queue.enqueue(text(1));
    const [job] = queue.lease('capture', 1);
    const result = queue.fail(job!.id, job!.token, 'boom');
    if (result.state !== 'failed-retrying') throw new Error('expected a retry');
    alarm.arm(result.nextRunAt);
    await clock.advance(result.nextRunAt - clock.now() - 1);
    expect(woken).toEqual([]);
    await clock.advance(1);
    expect(woken).toEqual([result.nextRunAt]);
    // The job is due but not leased yet: the alarm must not spin on it.
    expect(clock.activeTimers).toBe(0);
    expect(queue.lease('capture', 1).map((j) => j.id)).toEqual([job!.id]);
    alarm.dispose();
  });

  it('keeps one timer at the earliest deadline: a later one changes nothing, an earlier one re-arms', () => {
    const { alarm, clock } = alarmOver([]);
    const t0 = clock.now();
    alarm.arm(t0 + 5_000);
    alarm.arm(t0 + 9_000);
    expect(clock.pendingDelays()).toEqual([5_000]);
    alarm.arm(t0 + 2_000);
    expect(clock.pendingDelays()).toEqual([2_000]);
    expect(alarm.armedFor).toBe(t0 + 2_000);
  });

  it('after firing it re-arms for the next retry still in the future', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const { alarm, dues } = alarmOver([t0 + 1_000, t0 + 1_000, t0 + 4_000], clock);
    alarm.rearmFromDatabase();
    await clock.advance(1_000);
    expect(dues).toEqual([t0 + 1_000]);
    expect(clock.pendingDelays()).toEqual([3_000]);
    await clock.advance(3_000);
    expect(dues).toEqual([t0 + 1_000, t0 + 4_000]);
    expect(clock.activeTimers).toBe(0);
  });

  it('no timer when there is no pending retry', () => {
    const { alarm, clock } = alarmOver([]);
    alarm.rearmFromDatabase();
    expect(clock.activeTimers).toBe(0);
    expect(alarm.armedFor).toBeNull();
  });

  it('at start-up a retry already due fires at once', async () => {
    const clock = new ManualClock();
    const { alarm, dues } = alarmOver([clock.now() - 60_000], clock);
    alarm.rearmFromDatabase();
    expect(clock.pendingDelays()).toEqual([0]);
    await clock.flush();
    expect(dues).toHaveLength(1);
    expect(clock.activeTimers).toBe(0);
  });

  it('a callback that ignores its argument still never spins on a due retry', async () => {
    const clock = new ManualClock();
    const due = clock.now() + 10;
    const dues: number[] = [];
    const alarm = new RetryAlarm({ clock, log: memoryLogger(), earliestRetryAt: () => due, onDue: () => dues.push(1) });
    alarm.arm(due);
    await clock.advance(10_000);
    expect(dues).toEqual([1]);
    expect(clock.activeTimers).toBe(0);
  });

  it('a throwing onDue is logged and the alarm keeps its next deadline', async () => {
    const clock = new ManualClock();
    const log = memoryLogger();
    const t0 = clock.now();
    const alarm = new RetryAlarm({
      clock, log,
      earliestRetryAt: (after) => (after < t0 + 2_000 ? t0 + 2_000 : null),
      onDue: () => { throw new Error('bus gone'); },
    });
    alarm.arm(t0 + 1_000);
    await clock.advance(1_000);
    expect(log.lines.some((l) => l.includes('ERROR') && l.includes('bus gone'))).toBe(true);
    expect(clock.pendingDelays()).toEqual([1_000]);
  });

  it('dispose leaves no timer and ignores later arms', () => {
    const { alarm, clock } = alarmOver([]);
    alarm.arm(clock.now() + 1_000);
    alarm.dispose();
    alarm.arm(clock.now() + 500);
    expect(clock.activeTimers).toBe(0);
  });
});
