import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, ConfigStore } from '../../../src/daemon/config/config-store';
import { memoryLogger } from '../../../src/shared/logger';

function setup(fileValues?: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'dm-cfg-'));
  const configFile = join(dir, 'config.json');
  if (fileValues) writeFileSync(configFile, JSON.stringify(fileValues));
  const pendingFile = join(dir, 'pending.json');
  const log = memoryLogger();
  const store = ConfigStore.load({ configFile, explicit: false, pendingFile, log });
  return { dir, configFile, pendingFile, log, store };
}

describe('config store', () => {
  it('a missing default config file means defaults', () => {
    expect(setup().store.settings.suspendAfterMs).toBe(300_000);
  });

  it('an invalid config file at start refuses to start with the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-cfg-'));
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ pollFloorMs: 'fast' }));
    expect(() => ConfigStore.load({ configFile, explicit: true, pendingFile: join(dir, 'p.json'), log: memoryLogger() })).toThrow(ConfigFileError);
  });

  it('an invalid reload applies nothing, keeps the old values and logs loudly', () => {
    const { store, log } = setup({ suspendAfterMs: 1000 });
    const outcome = store.reload({ settings: { suspendAfterMs: 2000, maxConcurrent: -1 } });
    expect(outcome.ok).toBe(false);
    expect(store.settings.suspendAfterMs).toBe(1000);
    expect(log.lines.some((l) => l.includes('RELOAD REJECTED') && l.includes('maxConcurrent'))).toBe(true);
  });

  it('a valid reload applies live settings at once and fires one change event', () => {
    const { store } = setup();
    const events: unknown[] = [];
    store.onDidChange((c) => events.push(c));
    const outcome = store.reload({ settings: { suspendAfterMs: 2000 } });
    expect(outcome.ok).toBe(true);
    expect(store.settings.suspendAfterMs).toBe(2000);
    expect(events).toHaveLength(1);
  });

  it('restart-required settings wait for the next start and survive it', () => {
    const { store, configFile, pendingFile } = setup();
    const outcome = store.reload({ settings: { ipcMaxMessageBytes: 8192 } });
    expect(outcome).toMatchObject({ ok: true, pendingRestart: ['ipcMaxMessageBytes'] });
    expect(store.settings.ipcMaxMessageBytes).toBe(1_048_576);
    expect(JSON.parse(readFileSync(pendingFile, 'utf8'))).toEqual({ ipcMaxMessageBytes: 8192 });
    const next = ConfigStore.load({ configFile, explicit: false, pendingFile, log: memoryLogger() });
    expect(next.settings.ipcMaxMessageBytes).toBe(8192);
    expect(existsSync(pendingFile)).toBe(false);
  });

  it('a key removed from the config file falls back to its default on reload', () => {
    const { store, configFile } = setup({ suspendAfterMs: 1000 });
    writeFileSync(configFile, JSON.stringify({}));
    expect(store.reload({}).ok).toBe(true);
    expect(store.settings.suspendAfterMs).toBe(300_000);
  });

  it('runtime values stay above the config file across file reloads', () => {
    const { store, configFile } = setup({ suspendAfterMs: 1000 });
    store.reload({ settings: { suspendAfterMs: 5000 } });
    writeFileSync(configFile, JSON.stringify({ suspendAfterMs: 7000, pollFloorMs: 100 }));
    store.reload({});
    expect(store.settings.suspendAfterMs).toBe(5000);
    expect(store.settings.pollFloorMs).toBe(100);
  });

  it('unset drops a runtime value: the config file value comes back, else the default', () => {
    const { store } = setup({ suspendAfterMs: 1000 });
    store.reload({ settings: { suspendAfterMs: 5000, pollFloorMs: 100 } });
    const result = store.reload({ unset: ['suspendAfterMs', 'pollFloorMs'] });
    expect(result.ok).toBe(true);
    expect(store.settings.suspendAfterMs).toBe(1000);
    expect(store.settings.pollFloorMs).toBe(250);
  });

  it('unset of an unknown key is rejected and nothing applies', () => {
    const { store } = setup();
    store.reload({ settings: { suspendAfterMs: 5000 } });
    expect(store.reload({ unset: ['suspendAfterMs', 'nope'] })).toMatchObject({ ok: false, rejected: [{ key: 'nope' }] });
    expect(store.settings.suspendAfterMs).toBe(5000);
  });

  it('a broken config file on reload is rejected and the old values kept', () => {
    const { store, configFile } = setup({ suspendAfterMs: 1000 });
    writeFileSync(configFile, '{ not json');
    const outcome = store.reload({});
    expect(outcome.ok).toBe(false);
    expect(store.settings.suspendAfterMs).toBe(1000);
  });
});
