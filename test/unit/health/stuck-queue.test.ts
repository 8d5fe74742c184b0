import { afterEach, describe, expect, it } from 'vitest';
import { StuckQueueDetector } from '../../../src/daemon/health/stuck-queue';
import { type QueueFixture, queueFixture, text } from '../queue/fixtures';

const THRESHOLD = 60_000;
let fixture: QueueFixture;
afterEach(() => fixture.cleanup());

function setup() {
  fixture = queueFixture();
  const detector = new StuckQueueDetector({ clock: fixture.clock, log: fixture.log, thresholdMs: () => THRESHOLD });
  const lines = (word: string) => fixture.log.lines.filter((l) => l.includes(word));
  return { ...fixture, detector, lines };
}

describe('StuckQueueDetector', () => {
  it('an empty queue is never stuck', async () => {
    const { detector, queue, clock } = setup();
    await clock.advance(10 * THRESHOLD);
    expect(detector.evaluate(queue.view)).toEqual({ stuck: false, since: null });
  });

  it('ready jobs with no lease past the threshold are a stuck queue', async () => {
    const { detector, queue, clock } = setup();
    const enqueuedAt = clock.now();
    queue.enqueue(text(1));
    await clock.advance(THRESHOLD);
    expect(detector.evaluate(queue.view).stuck).toBe(false); // not longer than the threshold yet
    await clock.advance(1);
    expect(detector.evaluate(queue.view)).toEqual({ stuck: true, since: enqueuedAt });
  });

  it('work enqueued after a long idle spell is not stuck at once', async () => {
    const { detector, queue, clock } = setup();
    queue.enqueue(text(1));
    const [job] = queue.lease('capture', 1);
    queue.complete(job!.id, job!.token);
    await clock.advance(10 * THRESHOLD);
    queue.enqueue(text(2));
    expect(detector.evaluate(queue.view).stuck).toBe(false);
  });

  it('stuck and resumed are logged exactly once each', async () => {
    const { detector, queue, clock, lines } = setup();
    queue.enqueueBatch([text(1), text(2)]);
    await clock.advance(THRESHOLD + 1);
    for (let i = 0; i < 5; i++) {
      expect(detector.evaluate(queue.view).stuck).toBe(true);
      await clock.advance(1_000);
    }
    expect(lines('STUCK')).toHaveLength(1);
    queue.lease('capture', 1); // progress: one job taken, one still waits
    for (let i = 0; i < 3; i++) expect(detector.evaluate(queue.view)).toEqual({ stuck: false, since: null });
    expect(lines('RESUMED')).toHaveLength(1);
    expect(lines('STUCK')).toHaveLength(1);
  });

  it('the flag clears as soon as nothing is ready any more', async () => {
    const { detector, queue, clock } = setup();
    queue.enqueue(text(1));
    await clock.advance(THRESHOLD + 1);
    expect(detector.evaluate(queue.view).stuck).toBe(true);
    queue.lease('capture', 1);
    expect(detector.evaluate(queue.view).stuck).toBe(false);
  });

  it('a due retry nobody leases makes the queue stuck, counted from its deadline', async () => {
    const { detector, queue, clock } = setup();
    queue.enqueue(text(1));
    const [job] = queue.lease('capture', 1);
    const result = queue.fail(job!.id, job!.token, 'x');
    if (result.state !== 'failed-retrying') throw new Error('expected a retry');
    await clock.advance(result.nextRunAt - clock.now() + THRESHOLD);
    expect(detector.evaluate(queue.view).stuck).toBe(false);
    await clock.advance(1);
    expect(detector.evaluate(queue.view)).toEqual({ stuck: true, since: result.nextRunAt });
  });

  it('time the machine spent asleep never counts as stuck', async () => {
    const { detector, queue, clock } = setup();
    queue.enqueue(text(1));
    clock.systemSleep(10 * THRESHOLD);
    expect(detector.evaluate(queue.view).stuck).toBe(false);
  });

  it('evaluating runs no SQL', async () => {
    const { detector, queue, clock, db } = setup();
    queue.enqueue(text(1));
    await clock.advance(THRESHOLD + 1);
    const before = db.statements;
    detector.evaluate(queue.view);
    expect(db.statements).toBe(before);
  });
});
