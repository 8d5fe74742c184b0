import { describe, expect, it } from 'vitest';
import { PARAMS } from '../../../src/shared/protocol';

describe('`memory` params: an id, and optionally the machine that captured it (a shared store hit)', () => {
  it('takes an id alone (this machine) or with a machine id', () => {
    expect(PARAMS.memory({ id: 3 }, 'params')).toEqual({ id: 3 });
    expect(PARAMS.memory({ id: 3, machineId: 'desktop-0123456789ab' }, 'params')).toEqual({ id: 3, machineId: 'desktop-0123456789ab' });
  });

  it('refuses a machine id that is not a non-empty string of at most 200 characters, naming the field', () => {
    for (const machineId of ['', 5, null, 'x'.repeat(201)]) {
      expect(() => PARAMS.memory({ id: 3, machineId }, 'params')).toThrow(/params\.machineId/);
    }
  });
});
