// package.json's contributions must agree with the code: every command registered is contributed
// (and the other way round), and each daemon setting's default and range match the shared schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAEMON_SETTING_KEYS } from '../../../src/extension/core/settings-gate';
import { COMMAND_IDS } from '../../../src/extension/ui/command-ids';
import { SETTING_SPECS } from '../../../src/shared/settings';

type Property = { default: unknown; minimum?: number; maximum?: number; order: number };
const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { commands: Array<{ command: string }>; configuration: { properties: Record<string, Property> } };
};
const properties = manifest.contributes.configuration.properties;

describe('package.json contributions', () => {
  it('contributes exactly the commands the extension registers', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    expect(contributed).toEqual(Object.values(COMMAND_IDS).sort());
  });

  it('activates on startup finished, not on *', () => {
    expect(manifest.activationEvents).toEqual(['onStartupFinished']);
  });

  it('every daemon setting is contributed with the schema default and a range the schema accepts', () => {
    for (const key of DAEMON_SETTING_KEYS) {
      const prop = properties[`dormouse.${key}`];
      expect(prop, key).toBeDefined();
      expect(prop!.default, key).toEqual(SETTING_SPECS[key].default);
      if (prop!.minimum !== undefined) {
        expect(SETTING_SPECS[key].parse(prop!.minimum).ok, `${key} minimum`).toBe(true);
        expect(SETTING_SPECS[key].parse(prop!.minimum - 1).ok, `${key} below minimum`).toBe(false);
      }
      if (prop!.maximum !== undefined) {
        expect(SETTING_SPECS[key].parse(prop!.maximum).ok, `${key} maximum`).toBe(true);
        expect(SETTING_SPECS[key].parse(prop!.maximum + 1).ok, `${key} above maximum`).toBe(false);
      }
    }
  });

  it('shows the suspend window first in the settings UI', () => {
    const first = Object.entries(properties).sort((a, b) => a[1].order - b[1].order)[0]![0];
    expect(first).toBe('dormouse.suspendAfterMs');
  });
});
