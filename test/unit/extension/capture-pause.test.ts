import { describe, expect, it } from 'vitest';
import { CapturePauseMemory, NOT_PAUSED, type PauseMemento, isPausedAt, pauseEnd, pauseFromStatus } from '../../../src/extension/core/capture-pause';
import { commandLineOf, forgetPrompt } from '../../../src/extension/core/memory-actions';

const NOW = new Date(2026, 10, 23, 14, 30).getTime();

function memento(initial: Record<string, unknown> = {}): PauseMemento & { data: Record<string, unknown> } {
  const data = { ...initial };
  return { data, get: <T>(k: string) => data[k] as T | undefined, update: async (k, v) => void (data[k] = v) };
}

describe('pause policy', () => {
  it('a pause with an until is over once the clock passes it, without any timer', () => {
    const state = { paused: true, until: NOW + 1000 };
    expect(isPausedAt(state, NOW)).toBe(true);
    expect(isPausedAt(state, NOW + 1000)).toBe(false);
    expect(isPausedAt({ paused: true, until: null }, NOW + 1e12)).toBe(true);
    expect(isPausedAt(NOT_PAUSED, NOW)).toBe(false);
  });

  it('choices: 15 min, 1 h, tomorrow 08:00 local (the next calendar day, whatever the hour), until resumed', () => {
    expect(pauseEnd('minutes-15', NOW)).toBe(NOW + 15 * 60_000);
    expect(pauseEnd('hour-1', NOW)).toBe(NOW + 3_600_000);
    expect(pauseEnd('tomorrow', NOW)).toBe(new Date(2026, 10, 24, 8).getTime());
    expect(pauseEnd('tomorrow', new Date(2026, 10, 30, 23, 50).getTime())).toBe(new Date(2026, 11, 1, 8).getTime());
    expect(pauseEnd('until-resumed', NOW)).toBeNull();
  });

  it('reads the daemon status value (ISO until, null until resumed)', () => {
    expect(pauseFromStatus({ paused: true, until: new Date(NOW).toISOString() })).toEqual({ paused: true, until: NOW });
    expect(pauseFromStatus({ paused: true, until: null })).toEqual({ paused: true, until: null });
    expect(pauseFromStatus({ paused: false, until: null })).toEqual(NOT_PAUSED);
    expect(pauseFromStatus(undefined)).toEqual(NOT_PAUSED);
  });
});

describe('the pause this window remembers', () => {
  it('is persisted, so a reload (a new memory on the same store) keeps it', () => {
    const store = memento();
    new CapturePauseMemory(store).setByUser({ paused: true, until: NOW + 60_000 });
    const reloaded = new CapturePauseMemory(store);
    expect(reloaded.isPaused(NOW)).toBe(true);
    expect(reloaded.unsent).toEqual({ paused: true, until: NOW + 60_000 });
  });

  it("the user's unsent choice wins over a status from a daemon that has not taken it yet", () => {
    const m = new CapturePauseMemory(memento());
    m.setByUser({ paused: true, until: null });
    m.fromDaemon(NOT_PAUSED);
    expect(m.isPaused(NOW)).toBe(true);
    m.fromDaemon({ paused: true, until: null }, true);
    expect(m.unsent).toBeNull();
    // From now on the daemon is the truth (another window or the CLI resumed).
    m.fromDaemon(NOT_PAUSED);
    expect(m.isPaused(NOW)).toBe(false);
  });

  it('a pause from another window (via the daemon status) is enforced here too, and kept while the daemon is unreachable', () => {
    const store = memento();
    const m = new CapturePauseMemory(store);
    m.fromDaemon({ paused: true, until: NOW + 60_000 });
    expect(m.isPaused(NOW)).toBe(true);
    expect(new CapturePauseMemory(store).isPaused(NOW)).toBe(true);
  });

  it('an expired pause reads as not paused for display, with no change event needed', () => {
    const m = new CapturePauseMemory(memento());
    m.setByUser({ paused: true, until: NOW + 1000 });
    expect(m.effective(NOW)).toEqual({ paused: true, until: NOW + 1000 });
    expect(m.effective(NOW + 1000)).toEqual(NOT_PAUSED);
  });

  it('fires a change only when something changed', () => {
    const m = new CapturePauseMemory(memento());
    let fired = 0;
    m.onDidChange(() => fired++);
    m.fromDaemon(NOT_PAUSED);
    m.setByUser({ paused: true, until: null });
    m.setByUser({ paused: true, until: null });
    expect(fired).toBe(1);
  });

  it('a corrupt stored value is ignored', () => {
    expect(new CapturePauseMemory(memento({ 'dormouse.capturePause': 'garbage' })).isPaused(NOW)).toBe(false);
  });
});

describe('memory actions words', () => {
  it('the command line of a terminal memory drops the exit code and cwd lines, keeping multi-line commands', () => {
    expect(commandLineOf({ content: 'npm test\nexit code: 1\ncwd: /w', title: 'npm test' })).toBe('npm test');
    expect(commandLineOf({ content: 'for i in 1 2; do\n  echo $i\ndone\nexit code: unknown', title: 'for' })).toBe('for i in 1 2; do\n  echo $i\ndone');
    expect(commandLineOf({ content: 'ls', title: 'ls' })).toBe('ls');
  });

  it('every forget prompt says it cannot be undone and has its own button', () => {
    const prompts = [forgetPrompt({ id: 1 }, 'a.ts', NOW), forgetPrompt({ path: '/w/a.ts' }, 'a.ts', NOW), forgetPrompt({ before: NOW }, undefined, NOW), forgetPrompt({ all: true }, undefined, NOW)];
    for (const p of prompts) expect(p.detail).toMatch(/cannot be undone/);
    expect(new Set(prompts.map((p) => p.button)).size).toBe(4);
    expect(prompts[0]!.message).toBe('Forget "a.ts"?');
    expect(prompts[2]!.message).toBe('Forget everything captured before Nov 23 14:30?');
  });
});
