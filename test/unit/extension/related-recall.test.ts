// RelatedRecall on a ManualClock: focus changes in, recall jobs out through a fake `enqueue`,
// the daemon's `related` answers in through an Emitter the test fires.
import { afterEach, describe, expect, it } from 'vitest';
import type { RecallSection } from '../../../src/extension/core/tree-model';
import { RelatedRecall } from '../../../src/extension/recall/related-recall';
import { ManualClock } from '../../../src/shared/clock';
import { Emitter } from '../../../src/shared/event';
import { memoryLogger } from '../../../src/shared/logger';
import type { JobInput, RecallHit, RelatedMemories } from '../../../src/shared/protocol';

const recalls: RelatedRecall[] = [];

afterEach(() => {
  for (const r of recalls.splice(0)) r.dispose();
});

function setup(opts: { enqueue?: (jobs: JobInput[]) => Promise<void> } = {}) {
  const clock = new ManualClock();
  const log = memoryLogger();
  const related = new Emitter<RelatedMemories>();
  const jobs: JobInput[][] = [];
  const recall = new RelatedRecall({
    clock,
    log,
    debounceMs: 400,
    enqueue: opts.enqueue ?? (async (j) => void jobs.push(j)),
    onRelated: related.event,
  });
  recalls.push(recall);
  const changes: Array<RecallSection | null> = [];
  recall.onDidChange((section) => changes.push(section));
  const answer = (path: string, hits: RecallHit[], history: RecallHit[] = []) =>
    related.fire({ path, hits, history, computedAt: new Date(clock.now()).toISOString() });
  return { clock, log, recall, jobs, changes, answer, related };
}

const hit = (id: number, path: string): RecallHit => ({
  id, kind: 'file', path, title: `memory ${id}`, capturedAt: '2026-01-01T00:00:00.000Z', snippet: `snippet ${id}`, score: 1,
});

const recallJob = (path: string): JobInput => ({ kind: 'recall', payload: { path, limit: 20 }, dedupeKey: `recall:${path}` });

describe('RelatedRecall', () => {
  it('focus changes are debounced into one recall job for the last file', async () => {
    const { clock, recall, jobs } = setup();
    recall.focus('/w/a.ts');
    await clock.advance(300);
    recall.focus('/w/b.ts');
    await clock.advance(300);
    recall.focus('/w/c.ts');
    await clock.advance(399);
    expect(jobs).toEqual([]); // 400 ms have not passed since the last focus change

    await clock.advance(1);
    expect(jobs).toEqual([[recallJob('/w/c.ts')]]);
    await clock.advance(10_000);
    expect(jobs).toHaveLength(1);
    expect(clock.activeTimers).toBe(0);
  });

  it('the section shows the focused file as pending at once, before the job is sent', () => {
    const { recall, changes, jobs } = setup();
    recall.focus('/w/a.ts');
    expect(recall.current).toMatchObject({ path: '/w/a.ts', hits: [], pending: true });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ path: '/w/a.ts', hits: [], pending: true });
    expect(jobs).toEqual([]);
  });

  it('the answer for the file in focus fills the section', async () => {
    const { clock, recall, answer } = setup();
    recall.focus('/w/a.ts');
    await clock.advance(400);
    answer('/w/a.ts', [hit(1, '/w/x.ts')]);
    expect(recall.current).toMatchObject({ path: '/w/a.ts', hits: [hit(1, '/w/x.ts')], pending: false });
  });

  it('coming back to a file shows its last answer while the fresh one is computed', async () => {
    const { clock, recall, answer } = setup();
    recall.focus('/w/a.ts');
    await clock.advance(400);
    answer('/w/a.ts', [hit(1, '/w/x.ts')]);
    recall.focus('/w/b.ts');
    recall.focus('/w/a.ts');
    expect(recall.current).toMatchObject({ path: '/w/a.ts', hits: [hit(1, '/w/x.ts')], pending: true });
  });

  it('the file\'s own earlier versions come with the answer', async () => {
    const { clock, recall, answer } = setup();
    recall.focus('/w/a.ts');
    await clock.advance(400);
    answer('/w/a.ts', [hit(1, '/w/x.ts')], [hit(7, '/w/a.ts')]);
    expect(recall.current).toEqual({ path: '/w/a.ts', hits: [hit(1, '/w/x.ts')], history: [hit(7, '/w/a.ts')], pending: false });
  });

  it('an answer for a file the user already left is ignored', async () => {
    const { clock, recall, changes, answer } = setup();
    recall.focus('/w/a.ts');
    await clock.advance(400);
    recall.focus('/w/b.ts');
    const seen = changes.length;

    answer('/w/a.ts', [hit(1, '/w/x.ts')]); // late: the user is on b now
    expect(recall.current).toMatchObject({ path: '/w/b.ts', hits: [], pending: true });
    expect(changes).toHaveLength(seen); // nothing redrawn

    answer('/w/b.ts', [hit(2, '/w/y.ts')]);
    expect(recall.current).toMatchObject({ path: '/w/b.ts', hits: [hit(2, '/w/y.ts')], pending: false });
  });

  it('focusing the same file again sends nothing and changes nothing', async () => {
    const { clock, recall, jobs, changes } = setup();
    recall.focus('/w/a.ts');
    await clock.advance(400);
    recall.focus('/w/a.ts');
    await clock.advance(400);
    expect(jobs).toHaveLength(1);
    expect(changes).toHaveLength(1);
  });

  it('leaving to a non-file clears the section', async () => {
    const { clock, recall, jobs, changes, answer } = setup();
    recall.focus('/w/a.ts');
    await clock.advance(100);
    recall.focus(null);
    expect(recall.current).toBeNull();
    expect(changes.at(-1)).toBeNull();

    await clock.advance(1000);
    expect(jobs).toEqual([]); // the debounced job for a was cancelled
    expect(clock.activeTimers).toBe(0);
    answer('/w/a.ts', [hit(1, '/w/x.ts')]);
    expect(recall.current).toBeNull();
  });

  it('a failed enqueue clears the pending flag', async () => {
    const { clock, recall, log } = setup({ enqueue: async () => Promise.reject(new Error('not connected (crashed)')) });
    recall.focus('/w/a.ts');
    await clock.advance(400);
    expect(recall.current).toMatchObject({ path: '/w/a.ts', hits: [], pending: false });
    expect(log.lines.some((l) => l.includes('recall for /w/a.ts not sent: not connected (crashed)'))).toBe(true);
  });

  it('a failed enqueue for a file already left leaves the new file\'s section alone', async () => {
    let fail: (e: Error) => void = () => {};
    const { clock, recall } = setup({ enqueue: () => new Promise<void>((_resolve, reject) => (fail = reject)) });
    recall.focus('/w/a.ts');
    await clock.advance(400);
    recall.focus('/w/b.ts');
    fail(new Error('TIMEOUT'));
    await clock.flush();
    expect(recall.current).toMatchObject({ path: '/w/b.ts', hits: [], pending: true });
  });

  it('a reconnection asks again for the file in focus, at once', async () => {
    const { clock, recall, jobs } = setup();
    recall.refresh();
    expect(jobs).toEqual([]); // nothing in focus: nothing to ask

    recall.focus('/w/a.ts');
    await clock.advance(400);
    recall.refresh();
    await clock.flush();
    expect(jobs).toEqual([[recallJob('/w/a.ts')], [recallJob('/w/a.ts')]]);
  });

  it('after dispose the daemon\'s answers are no longer listened to', () => {
    const { recall, related } = setup();
    recall.dispose();
    expect(related.hasListeners).toBe(false);
  });
});
