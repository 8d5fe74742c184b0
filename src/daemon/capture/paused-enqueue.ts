// An enqueue while capture is paused: the capture jobs are dropped (each counted as skipped,
// reason 'paused') and the rest of the batch (recalls) is queued. The reply says how many were
// dropped and until when capture is paused, so the sender can tell its user.
import type { Params, Result } from '../../shared/protocol';
import type { DaemonCounters } from '../counters';
import type { JobQueue } from '../queue/job-queue';
import type { CapturePauseStore } from './capture-pause';

export function enqueueUnlessPaused(
  jobs: Params<'enqueue'>['jobs'],
  { queue, capturePause, counters, now }: { queue: JobQueue; capturePause: CapturePauseStore; counters: DaemonCounters; now: number },
): Result<'enqueue'> {
  if (!capturePause.isPaused(now)) return { ids: queue.enqueueBatch(jobs) };
  const kept = jobs.filter((job) => job.kind !== 'capture');
  const dropped = jobs.length - kept.length;
  for (let i = 0; i < dropped; i++) counters.skipped('paused');
  const ids = queue.enqueueBatch(kept);
  return dropped > 0 ? { ids, dropped, capture: capturePause.current(now) } : { ids };
}
