import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Emitter, waitFor } from '../../../src/shared/event';
import type { JobInput } from '../../../src/shared/protocol';
import { Outbox, type OutboxOptions } from '../../../src/extension/core/outbox';

let dir: string;
let spillFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dormouse-outbox-'));
  // A folder that does not exist yet, like a fresh globalStorage.
  spillFile = join(dir, 'storage', 'outbox-1.jsonl');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const job = (text: string): JobInput => ({ kind: 'capture', payload: { type: 'text', text }, dedupeKey: `key-${text}` });
const texts = (jobs: JobInput[]) => jobs.map((j) => (j.payload as { text: string }).text);

let ids = 0;
function outbox(opts: Partial<OutboxOptions> = {}): Outbox {
  return new Outbox({ spillFile, newId: () => `id-${++ids}`, ...opts });
}

function spillLines(): string[] {
  if (!existsSync(spillFile)) return [];
  return readFileSync(spillFile, 'utf8').split('\n').filter((l) => l !== '');
}

/** A daemon that acknowledges every batch at once and records what it received. */
function acceptingDaemon() {
  const batches: string[][] = [];
  return { batches, send: async (jobs: JobInput[]) => void batches.push(texts(jobs)) };
}

/** A daemon whose answers the test gives one batch at a time. */
class ControlledDaemon {
  readonly batches: string[][] = [];
  private readonly received = new Emitter<string[]>();
  private answers: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  readonly send = (jobs: JobInput[]) =>
    new Promise<void>((resolve, reject) => {
      this.answers.push({ resolve, reject });
      this.batches.push(texts(jobs));
      this.received.fire(texts(jobs));
    });
  /** Resolves with the next batch sent (or the one already waiting for an answer). */
  nextBatch(): Promise<string[]> {
    const waiting = this.answers.length > 0 ? this.batches[this.batches.length - 1] : undefined;
    return waiting ? Promise.resolve(waiting) : waitFor(this.received.event);
  }
  ack(): void {
    this.answers.shift()!.resolve();
  }
  fail(message: string): void {
    this.answers.shift()!.reject(new Error(message));
  }
}

describe('Outbox', () => {
  it('nothing is lost when the memory bound spills to the file', async () => {
    const box = outbox({ maxMemoryEntries: 3 });
    for (let i = 1; i <= 10; i++) box.push(job(`c${i}`));
    expect(box.stats).toEqual({ memory: 3, spilled: 7, dropped: 0 });
    expect(spillLines()).toHaveLength(7);
    const daemon = acceptingDaemon();
    expect(await box.drain(daemon.send, { batchSize: 4 })).toEqual({ sent: 10 });
    expect(daemon.batches.flat()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10']);
    expect(box.isEmpty).toBe(true);
    expect(existsSync(spillFile)).toBe(false);
  });

  it('persist puts what is in memory on disk, and a later drain still sends each entry once', async () => {
    const box = outbox();
    box.push(job('a'));
    box.push(job('b'));
    box.persist();
    expect(spillLines()).toHaveLength(2);
    expect(box.stats).toMatchObject({ memory: 0, spilled: 2 });
    box.push(job('c'));
    const daemon = acceptingDaemon();
    await box.drain(daemon.send);
    expect(daemon.batches.flat()).toEqual(['a', 'b', 'c']);
    expect(box.isEmpty).toBe(true);
  });

  it('the memory byte bound spills as well', () => {
    const lineLength = JSON.stringify(job('x'.repeat(100) + 0)).length;
    const box = outbox({ maxMemoryBytes: 2 * lineLength + 10 });
    for (let i = 0; i < 5; i++) box.push(job('x'.repeat(100) + i));
    expect(box.stats).toEqual({ memory: 2, spilled: 3, dropped: 0 });
  });

  it('long lines and a spill file of several MiB replay in order, and the file is gone after', async () => {
    const box = outbox({ maxMemoryEntries: 0 });
    const big = (i: number): JobInput => ({ kind: 'capture', payload: { type: 'text', text: `${i}:${'y'.repeat(i % 7 === 0 ? 200_000 : 10_000)}` }, dedupeKey: `big-${i}` });
    for (let i = 0; i < 300; i++) box.push(big(i));
    expect(box.stats).toEqual({ memory: 0, spilled: 300, dropped: 0 });
    const seen: string[] = [];
    expect(await box.drain(async (jobs) => void seen.push(...texts(jobs)), { batchSize: 7 })).toEqual({ sent: 300 });
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => texts([big(i)])[0]));
    expect(existsSync(spillFile)).toBe(false);
  });

  it('entries are removed only after the daemon acknowledges them', async () => {
    const box = outbox({ maxMemoryEntries: 2 });
    for (const t of ['a', 'b', 'c', 'd']) box.push(job(t));
    const daemon = new ControlledDaemon();
    const drained = box.drain(daemon.send, { batchSize: 2 });

    expect(await daemon.nextBatch()).toEqual(['a', 'b']);
    expect(box.stats).toEqual({ memory: 2, spilled: 2, dropped: 0 });
    expect(spillLines()).toHaveLength(2);
    daemon.ack();

    expect(await daemon.nextBatch()).toEqual(['c', 'd']);
    expect(box.stats).toEqual({ memory: 2, spilled: 0, dropped: 0 });
    expect(existsSync(spillFile)).toBe(false);
    daemon.ack();

    expect(await drained).toEqual({ sent: 4 });
    expect(box.stats).toEqual({ memory: 0, spilled: 0, dropped: 0 });
  });

  it('a failed send keeps every entry in order', async () => {
    const box = outbox({ maxMemoryEntries: 3 });
    for (const t of ['a', 'b', 'c', 'd', 'e']) box.push(job(t));
    const daemon = new ControlledDaemon();
    const drained = box.drain(daemon.send, { batchSize: 2 });
    await daemon.nextBatch();
    daemon.ack();
    expect(await daemon.nextBatch()).toEqual(['c', 'd']);
    daemon.fail('daemon went away');
    await expect(drained).rejects.toThrow('daemon went away');
    expect(box.stats).toEqual({ memory: 3, spilled: 0, dropped: 0 });

    const again = acceptingDaemon();
    expect(await box.drain(again.send)).toEqual({ sent: 3 });
    expect(again.batches.flat()).toEqual(['c', 'd', 'e']);
  });

  it('a failed send of spilled entries keeps them in the file for the next drain', async () => {
    const box = outbox({ maxMemoryEntries: 1 });
    for (const t of ['a', 'b', 'c']) box.push(job(t));
    await expect(box.drain(async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(box.stats).toEqual({ memory: 1, spilled: 2, dropped: 0 });
    expect(spillLines()).toHaveLength(2);
    const daemon = acceptingDaemon();
    await box.drain(daemon.send);
    expect(daemon.batches.flat()).toEqual(['a', 'b', 'c']);
  });

  it('a spill file left by a previous session is replayed first', async () => {
    const previous = outbox({ maxMemoryEntries: 2 });
    for (const t of ['old1', 'old2', 'old3']) previous.push(job(t));
    previous.dispose(); // a window reload: what was in memory goes to the file too

    const box = outbox();
    expect(box.stats).toEqual({ memory: 0, spilled: 3, dropped: 0 });
    expect(box.isEmpty).toBe(false);
    box.push(job('new1'));
    const daemon = acceptingDaemon();
    expect(await box.drain(daemon.send)).toEqual({ sent: 4 });
    expect(daemon.batches.flat()).toEqual(['old1', 'old2', 'old3', 'new1']);
    expect(existsSync(spillFile)).toBe(false);
  });

  it('entries pushed during a drain are sent by that drain', async () => {
    const box = outbox();
    box.push(job('a'));
    const daemon = new ControlledDaemon();
    const drained = box.drain(daemon.send);
    expect(await daemon.nextBatch()).toEqual(['a']);
    box.push(job('b'));
    box.push(job('c'));
    daemon.ack();
    expect(await daemon.nextBatch()).toEqual(['b', 'c']);
    daemon.ack();
    expect(await drained).toEqual({ sent: 3 });
    expect(box.isEmpty).toBe(true);
  });

  it('a second drain while one runs returns the running one', async () => {
    const box = outbox();
    box.push(job('a'));
    const daemon = new ControlledDaemon();
    const first = box.drain(daemon.send);
    const other = acceptingDaemon();
    const second = box.drain(other.send);
    expect(second).toBe(first);
    await daemon.nextBatch();
    daemon.ack();
    expect(await second).toEqual({ sent: 1 });
    expect(other.batches).toEqual([]);
  });

  it('a batch being sent that pushes spill to the file is still sent once, in order', async () => {
    const box = outbox({ maxMemoryEntries: 2 });
    box.push(job('a'));
    box.push(job('b'));
    const daemon = new ControlledDaemon();
    const drained = box.drain(daemon.send, { batchSize: 2 });
    expect(await daemon.nextBatch()).toEqual(['a', 'b']);
    // While a and b are in flight, three more push them (and c) out to the file.
    for (const t of ['c', 'd', 'e']) box.push(job(t));
    expect(box.stats).toEqual({ memory: 2, spilled: 3, dropped: 0 });
    daemon.ack();
    expect(await daemon.nextBatch()).toEqual(['c']);
    daemon.ack();
    expect(await daemon.nextBatch()).toEqual(['d', 'e']);
    daemon.ack();
    expect(await drained).toEqual({ sent: 5 });
    expect(daemon.batches.flat()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(existsSync(spillFile)).toBe(false);
  });

  it('a failed batch that pushes spilled to the file is resent first, once', async () => {
    const box = outbox({ maxMemoryEntries: 2 });
    box.push(job('a'));
    box.push(job('b'));
    const daemon = new ControlledDaemon();
    const drained = box.drain(daemon.send, { batchSize: 2 });
    await daemon.nextBatch();
    for (const t of ['c', 'd', 'e']) box.push(job(t));
    daemon.fail('lost');
    await expect(drained).rejects.toThrow('lost');
    const again = acceptingDaemon();
    expect(await box.drain(again.send, { batchSize: 2 })).toEqual({ sent: 5 });
    expect(again.batches.flat()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a full spill file refuses new entries and reports them dropped', async () => {
    const box = outbox({ maxMemoryEntries: 1, maxSpillBytes: 200 });
    const drops: number[] = [];
    box.onDidDrop(({ dropped }) => drops.push(dropped));
    for (let i = 1; i <= 6; i++) box.push(job(`c${i}`));
    // Each line is about 80 bytes: two fit in the file, one in memory, the rest are refused.
    expect(box.stats).toEqual({ memory: 1, spilled: 2, dropped: 3 });
    expect(drops).toEqual([1, 2, 3]);
    const daemon = acceptingDaemon();
    await box.drain(daemon.send);
    expect(daemon.batches.flat()).toEqual(['c1', 'c2', 'c3']);
    // Room again: new entries are taken.
    box.push(job('c7'));
    expect(box.stats).toEqual({ memory: 1, spilled: 0, dropped: 3 });
  });

  it('a corrupt spill line is set aside, the rest replayed', async () => {
    mkdirSync(join(dir, 'storage'), { recursive: true });
    const line = (t: string) => JSON.stringify(job(t));
    const notAJob = JSON.stringify({ kind: 'capture', payload: { type: 'nope' } });
    // Valid, garbage, valid, a job the daemon would refuse, valid, then a line torn by a crash.
    writeFileSync(spillFile, [line('a'), '{"kind":"capt', line('b'), notAJob, '', line('c'), '{"kind"'].join('\n'));

    const box = outbox();
    const daemon = acceptingDaemon();
    expect(await box.drain(daemon.send, { batchSize: 10 })).toEqual({ sent: 3 });
    expect(daemon.batches.flat()).toEqual(['a', 'b', 'c']);
    expect(box.corrupt).toBe(3);
    expect(readFileSync(`${spillFile}.corrupt`, 'utf8').split('\n').filter(Boolean)).toEqual(['{"kind":"capt', notAJob, '{"kind"']);
    expect(box.isEmpty).toBe(true);
    expect(existsSync(spillFile)).toBe(false);
  });

  it('a corrupt line is set aside once even when the send around it fails', async () => {
    mkdirSync(join(dir, 'storage'), { recursive: true });
    writeFileSync(spillFile, [JSON.stringify(job('a')), 'garbage', JSON.stringify(job('b')), ''].join('\n'));
    const box = outbox();
    await expect(box.drain(async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(box.drain(async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    const daemon = acceptingDaemon();
    await box.drain(daemon.send);
    expect(daemon.batches.flat()).toEqual(['a', 'b']);
    expect(readFileSync(`${spillFile}.corrupt`, 'utf8')).toBe('garbage\n');
  });

  it('push gives a job without dedupeKey a fresh one, keeps an existing one, and leaves the caller\'s object alone', async () => {
    const box = outbox();
    const bare: JobInput = { kind: 'capture', payload: { type: 'text', text: 'x' } };
    box.push(bare);
    box.push(job('y'));
    expect(bare.dedupeKey).toBeUndefined();
    const daemon = new ControlledDaemon();
    const received: JobInput[][] = [];
    const drained = box.drain(async (jobs) => {
      received.push(jobs);
      await daemon.send(jobs);
    });
    await daemon.nextBatch();
    daemon.ack();
    await drained;
    expect(received[0]!.map((j) => j.dedupeKey)).toEqual([`id-${ids}`, 'key-y']);
  });

  it('dispose writes what is in memory to the spill file, for the next session', () => {
    const box = outbox();
    box.push(job('a'));
    box.push(job('b'));
    box.dispose();
    expect(spillLines().map((l) => texts([JSON.parse(l) as JobInput])[0])).toEqual(['a', 'b']);
    expect(outbox().stats).toEqual({ memory: 0, spilled: 2, dropped: 0 });
  });

  it('an acknowledgement arriving after dispose still removes the sent entries from the file', async () => {
    const box = outbox();
    box.push(job('a'));
    const daemon = new ControlledDaemon();
    const drained = box.drain(daemon.send);
    await daemon.nextBatch();
    box.push(job('b'));
    box.dispose();
    expect(spillLines()).toHaveLength(2);
    daemon.ack();
    await drained;
    expect(spillLines().map((l) => texts([JSON.parse(l) as JobInput])[0])).toEqual(['b']);
  });

  it('an empty outbox drains without calling send and writes no file', async () => {
    const box = outbox();
    let calls = 0;
    expect(await box.drain(async () => void calls++)).toEqual({ sent: 0 });
    expect(calls).toBe(0);
    expect(existsSync(join(dir, 'storage'))).toBe(false);
  });
});
