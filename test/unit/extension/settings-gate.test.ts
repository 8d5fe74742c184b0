import { describe, expect, it } from 'vitest';
import { DAEMON_SETTING_KEYS, SettingsGate, describeRejection } from '../../../src/extension/core/settings-gate';
import { defaultSettings } from '../../../src/shared/settings';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

describe('SettingsGate', () => {
  it('sends only settings the user set that differ from the daemon', () => {
    const gate = new SettingsGate();
    const daemon = defaultSettings();
    const { update, rejected } = gate.evaluate(reader({ suspendAfterMs: 5000, pollFloorMs: 250 }), daemon);
    expect(rejected).toEqual([]);
    expect(update).toEqual({ suspendAfterMs: 5000 });
  });

  it('leaves keys the user never set to the daemon (its config file or the CLI own them)', () => {
    const gate = new SettingsGate();
    const daemon = { ...defaultSettings(), retentionDays: 7 };
    expect(gate.evaluate(reader({}), daemon).update).toEqual({});
  });

  it('an invalid value is rejected with the setting named and the daemon value kept', () => {
    const gate = new SettingsGate();
    const daemon = { ...defaultSettings(), suspendAfterMs: 120_000 };
    const { update, rejected } = gate.evaluate(reader({ suspendAfterMs: -5, spawnsPerTick: 2 }), daemon);
    expect(update).toEqual({ spawnsPerTick: 2 });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ setting: 'dormouse.suspendAfterMs', value: -5, kept: 120_000 });
    expect(describeRejection(rejected[0]!)).toMatch(/dormouse\.suspendAfterMs must be between 0 and .*; the daemon keeps 120000/);
  });

  it('a floor above the ceiling is rejected across keys', () => {
    const gate = new SettingsGate();
    const { update, rejected } = gate.evaluate(reader({ pollFloorMs: 50_000, pollCeilingMs: 1000 }), defaultSettings());
    expect(rejected.map((r) => r.setting)).toEqual(['dormouse.pollFloorMs']);
    expect(update).toEqual({ pollCeilingMs: 1000 });
  });

  it('a setting the user removes is unset in the daemon once it was sent', () => {
    const gate = new SettingsGate();
    gate.evaluate(reader({ suspendAfterMs: 5000 }), defaultSettings());
    gate.commit();
    const daemon = { ...defaultSettings(), suspendAfterMs: 5000 };
    expect(gate.evaluate(reader({}), daemon)).toMatchObject({ update: {}, unset: ['suspendAfterMs'] });
    gate.commit();
    expect(gate.evaluate(reader({}), defaultSettings()).unset).toEqual([]); // said once
  });

  it('a setting sent before a window reload is still unset when removed after it', () => {
    const before = new SettingsGate();
    before.evaluate(reader({ suspendAfterMs: 5000 }), defaultSettings());
    before.commit();
    const after = new SettingsGate(before.managedKeys); // what globalState carried over
    const daemon = { ...defaultSettings(), suspendAfterMs: 5000 };
    expect(after.evaluate(reader({}), daemon).unset).toEqual(['suspendAfterMs']);
  });

  it('covers the suspend window first', () => {
    expect(DAEMON_SETTING_KEYS[0]).toBe('suspendAfterMs');
  });
});
