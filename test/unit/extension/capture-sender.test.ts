// CaptureSender on a ManualClock, real spill files in a temp storage folder, and a fake daemon
// whose `enqueue` answers only when the test says so.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureSender, type CaptureSenderOptions } from '../../../src/extension/capture/capture-sender';
import { ManualClock } from '../../../src/shared/clock';
import { Emitter, waitFor } from '../../../src/shared/event';
import { memoryLogger } from '../../../src/shared/logger';
import type { JobInput } from '../../../src/shared/protocol';

const OWN_PID = 4242;
let storageDir: string;
const senders: CaptureSender[] = [];

beforeEach(() => {
  storageDir = mkdtempSync(join(tmpdir(), 'dormouse-sender-'));
});

afterEach(() => {
  for (const s of senders.splice(0)) s.dispose();
  rmSync(storageDir, { recursive: true, force: true });
});

const capture = (text: string): JobInput => ({ kind: 'capture', payload: { type: 'text', text } });
const texts = (jobs: JobInput[]) => jobs.map((j) => (j.payload as { text: string }).text);

/** A daemon whose answers the test gives one enqueue at a time. */
class FakeDaemon {
  connected = true;
  /** Every enqueue call, answered or not, in order. */
  readonly calls: JobInput[][] = [];
  private readonly received = new Emitter<JobInput[]>();
  private answers: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  /** When set, every enqueue is acknowledged at once. */
  autoAck = false;

  readonly enqueue = (jobs: JobInput[]): Promise<void> => {
    this.calls.push(jobs);
    if (this.autoAck) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.answers.push({ resolve, reject });
      this.received.fire(jobs);
    });
  };

  /** Resolves with the texts of the enqueue waiting for an answer (or the next one). */
  async next(): Promise<string[]> {
    if (this.answers.length > 0) return texts(this.calls[this.calls.length - this.answers.length]!);
    return texts(await waitFor(this.received.event));
  }

  get waiting(): number {
    return this.answers.length;
  }

  ack(): void {
    this.answers.shift()!.resolve();
  }

  fail(message = 'DISCONNECTED: the connection to the daemon is closed'): void {
    this.answers.shift()!.reject(new Error(message));
  }

  /** All texts enqueued so far, flattened, in order. */
  get sent(): string[] {
    return this.calls.flatMap(texts);
  }
}

function setup(overrides: Partial<CaptureSenderOptions> = {}) {
  const clock = new ManualClock();
  const log = memoryLogger();
  const daemon = new FakeDaemon();
  const sender = new CaptureSender({
    storageDir,
    clock,
    log,
    enqueue: daemon.enqueue,
    isConnected: () => daemon.connected,
    batchWindowMs: 150,
    pid: OWN_PID,
    isProcessAlive: () => false,
    ...overrides,
  });
  senders.push(sender);
  const flushes: number[] = [];
  sender.onDidFlush(({ count }) => flushes.push(count));
  return { clock, log, daemon, sender, flushes };
}

function writeSpill(pid: number, lines: string[]): string {
  const file = join(storageDir, `outbox-${pid}.jsonl`);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

describe('CaptureSender', () => {
  it('captures within one window go to the daemon in one enqueue', async () => {
    const { clock, daemon, sender } = setup();
    sender.submit(capture('a'));
    await clock.advance(100);
    sender.submit(capture('b'));
    sender.submit(capture('c'));
    await clock.advance(49);
    expect(daemon.calls).toEqual([]);

    await clock.advance(1);
    expect(daemon.calls).toHaveLength(1);
    expect(await daemon.next()).toEqual(['a', 'b', 'c']);
    daemon.ack();
    await clock.flush();

    expect(daemon.calls).toHaveLength(1);
    expect(sender.stats).toEqual({ memory: 0, spilled: 0, dropped: 0 });
    expect(clock.activeTimers).toBe(0); // an idle window arms nothing
  });

  it('every capture carries a dedupe key, so a replay after a lost acknowledgement is not doubled', async () => {
    const { clock, daemon, sender } = setup();
    sender.submit(capture('a'));
    sender.submit({ ...capture('b'), dedupeKey: 'mine' });
    await clock.advance(150);
    const [a, b] = daemon.calls[0]!;
    expect(a!.dedupeKey).toEqual(expect.any(String));
    expect(b!.dedupeKey).toBe('mine');
  });

  it('captures while disconnected wait and are sent once on connect', async () => {
    const { clock, daemon, sender } = setup();
    daemon.connected = false;
    sender.submit(capture('a'));
    sender.submit(capture('b'));
    await clock.advance(1000);
    expect(daemon.calls).toEqual([]);
    expect(sender.stats.memory).toBe(2);

    daemon.connected = true;
    sender.onConnected();
    expect(await daemon.next()).toEqual(['a', 'b']);
    daemon.ack();
    await clock.flush();

    // A second connection event has nothing left to send.
    sender.onConnected();
    await clock.flush();
    expect(daemon.calls).toHaveLength(1);
    expect(daemon.sent).toEqual(['a', 'b']);
    expect(sender.stats).toEqual({ memory: 0, spilled: 0, dropped: 0 });
  });

  it('a failed enqueue keeps the captures for the next connection, in order', async () => {
    const { clock, daemon, sender, log } = setup();
    sender.submit(capture('a'));
    sender.submit(capture('b'));
    await clock.advance(150);
    expect(await daemon.next()).toEqual(['a', 'b']);
    const firstKeys = daemon.calls[0]!.map((j) => j.dedupeKey);

    daemon.connected = false;
    daemon.fail();
    await clock.flush();
    expect(sender.stats.memory).toBe(2);
    expect(log.lines.some((l) => l.includes('WARN') && l.includes('captures kept for later'))).toBe(true);

    sender.submit(capture('c'));
    await clock.advance(150);
    expect(daemon.calls).toHaveLength(1); // still disconnected: nothing tried

    daemon.connected = true;
    sender.onConnected();
    expect(await daemon.next()).toEqual(['a', 'b', 'c']);
    // The replay carries the same keys, so a batch the daemon did store is not stored twice.
    expect(daemon.calls[1]!.slice(0, 2).map((j) => j.dedupeKey)).toEqual(firstKeys);
    daemon.ack();
    await clock.flush();
    expect(sender.stats.memory).toBe(0);
  });

  it('a connection made while a failing enqueue is still in flight sends the captures on it', async () => {
    // The old connection's request can fail after the supervisor already reconnected (a request
    // timing out on a daemon that was killed and replaced): that connection must not be missed.
    const { clock, daemon, sender } = setup();
    sender.submit(capture('a'));
    await clock.advance(150);
    expect(await daemon.next()).toEqual(['a']);

    sender.onConnected(); // reconnected while the old request waits
    daemon.fail('TIMEOUT: enqueue got no reply');
    await clock.flush();
    expect(daemon.waiting).toBe(1); // tried again at once, on the new connection
    expect(await daemon.next()).toEqual(['a']);
    daemon.ack();
    await clock.flush();
    expect(sender.stats.memory).toBe(0);
    expect(daemon.calls).toHaveLength(2);
  });

  it('captures submitted while an enqueue is in flight follow it in order, none twice', async () => {
    const { clock, daemon, sender } = setup();
    sender.submit(capture('a'));
    await clock.advance(150);
    expect(await daemon.next()).toEqual(['a']);
    sender.submit(capture('b'));
    await clock.advance(150);
    expect(daemon.waiting).toBe(1);

    daemon.ack();
    expect(await daemon.next()).toEqual(['b']);
    daemon.ack();
    await clock.flush();
    expect(daemon.sent).toEqual(['a', 'b']);
  });

  it('a burst of 100 captures is sent at once, without waiting for the window', async () => {
    const { clock, daemon, sender } = setup();
    daemon.autoAck = true;
    for (let i = 0; i < 100; i++) sender.submit(capture(`c${i}`));
    await clock.flush(); // lets the send run; no time passes
    expect(daemon.calls).toHaveLength(1);
    expect(daemon.calls[0]).toHaveLength(100);
  });

  it('a Save All of 2,000 goes out in batches under the message limit, each capture once, with progress up to the end', async () => {
    const limit = 16_000;
    const { clock, daemon, sender } = setup({ maxMessageBytes: () => limit });
    const progress: Array<{ done: number; total: number } | null> = [];
    sender.onDidChangeProgress((p) => progress.push(p));
    const all = Array.from({ length: 2_000 }, (_, i) => `/work/src/file-${i}.ts`);
    for (const t of all) sender.submit(capture(t));
    expect(sender.progress).toEqual({ done: 0, total: 2_000 });

    while (daemon.sent.length < all.length || daemon.waiting > 0) {
      await daemon.next();
      daemon.ack();
      await clock.flush();
    }
    for (const call of daemon.calls) {
      const frame = JSON.stringify({ type: 'request', data: { id: Number.MAX_SAFE_INTEGER, method: 'enqueue', params: { jobs: call } } });
      expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(limit);
    }
    expect(daemon.calls.length).toBeGreaterThan(all.length / 100);
    expect(daemon.sent).toEqual(all);
    // Shown from the 200th capture, then one step per accepted batch, and gone when all are in.
    expect(progress[0]).toEqual({ done: 0, total: 200 });
    const steps = progress.slice(1, -1).map((p) => p!.done);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(progress.at(-2)!.total).toBe(2_000);
    expect(progress.at(-2)!.done).toBeLessThan(2_000);
    expect(progress.at(-1)).toBeNull();
    expect(sender.progress).toBeNull();
  });

  it('the extension host runs between two batches of a burst, even when the daemon answers at once', async () => {
    const order: string[] = [];
    const { clock, sender } = setup({
      enqueue: async () => {
        if (order.length === 0) setImmediate(() => order.push('host'));
        order.push('batch');
      },
    });
    for (let i = 0; i < 300; i++) sender.submit(capture(`c${i}`));
    await clock.flush();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order.indexOf('host')).toBeGreaterThan(0);
    expect(order.indexOf('host')).toBeLessThan(order.lastIndexOf('batch'));
  });

  it('a batch over the daemon\'s message limit is split into several enqueues', async () => {
    const limit = 2000;
    const { clock, daemon, sender } = setup({ maxMessageBytes: () => limit });
    daemon.autoAck = true;
    const sent = Array.from({ length: 10 }, (_, i) => `${i}:${'x'.repeat(300)}`);
    for (const t of sent) sender.submit(capture(t));
    await clock.advance(150);

    expect(daemon.calls.length).toBeGreaterThan(1);
    for (const call of daemon.calls) {
      // The whole request frame fits the daemon's limit, not only the jobs.
      const frame = JSON.stringify({ type: 'request', data: { id: Number.MAX_SAFE_INTEGER, method: 'enqueue', params: { jobs: call } } });
      expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(limit);
    }
    expect(daemon.sent).toEqual(sent);
    expect(sender.stats.memory).toBe(0);
  });

  it('a single capture too large to ever send is refused loudly instead of blocking the rest', async () => {
    const { clock, daemon, sender, log, flushes } = setup({ maxMessageBytes: () => 10_000 });
    daemon.autoAck = true;
    sender.submit(capture('before'));
    sender.submit(capture('y'.repeat(20_000)));
    sender.submit(capture('after'));
    await clock.advance(150);

    expect(daemon.sent).toEqual(['before', 'after']);
    expect(sender.stats).toEqual({ memory: 0, spilled: 0, dropped: 0 });
    expect(log.lines.filter((l) => l.includes('ERROR') && /a capture of \d+ bytes exceeds the daemon's message limit/.test(l))).toHaveLength(1);
    expect(flushes).toEqual([2]); // the refused one was never acknowledged

    // And it does not come back with the next batch.
    sender.submit(capture('later'));
    await clock.advance(150);
    expect(daemon.sent).toEqual(['before', 'after', 'later']);
  });

  it('spill files of closed windows are replayed; a live window\'s file is left alone', async () => {
    const line = (text: string) => JSON.stringify({ ...capture(text), dedupeKey: `k-${text}` });
    const closed = writeSpill(111, [line('closed-1'), line('closed-2')]);
    const live = writeSpill(222, [line('live-1')]);
    const liveBefore = readFileSync(live, 'utf8');
    writeFileSync(join(storageDir, 'outbox-333.jsonl.corrupt'), 'not a spill file\n');
    const { clock, daemon, sender, log } = setup({ isProcessAlive: (pid) => pid === 222 });
    expect(log.lines.some((l) => l.includes(`replaying captures left by a closed window (${closed})`))).toBe(true);
    expect(sender.stats.spilled).toBe(2);

    daemon.autoAck = true;
    sender.submit(capture('mine'));
    await clock.advance(150);

    expect(daemon.sent).toEqual(['closed-1', 'closed-2', 'mine']); // the closed window's first
    expect(existsSync(closed)).toBe(false);
    expect(readFileSync(live, 'utf8')).toBe(liveBefore);
    expect(sender.stats).toEqual({ memory: 0, spilled: 0, dropped: 0 });
  });

  it('two windows restored together never both replay one closed window\'s spill file', async () => {
    const line = (text: string) => JSON.stringify({ ...capture(text), dedupeKey: `k-${text}` });
    writeSpill(111, [line('orphan-1'), line('orphan-2')]);
    const alive = (pid: number) => pid === 500 || pid === 600;
    const a = setup({ pid: 500, isProcessAlive: alive });
    const b = setup({ pid: 600, isProcessAlive: alive });
    a.daemon.autoAck = true;
    b.daemon.autoAck = true;
    a.sender.onConnected();
    b.sender.onConnected();
    await a.clock.advance(150);
    await b.clock.advance(150);
    expect([...a.daemon.sent, ...b.daemon.sent].sort()).toEqual(['orphan-1', 'orphan-2']);
  });

  it('a spill file adopted by a window that died before replaying it is adopted again', async () => {
    const line = (text: string) => JSON.stringify({ ...capture(text), dedupeKey: `k-${text}` });
    writeSpill(111, [line('orphan')]);
    const first = setup({ pid: 500, isProcessAlive: () => false });
    first.daemon.connected = false;
    first.sender.onConnected(); // adopts, cannot send
    expect(first.sender.stats.spilled).toBe(1);
    const next = setup({ pid: 600, isProcessAlive: (pid) => pid === 600 });
    next.daemon.autoAck = true;
    next.sender.onConnected();
    await next.clock.advance(150);
    expect(next.daemon.sent).toEqual(['orphan']);
  });

  it('a capture the daemon would refuse is refused at once and blocks nothing', async () => {
    const { clock, daemon, sender, log } = setup();
    daemon.autoAck = true;
    expect(sender.submit({ kind: 'capture', payload: { type: 'text', text: '' } })).toBe(false);
    expect(log.lines.some((l) => l.includes('capture refused'))).toBe(true);
    sender.submit(capture('fine'));
    await clock.advance(150);
    expect(daemon.sent).toEqual(['fine']);
  });

  it('captures left when a window closes are sent by the next window', async () => {
    const first = setup({ pid: 111 });
    first.daemon.connected = false;
    first.sender.submit(capture('a'));
    first.sender.submit(capture('b'));
    first.sender.dispose(); // the window closes with the daemon unreachable
    expect(existsSync(join(storageDir, 'outbox-111.jsonl'))).toBe(true);

    const next = setup({ pid: 222, isProcessAlive: () => false });
    next.daemon.autoAck = true;
    next.sender.onConnected();
    await next.clock.flush();
    expect(next.daemon.sent).toEqual(['a', 'b']);
    expect(existsSync(join(storageDir, 'outbox-111.jsonl'))).toBe(false);
  });

  it('onDidFlush reports how many were acknowledged', async () => {
    const { clock, daemon, sender, flushes } = setup();
    sender.submit(capture('a'));
    sender.submit(capture('b'));
    sender.submit(capture('c'));
    await clock.advance(150);
    expect(await daemon.next()).toEqual(['a', 'b', 'c']);
    expect(flushes).toEqual([]); // not before the daemon acknowledged

    daemon.fail();
    await clock.flush();
    expect(flushes).toEqual([]); // a failed enqueue acknowledges nothing

    sender.onConnected();
    await daemon.next();
    daemon.ack();
    await clock.flush();
    expect(flushes).toEqual([3]);
  });
});
