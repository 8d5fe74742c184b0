import { describe, expect, it } from 'vitest';
import { errorMessage, errorStack } from '../../../src/shared/error-message';

describe('errorMessage', () => {
  it('an Error reads as its message, without the class name or stack', () => {
    expect(errorMessage(new TypeError('bad port'))).toBe('bad port');
  });

  it('a thrown non-Error reads as itself, never as undefined', () => {
    expect(errorMessage('disk full')).toBe('disk full');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(null)).toBe('null');
  });
});

describe('errorStack', () => {
  it('an Error reads as its stack, which starts with its message', () => {
    const error = new Error('tick failed');
    expect(errorStack(error)).toBe(error.stack);
    expect(errorStack(error)).toMatch(/^Error: tick failed\n\s+at /);
  });

  it('an Error without a stack falls back to its message', () => {
    const error = new Error('no stack here');
    delete error.stack;
    expect(errorStack(error)).toBe('no stack here');
  });

  it('a thrown non-Error reads as itself', () => {
    expect(errorStack('plain string')).toBe('plain string');
    expect(errorStack({ toString: () => 'custom' })).toBe('custom');
  });
});
