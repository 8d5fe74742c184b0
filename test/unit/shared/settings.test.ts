import { describe, expect, it } from 'vitest';
import { applySettingsUpdate, defaultSettings, effectiveStaleThresholdMs, parseSetArgument } from '../../../src/shared/settings';

describe('settings schema', () => {
  it('defaults match the CLI contract', () => {
    const s = defaultSettings();
    expect(s).toMatchObject({
      suspendAfterMs: 300_000, suspendEnabled: true, backoffEnabled: true, pollFloorMs: 250, pollCeilingMs: 30_000,
      backoffMultiplier: 1.5, spawnsPerTick: 4, maxConcurrent: 4, spawnJitterMs: [50, 150], stuckThresholdMs: 60_000,
      captureMaxBytes: 262_144, mergeWindowMs: 10_000, idleExitMs: 60_000,
    });
    expect(s.captureExcludes).toEqual(expect.arrayContaining(['**/.env', '**/node_modules/**', '**/.git/**', '**/*.pem']));
  });

  it('the stale threshold defaults to max(60 s, 10 x floor)', () => {
    expect(effectiveStaleThresholdMs(defaultSettings())).toBe(60_000);
    expect(effectiveStaleThresholdMs({ ...defaultSettings(), pollFloorMs: 10_000 })).toBe(100_000);
    expect(effectiveStaleThresholdMs({ ...defaultSettings(), staleThresholdMs: 5_000 })).toBe(5_000);
  });

  it('an update with any invalid value applies nothing and lists every rejected key', () => {
    const current = defaultSettings();
    const result = applySettingsUpdate(current, { suspendAfterMs: -1, pollFloorMs: 100, bogus: 1, spawnJitterMs: [5, 1] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejected.map((r) => r.key).sort()).toEqual(['bogus', 'spawnJitterMs', 'suspendAfterMs']);
    expect(result.rejected.find((r) => r.key === 'suspendAfterMs')?.reason).toMatch(/between 0 and/);
    expect(current.pollFloorMs).toBe(250);
  });

  it('a floor above the ceiling is rejected', () => {
    const result = applySettingsUpdate(defaultSettings(), { pollFloorMs: 40_000 });
    expect(result.ok).toBe(false);
  });

  it('a valid update lists its changes with whether each is live', () => {
    const result = applySettingsUpdate(defaultSettings(), { suspendAfterMs: 1000, ipcMaxMessageBytes: 8192, maxConcurrent: 4 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.changes).toEqual([
      { key: 'suspendAfterMs', from: 300_000, to: 1000, live: true },
      { key: 'ipcMaxMessageBytes', from: 1_048_576, to: 8192, live: false },
    ]);
  });

  it('--set parses JSON values and falls back to strings', () => {
    expect(parseSetArgument('pollFloorMs=100')).toEqual({ key: 'pollFloorMs', value: 100 });
    expect(parseSetArgument('spawnJitterMs=[0,0]')).toEqual({ key: 'spawnJitterMs', value: [0, 0] });
    expect(parseSetArgument('logLevel=debug')).toEqual({ key: 'logLevel', value: 'debug' });
    expect(parseSetArgument('novalue')).toHaveProperty('error');
  });
});
