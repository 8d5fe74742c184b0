import { describe, expect, it } from 'vitest';
import {
  forgetRefusal, machineLabel, machineName, memoryKey, memoryParams, memoryRef, memoryRefOfArg, memoryRefOfUri, memoryUriQuery,
} from '../../../src/extension/core/memory-ref';

const DESKTOP = 'desktop.lan-0123456789ab';

describe("a memory is named by its machine and id (a shared store's hits of other machines)", () => {
  it("this machine's hit (no machineId) is its id alone, read locally; another machine's keeps its machine all the way to `memory`", () => {
    expect(memoryRef({ id: 12 })).toEqual({ id: 12 });
    expect(memoryParams(memoryRef({ id: 12 }))).toEqual({ id: 12 });
    expect(memoryParams(memoryRef({ id: 12, machineId: DESKTOP }))).toEqual({ id: 12, machineId: DESKTOP });
    expect(memoryKey({ id: 12 })).not.toBe(memoryKey({ id: 12, machineId: DESKTOP }));
    expect(memoryKey({ id: 12, machineId: DESKTOP })).toBe(`${DESKTOP}:12`);
  });

  it('the label is the host name of a machine id as machine-id.ts makes them, else the whole id; none for this machine', () => {
    expect(machineName(DESKTOP)).toBe('desktop.lan');
    expect(machineName('my-box')).toBe('my-box');
    expect(machineLabel({ id: 1, machineId: DESKTOP })).toBe('on desktop.lan');
    expect(machineLabel({ id: 1 })).toBeNull();
  });

  it("forgetting another machine's memory is refused with where to forget it; this machine's is allowed", () => {
    expect(forgetRefusal({ id: 3 })).toBeNull();
    expect(forgetRefusal({ id: 3, machineId: DESKTOP })).toMatch(/captured on desktop\.lan .*forget it there/);
  });

  it("a memory document's URI keeps the machine (any characters) and gives the same ref back", () => {
    const odd = 'host:with/odd&chars-0123456789ab';
    for (const ref of [{ id: 5 }, { id: 5, machineId: DESKTOP }, { id: 5, machineId: odd }]) {
      expect(memoryRefOfUri('/5/a.ts', memoryUriQuery(ref, 'file'))).toEqual(ref);
    }
    expect(memoryUriQuery({ id: 5 }, 'file')).toBe('kind=file');
    expect(memoryRefOfUri('/x/a.ts', '')).toBeNull();
    expect(memoryRefOfUri('/5/a.ts', 'machine=%E0')).toBeNull();
  });

  it("a command's argument: an id, a tree row or a recall hit, with the machine when it has one", () => {
    expect(memoryRefOfArg(4)).toEqual({ id: 4 });
    expect(memoryRefOfArg({ memoryId: 4, memoryMachineId: DESKTOP, id: 'timeline/…' })).toEqual({ id: 4, machineId: DESKTOP });
    expect(memoryRefOfArg({ memoryId: 4, id: 'timeline/…' })).toEqual({ id: 4 });
    expect(memoryRefOfArg({ id: 4, machineId: DESKTOP, title: 't' })).toEqual({ id: 4, machineId: DESKTOP });
    expect(memoryRefOfArg({ id: 'timeline/2026-11-23/file:/w/a.ts' })).toBeNull();
    expect(memoryRefOfArg(undefined)).toBeNull();
    expect(memoryRefOfArg(0)).toBeNull();
  });
});
