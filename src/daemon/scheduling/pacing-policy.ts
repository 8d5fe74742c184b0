// Which work pauses between job starts (the `spawnJitterMs` setting). Pacing exists for work that
// calls a rate-limited resource (a remote API): spreading a burst's starts keeps it under that
// resource's limit. Capture and recall touch only this machine's disk and database, where a pause
// between starts only stretches a burst out (5 clients x 1,000 captures: 339 s paced, 7 s
// unpaced), so they start at once. Pacing is a property of the kind of work, declared here: the
// Record type makes a new job kind without a pacing a compile error, so nobody forgets to decide.
import type { JobKind } from '../../shared/protocol';

export type Pacing = 'paced' | 'unpaced';

export const PACING_BY_KIND: Readonly<Record<JobKind, Pacing>> = {
  capture: 'unpaced',
  recall: 'unpaced',
};

const NO_PAUSE: [number, number] = [0, 0];

/** The random pause [min, max] ms before each start after a batch's first: spawnJitterMs for paced work, none for unpaced. */
export function pauseBetweenStarts(pacing: Pacing, spawnJitterMs: [number, number]): [number, number] {
  return pacing === 'paced' ? spawnJitterMs : NO_PAUSE;
}
