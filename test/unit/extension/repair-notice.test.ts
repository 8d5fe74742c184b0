import { describe, expect, it } from 'vitest';
import { repairNotice } from '../../../src/extension/core/repair-notice';
import type { DaemonStatus, RepairReport } from '../../../src/shared/status';

const at = '2026-03-04T05:06:07.890Z';
const status = (lastRepair: RepairReport | null) => ({ database: { path: '/d/dormouse.db', quarantined: null, lastRepair } }) as unknown as DaemonStatus;
const salvaged = (lost: number | null): RepairReport => ({
  kind: 'salvaged', at, found: 'quick_check: …', rebuilt: [], saved: { memories: 48, jobs: 3 }, lost: { memories: lost, jobs: 0 }, movedTo: '/d/dormouse.db.corrupt-x',
});

describe('repair notice', () => {
  it('a repair is shown once: the same repair in the next status (or another window) is not news', () => {
    const first = repairNotice(status(salvaged(12)), null);
    expect(first).not.toBeNull();
    expect(repairNotice(status(salvaged(12)), first!.key)).toBeNull();
  });

  it('a later repair is shown again', () => {
    const first = repairNotice(status(salvaged(12)), null)!;
    const later = { ...salvaged(0), at: '2026-03-05T00:00:00.000Z' };
    expect(repairNotice(status(later), first.key)).not.toBeNull();
  });

  it('no repair, or no status, shows nothing', () => {
    expect(repairNotice(status(null), null)).toBeNull();
    expect(repairNotice(null, null)).toBeNull();
  });

  it('lost memories are an error that says how many were saved and lost and where the damaged file is', () => {
    expect(repairNotice(status(salvaged(12)), null)).toMatchObject({
      severity: 'error',
      message: 'Dormouse found its database damaged: 48 memories saved into a fresh database, 12 could not be read and are lost. The damaged file is kept at /d/dormouse.db.corrupt-x.',
    });
    expect(repairNotice(status(salvaged(null)), null)?.message).toContain('an unknown number could not be read');
  });

  it('a repair that lost nothing is a warning that says so', () => {
    expect(repairNotice(status(salvaged(0)), null)).toMatchObject({ severity: 'warning', message: expect.stringContaining('all 48 memories were saved, none lost') });
    const rebuilt: RepairReport = { ...salvaged(0), kind: 'rebuilt', movedTo: null };
    expect(repairNotice(status(rebuilt), null)?.message).toContain('the search index was damaged and has been rebuilt');
  });
});
