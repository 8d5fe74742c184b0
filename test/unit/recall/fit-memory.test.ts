import { describe, expect, it } from 'vitest';
import { fitMemoryToMessage } from '../../../src/daemon/recall/fit-memory';
import type { MemoryRecord } from '../../../src/shared/protocol';

const memory = (content: string): MemoryRecord => ({
  id: 1, kind: 'file', path: '/p/a.ts', title: 'a.ts', language: null, note: null, exitCode: null, content,
  capturedAt: '2026-11-23T00:00:00.000Z', updatedAt: '2026-11-23T00:00:00.000Z',
});

describe('fitMemoryToMessage', () => {
  it('a memory that fits is returned as it is', () => {
    const m = memory('small');
    expect(fitMemoryToMessage(m, 1_048_576)).toBe(m);
  });

  it('a memory larger than the message limit is cut to fit and marked truncated', () => {
    const fitted = fitMemoryToMessage(memory('x'.repeat(3_000_000)), 1_048_576);
    expect(fitted.truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThan(1_048_576);
    expect(fitted.content.length).toBeGreaterThan(900_000);
  });

  it('content that grows when JSON-escaped still fits, and no surrogate pair is split', () => {
    const fitted = fitMemoryToMessage(memory('"\\\n😀'.repeat(400_000)), 1_048_576);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThan(1_048_576);
    expect(fitted.content).not.toMatch(/[\uD800-\uDBFF]$/);
  });
});
