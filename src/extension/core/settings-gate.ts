// Which VS Code settings go to the daemon, and the gate they pass first. A value that fails the
// shared schema (src/shared/settings.ts) is rejected here, loudly, and never sent: the daemon
// keeps the last accepted value. The daemon validates again (INVALID_SETTINGS) as a second line.
import { SETTING_SPECS, type SettingKey, type Settings, applySettingsUpdate } from '../../shared/settings';

/** `dormouse.<key>` settings that the daemon owns, in the order the settings UI shows them. */
export const DAEMON_SETTING_KEYS = [
  'suspendAfterMs',
  'pollFloorMs',
  'pollCeilingMs',
  'spawnsPerTick',
  'maxConcurrent',
  'staleThresholdMs',
  'stuckThresholdMs',
  'captureExcludes',
  'captureMaxBytes',
  'retentionSnapshotsPerFile',
  'retentionDays',
  'ipcMaxMessageBytes',
  'ipcMaxConnections',
  'logLevel',
  'storeUrl',
] as const satisfies readonly SettingKey[];

export type DaemonSettingKey = (typeof DAEMON_SETTING_KEYS)[number];

export interface SettingRejectionNotice {
  /** The VS Code setting id, e.g. "dormouse.suspendAfterMs". */
  setting: string;
  value: unknown;
  reason: string;
  /** The value the daemon keeps. */
  kept: unknown;
}

export interface GateResult {
  /** Valid keys whose value differs from the daemon's. */
  update: Partial<Settings>;
  /** Keys this extension set before and the user has removed: the daemon drops its runtime value (back to its config file, else the default). */
  unset: DaemonSettingKey[];
  rejected: SettingRejectionNotice[];
}

export function settingId(key: SettingKey): string {
  return `dormouse.${key}`;
}

/**
 * Only settings the user set explicitly are sent (a daemon configured through its config file or
 * the CLI keeps those values for keys VS Code leaves alone); a key the user removes is unset in
 * the daemon, which falls back to its config file, else the default. Changes are computed against
 * the daemon's own config from its status.
 */
export class SettingsGate {
  /** Keys last sent with an explicit value (persisted by the caller, so a removal after a window reload still resets them). */
  private managed: Set<DaemonSettingKey>;
  private pendingManaged: Set<DaemonSettingKey> | null = null;

  constructor(managed: readonly string[] = []) {
    this.managed = new Set(DAEMON_SETTING_KEYS.filter((k) => managed.includes(k)));
  }

  get managedKeys(): DaemonSettingKey[] {
    return [...this.managed];
  }

  /**
   * Reads every daemon setting through `read` (undefined = not set explicitly) and returns what to
   * send to a daemon whose config is `daemon`. Each key is checked alone, then the merged result
   * across keys (floor <= ceiling); an invalid key is left out and reported with the value kept.
   */
  evaluate(read: (key: DaemonSettingKey) => unknown, daemon: Settings): GateResult {
    const rejected: SettingRejectionNotice[] = [];
    const candidate: Record<string, unknown> = {};
    const nextManaged = new Set<DaemonSettingKey>();
    const unset: DaemonSettingKey[] = [];
    for (const key of DAEMON_SETTING_KEYS) {
      const raw = read(key);
      if (raw === undefined) {
        if (this.managed.has(key)) unset.push(key);
        continue;
      }
      const value = raw;
      const parsed = SETTING_SPECS[key].parse(value);
      if (!parsed.ok) {
        rejected.push({ setting: settingId(key), value, reason: parsed.reason, kept: daemon[key] });
        if (this.managed.has(key)) nextManaged.add(key);
        continue;
      }
      nextManaged.add(key);
      if (JSON.stringify(daemon[key]) !== JSON.stringify(parsed.value)) candidate[key] = parsed.value;
    }
    const merged = applySettingsUpdate(daemon, candidate);
    if (!merged.ok) {
      for (const r of merged.rejected) {
        const key = r.key as DaemonSettingKey;
        rejected.push({ setting: settingId(key), value: candidate[key], reason: r.reason, kept: daemon[key] });
        delete candidate[key];
      }
    }
    this.pendingManaged = nextManaged;
    return { update: candidate, unset, rejected };
  }

  /** The daemon accepted the last evaluated update. */
  commit(): void {
    if (this.pendingManaged) this.managed = this.pendingManaged;
    this.pendingManaged = null;
  }
}

/** A one-line warning that names the setting, the reason and the value kept. */
export function describeRejection(r: SettingRejectionNotice): string {
  return `Dormouse: ${r.setting} ${r.reason}; the daemon keeps ${JSON.stringify(r.kept)}.`;
}
