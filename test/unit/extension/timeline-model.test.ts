import { describe, expect, it } from 'vitest';
import { TIMELINE_LOAD_MORE, TimelinePager, buildTimeline, memoryRevision, type TimelineInput } from '../../../src/extension/core/timeline-model';
import type { TreeNodeModel } from '../../../src/extension/core/tree-model';
import { ManualClock } from '../../../src/shared/clock';
import type { RecallAnswer, RecallHit } from '../../../src/shared/protocol';

const NOW = new Date(2026, 10, 23, 14, 30).getTime();
const at = (d: number, h: number, m = 0) => new Date(2026, 10, d, h, m).toISOString();

let nextId = 1;
function hit(over: Partial<RecallHit>): RecallHit {
  return { id: nextId++, kind: 'file', path: '/w/src/a.ts', title: 'a.ts', capturedAt: at(23, 14), snippet: '', score: 0, ...over };
}

const input = (hits: RecallHit[], over: Partial<TimelineInput> = {}): TimelineInput => ({ hits, hasMore: false, loading: false, error: null, note: null, loaded: true, now: NOW, ...over });
/** A complete answer (no shared store, or one that answered). */
const complete = (hits: RecallHit[]): RecallAnswer => ({ hits, note: null });
const labels = (nodes: TreeNodeModel[] | undefined) => (nodes ?? []).map((n) => n.label);

describe('timeline grouping', () => {
  it('groups by local day, newest first, then by file; terminal commands and notes under their kind', () => {
    const rows = buildTimeline(input([
      hit({ capturedAt: at(23, 14, 10), path: '/w/src/a.ts', title: 'a.ts' }),
      hit({ capturedAt: at(23, 13), kind: 'terminal', path: '/w', title: 'npm test', exitCode: 1 }),
      hit({ capturedAt: at(23, 12), path: '/w/src/b.ts', title: 'b.ts' }),
      hit({ capturedAt: at(23, 11), path: '/w/src/a.ts', title: 'a.ts' }),
      hit({ capturedAt: at(22, 23, 59), kind: 'text', path: null, title: 'retry notes' }),
      hit({ capturedAt: at(19, 9), kind: 'selection', path: null, title: 'selection' }),
    ]));
    expect(labels(rows)).toEqual(['Today', 'Yesterday', 'Thursday']);
    const today = rows[0]!;
    expect(today.description).toBe('4 memories');
    expect(labels(today.children)).toEqual(['a.ts', 'Terminal commands', 'b.ts']);
    expect(labels(today.children![0]!.children)).toEqual(['14:10', '11:00']);
    expect(today.children![0]!.description).toBe('/w/src');
    const terminal = today.children![1]!.children![0]!;
    expect(terminal.label).toBe('npm test');
    expect(terminal.description).toBe('13:00 · exit 1');
    expect(terminal.tone).toBe('error');
    expect(labels(rows[1]!.children)).toEqual(['Notes']);
    expect(labels(rows[2]!.children)).toEqual(['Selections']);
  });

  it("a file's folder is shown the way the window says (workspace-relative)", () => {
    const [day] = buildTimeline(input([hit({ path: '/w/src/a.ts' })], { displayDir: (d) => d.replace(/^\/w\/?/, '') }));
    expect(day!.children![0]!.description).toBe('src');
    const [top] = buildTimeline(input([hit({ path: '/w/a.ts' })], { displayDir: (d) => d.replace(/^\/w\/?/, '') }));
    expect(top!.children![0]!.description).toBe('1');
  });

  it('only the newest day starts expanded, with its groups', () => {
    const rows = buildTimeline(input([hit({ capturedAt: at(23, 9) }), hit({ capturedAt: at(20, 9) })]));
    expect(rows.map((r) => r.expanded)).toEqual([true, false]);
    expect(rows[0]!.children![0]!.expanded).toBe(true);
    expect(rows[1]!.children![0]!.expanded).toBe(false);
  });

  it('memory rows carry what the context menu needs; file groups carry the path', () => {
    const h = hit({ path: '/w/src/a.ts' });
    const [day] = buildTimeline(input([h]));
    const group = day!.children![0]!;
    expect(group).toMatchObject({ contextValue: 'dormouse.timeline.file', memoryPath: '/w/src/a.ts' });
    expect(group.children![0]).toMatchObject({
      contextValue: 'dormouse.memory.file', memoryId: h.id, memoryPath: '/w/src/a.ts',
      command: { command: 'dormouse.openMemory', args: [{ id: h.id }] },
    });
    expect(group.children![0]!.memoryMachineId).toBeUndefined();
  });

  it("two machines' memories with the same id are two rows, each labelled with its machine and opening its own machine's memory", () => {
    const here = hit({ id: 12, kind: 'terminal', path: '/w', title: 'npm test', capturedAt: at(23, 14) });
    const there = hit({ id: 12, kind: 'terminal', path: '/w', title: 'npm test', capturedAt: at(23, 13), machineId: 'desktop-0123456789ab' });
    const [day] = buildTimeline(input([here, there]));
    const rows = day!.children![0]!.children!;
    expect(rows.map((r) => r.description)).toEqual(['14:00', '13:00 · on desktop']);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2);
    expect(rows[1]).toMatchObject({
      memoryId: 12, memoryMachineId: 'desktop-0123456789ab',
      command: { command: 'dormouse.openMemory', args: [{ id: 12, machineId: 'desktop-0123456789ab' }] },
    });
    expect(rows[1]!.tooltip).toContain('captured on desktop-0123456789ab');
    expect(rows[0]!.memoryMachineId).toBeUndefined();
  });

  it("another machine's file snapshot says its machine where a snapshot row has only its time", () => {
    const [day] = buildTimeline(input([hit({ path: '/w/src/a.ts', machineId: 'laptop-0123456789ab' })]));
    expect(day!.children![0]!.children![0]).toMatchObject({ label: '14:00', description: 'on laptop' });
  });

  it('ids are stable across refreshes (VS Code keeps expansion by id)', () => {
    const h = hit({});
    expect(buildTimeline(input([h]))).toEqual(buildTimeline(input([h])));
  });

  it('a full last page ends with Load more…; loading and errors show as rows', () => {
    const more = buildTimeline(input([hit({})], { hasMore: true }));
    expect(more.at(-1)).toMatchObject({ label: 'Load more…', command: { command: TIMELINE_LOAD_MORE } });
    expect(buildTimeline(input([hit({})], { loading: true, hasMore: true })).at(-1)!.label).toBe('Loading…');
    expect(buildTimeline(input([hit({})], { error: 'DISCONNECTED' })).at(-1)!.label).toBe('Could not load more: DISCONNECTED');
  });

  it("a partial answer's note is the first row (what the list is, the reason beside it); a complete answer has none", () => {
    const note = "shared store unreachable, showing this machine's memories only: cannot connect to db:5432";
    const rows = buildTimeline(input([hit({})], { note }));
    expect(rows[0]).toEqual({
      id: 'timeline/note', label: "shared store unreachable, showing this machine's memories only", description: 'cannot connect to db:5432',
      tooltip: note, icon: 'warning', tone: 'warning',
    });
    expect(labels(rows).slice(1)).toEqual(['Today']);
    expect(labels(buildTimeline(input([], { note })))).toEqual(["shared store unreachable, showing this machine's memories only", 'No memories yet']);
    expect(buildTimeline(input([hit({})])).some((r) => r.id === 'timeline/note')).toBe(false);
  });

  it('nothing yet: Loading before the first answer, "No memories yet" after an empty one', () => {
    expect(labels(buildTimeline(input([], { loaded: false })))).toEqual(['Loading…']);
    expect(labels(buildTimeline(input([])))).toEqual(['No memories yet']);
  });
});

describe('timeline paging and refreshing (no polling)', () => {
  function setup(pageSize = 2) {
    const clock = new ManualClock(NOW);
    let data: RecallHit[] = [1, 2, 3, 4, 5].map((i) => hit({ id: 100 + i, capturedAt: at(23, 14 - i) }));
    const calls: Array<[number, number]> = [];
    const pager = new TimelinePager({
      clock, pageSize, coalesceMs: 500,
      fetch: async (offset, limit) => (calls.push([offset, limit]), complete(data.slice(offset, offset + limit))),
    });
    return { clock, pager, calls, set: (d: RecallHit[]) => (data = d) };
  }

  it('a hidden view fetches nothing; showing it fetches the first page', async () => {
    const { pager, calls, clock } = setup();
    pager.onStatus(1);
    await clock.advance(1000);
    expect(calls).toEqual([]);
    pager.setVisible(true);
    await clock.flush();
    expect(calls).toEqual([[0, 2]]);
    expect(pager.input(NOW).hits.map((h) => h.id)).toEqual([101, 102]);
    expect(pager.input(NOW).hasMore).toBe(true);
  });

  it('Load more asks for the next offset and skips memories already shown', async () => {
    const { pager, calls, clock, set } = setup();
    pager.setVisible(true);
    await clock.flush();
    // A new memory arrived meanwhile: offsets shift by one, 102 comes again.
    set([hit({ id: 200 }), ...[1, 2, 3, 4, 5].map((i) => hit({ id: 100 + i, capturedAt: at(23, 14 - i) }))]);
    await pager.loadMore();
    expect(calls.at(-1)).toEqual([2, 2]);
    expect(pager.input(NOW).hits.map((h) => h.id)).toEqual([101, 102, 103]);
  });

  it("the pager keys rows by machine and id: another machine's memory with a shown id is shown too", async () => {
    const clock = new ManualClock(NOW);
    const page = [hit({ id: 7 }), hit({ id: 7, machineId: 'desktop-0123456789ab' }), hit({ id: 7 })];
    const pager = new TimelinePager({ clock, pageSize: 10, fetch: async () => complete(page) });
    await pager.refresh();
    expect(pager.input(NOW).hits.map((h) => [h.machineId, h.id])).toEqual([[undefined, 7], ['desktop-0123456789ab', 7]]);
    await pager.loadMore();
    expect(pager.input(NOW).hits).toHaveLength(2);
  });

  it('a status with changed capturesStored refetches once per burst; an unchanged count does nothing', async () => {
    const { pager, calls, clock } = setup();
    pager.setVisible(true);
    await clock.flush();
    pager.onStatus(5);
    await clock.advance(1000);
    expect(calls.length).toBe(2);
    pager.onStatus(5);
    await clock.advance(1000);
    expect(calls.length).toBe(2);
    pager.onStatus(6);
    await clock.advance(200);
    pager.onStatus(7);
    await clock.advance(200);
    pager.onStatus(8);
    await clock.advance(1000);
    expect(calls.length).toBe(3);
  });

  it('a refresh refetches as many as are shown, from the newest', async () => {
    const { pager, calls, clock } = setup();
    pager.setVisible(true);
    await clock.flush();
    await pager.loadMore();
    await pager.loadMore();
    await pager.refresh();
    expect(calls.at(-1)).toEqual([0, 5]);
  });

  it('a refresh after Load more past one request (200) refetches every row shown, in pages, and keeps them', async () => {
    const clock = new ManualClock(NOW);
    const data = Array.from({ length: 450 }, (_, i) => hit({ id: 1000 + i }));
    const calls: Array<[number, number]> = [];
    const pager = new TimelinePager({
      clock, pageSize: 150, coalesceMs: 500,
      fetch: async (offset, limit) => (calls.push([offset, limit]), complete(data.slice(offset, offset + limit))),
    });
    pager.setVisible(true);
    await clock.flush();
    await pager.loadMore();
    await pager.loadMore();
    expect(pager.input(NOW).hits).toHaveLength(450);
    calls.length = 0;
    await pager.refresh();
    expect(calls).toEqual([[0, 200], [200, 200], [400, 50]]);
    expect(pager.input(NOW).hits).toHaveLength(450);
  });

  it('while disconnected nothing is fetched and the view stays out of date until shown again', async () => {
    const clock = new ManualClock(NOW);
    let connected = false;
    const calls: number[] = [];
    const pager = new TimelinePager({ clock, canFetch: () => connected, fetch: async (offset) => (calls.push(offset), complete([])) });
    pager.setVisible(true);
    await clock.flush();
    expect(calls).toEqual([]);
    connected = true;
    pager.invalidate();
    await clock.advance(1000);
    expect(calls).toEqual([0]);
  });

  it('the note of a partial answer stays while rows from it are shown, until a refresh answers complete', async () => {
    const clock = new ManualClock(NOW);
    const data = [1, 2, 3, 4].map((i) => hit({ id: 300 + i }));
    const note = "shared store unreachable, showing this machine's memories only: cannot connect to db:5432";
    let reachable = false;
    const pager = new TimelinePager({
      clock, pageSize: 2,
      fetch: async (offset, limit) => ({ hits: data.slice(offset, offset + limit), note: reachable ? null : note }),
    });
    pager.setVisible(true);
    await clock.flush();
    expect(pager.input(NOW).note).toBe(note);
    reachable = true;
    await pager.loadMore(); // the first page is still this machine's only
    expect(pager.input(NOW)).toMatchObject({ note, hits: data });
    await pager.refresh();
    expect(pager.input(NOW).note).toBeNull();
    reachable = false;
    await pager.refresh(); // both pages of the refetch are partial
    expect(pager.input(NOW).note).toBe(note);
  });

  it('a failed fetch shows the error and keeps the rows', async () => {
    const clock = new ManualClock(NOW);
    let fail = false;
    const pager = new TimelinePager({ clock, fetch: async () => { if (fail) throw new Error('TIMEOUT'); return complete([hit({ id: 7 })]); } });
    pager.setVisible(true);
    await clock.flush();
    fail = true;
    await pager.refresh();
    expect(pager.input(NOW)).toMatchObject({ error: 'TIMEOUT', loaded: true });
    expect(pager.input(NOW).hits.map((h) => h.id)).toEqual([7]);
  });
});

describe('memory revision', () => {
  const counters = { capturesStored: 5, memoriesForgotten: 0, memoriesImported: 0 };
  it('a forget or an import by any client moves the revision, so the Timeline refetches', () => {
    const before = memoryRevision(counters);
    expect(memoryRevision({ ...counters, memoriesForgotten: 1 })).not.toBe(before);
    expect(memoryRevision({ ...counters, memoriesImported: 2 })).not.toBe(before);
    expect(memoryRevision({ ...counters, capturesStored: 6 })).not.toBe(before);
  });
});
