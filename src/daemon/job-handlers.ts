// What each kind of job does, and what its outcome changes outside the queue: a capture is stored
// (or skipped, counted by reason); a recall's related memories are pushed to subscribers.
// The JobRunner (scheduling/job-runner.ts) records the job's own outcome in the queue.
import type { CapturePayload, Events, JobKind, RecallPayload } from '../shared/protocol';
import type { CaptureWorker } from './capture/capture-worker';
import type { DaemonCounters } from './counters';
import type { RecallWorker } from './recall/recall-worker';
import type { JobHandler } from './scheduling/job-runner';

export interface JobHandlerParts {
  captureWorker: CaptureWorker;
  recallWorker: RecallWorker;
  counters: DaemonCounters;
  /** Pushes a recall job's answer to the clients that subscribed to `related`. */
  broadcastRelated: (related: Events['related']) => void;
  /** A memory was stored: the shared store's replicator has work. */
  memoriesChanged: () => void;
}

/** One handler per kind, in the order the status lists their loops. */
export function jobHandlers({ captureWorker, recallWorker, counters, broadcastRelated, memoriesChanged }: JobHandlerParts): Array<[JobKind, JobHandler]> {
  return [
    [
      'capture',
      async (job, commit, signal) => {
        const outcome = await captureWorker.handle(job.payload as CapturePayload, commit, signal);
        if (outcome.stored) {
          counters.capturesStored++;
          memoriesChanged();
        } else counters.skipped(outcome.reason);
      },
    ],
    [
      'recall',
      async (job, _commit, signal) => {
        // The search itself is one synchronous query: it can only be skipped, not cut short.
        signal.throwIfAborted();
        broadcastRelated(await recallWorker.handle(job.payload as RecallPayload));
      },
    ],
  ];
}
