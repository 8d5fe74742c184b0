import { describe, expect, it } from 'vitest';
import { PACING_BY_KIND, pauseBetweenStarts } from '../../../src/daemon/scheduling/pacing-policy';

describe('pacing policy', () => {
  it('capture and recall are unpaced: they touch only the local disk and database', () => {
    expect(PACING_BY_KIND).toEqual({ capture: 'unpaced', recall: 'unpaced' });
  });

  it('paced work pauses by spawnJitterMs between starts', () => {
    expect(pauseBetweenStarts('paced', [50, 150])).toEqual([50, 150]);
  });

  it('unpaced work never pauses, whatever spawnJitterMs says', () => {
    expect(pauseBetweenStarts('unpaced', [50, 150])).toEqual([0, 0]);
    expect(pauseBetweenStarts('unpaced', [10_000, 10_000])).toEqual([0, 0]);
  });
});
