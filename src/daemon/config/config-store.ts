// The daemon's settings in force, and reload. Layers, lowest first: defaults < config file <
// values set at run time (`reload --set`, the extension's settings). A reload validates the
// whole update: all valid → live settings apply at once and restart-required ones are kept as
// pending (persisted, applied at the next start); any invalid → nothing applies, every reason
// is returned and logged loudly.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Emitter } from '../../shared/event';
import type { Logger } from '../../shared/logger';
import {
  type SettingChange,
  type SettingRejection,
  type Settings,
  SETTING_SPECS,
  applySettingsUpdate,
  defaultSettings,
  isSettingKey,
} from '../../shared/settings';
import { errorMessage } from '../../shared/error-message';

export class ConfigFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`config file ${file}: ${reason}`);
    this.name = 'ConfigFileError';
  }
}

/** Reads a config file: a JSON object of setting keys. A missing default file is an empty object. */
function readConfigFile(file: string, required: boolean): Record<string, unknown> {
  if (!existsSync(file)) {
    if (required) throw new ConfigFileError(file, 'not found');
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigFileError(file, `not valid JSON (${errorMessage(error)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigFileError(file, 'must be a JSON object of settings');
  }
  return parsed as Record<string, unknown>;
}

export type ReloadOutcome =
  | { ok: true; changes: SettingChange[]; pendingRestart: string[] }
  | { ok: false; rejected: SettingRejection[] };

export class ConfigStore {
  private current: Settings;
  /** Runtime values (`reload --set`, the extension's settings): they sit above the config file. */
  private overrides: Record<string, unknown> = {};
  /** Restart-required values accepted by a reload, waiting for the next start. */
  private pending: Record<string, unknown> = {};
  private readonly changed = new Emitter<SettingChange[]>();
  readonly onDidChange = this.changed.event;

  private constructor(
    initial: Settings,
    private configFile: string,
    private fileValues: Record<string, unknown>,
    private readonly pendingFile: string,
    private readonly log: Logger,
  ) {
    this.current = initial;
  }

  /**
   * Loads defaults + config file + settings left pending by the last run. An invalid file at
   * start is an error (the daemon refuses to start with a config it cannot honour).
   */
  static load(opts: { configFile: string; explicit: boolean; pendingFile: string; log: Logger }): ConfigStore {
    const fileValues = readConfigFile(opts.configFile, opts.explicit);
    const pendingValues = readConfigFile(opts.pendingFile, false);
    const result = applySettingsUpdate(defaultSettings(), { ...fileValues, ...pendingValues });
    if (!result.ok) {
      throw new ConfigFileError(opts.configFile, result.rejected.map((r) => `${r.key}: ${r.reason}`).join('; '));
    }
    rmSync(opts.pendingFile, { force: true });
    return new ConfigStore(result.settings, opts.configFile, fileValues, opts.pendingFile, opts.log);
  }

  get settings(): Settings {
    return this.current;
  }

  get pendingRestart(): string[] {
    return Object.keys(this.pending);
  }

  /**
   * Validates and applies an update: the config file (re-read when named, or when no values are
   * given, as SIGHUP does) plus explicit values, minus the runtime values named in `unset`. Effective = defaults < file < runtime values, so
   * a key removed from the file falls back to its default.
   */
  reload(update: { configFile?: string; settings?: Record<string, unknown>; unset?: string[] }): ReloadOutcome {
    const unknown = (update.unset ?? []).filter((key) => !isSettingKey(key));
    if (unknown.length > 0) {
      const rejected = unknown.map((key) => ({ key, reason: 'unknown setting: nothing to unset' }));
      this.logRejected(rejected);
      return { ok: false, rejected };
    }
    let fileValues = this.fileValues;
    if (update.configFile !== undefined || !update.settings) {
      const file = update.configFile ?? this.configFile;
      try {
        fileValues = readConfigFile(file, update.configFile !== undefined);
      } catch (error) {
        const rejected = [{ key: '(config file)', reason: errorMessage(error) }];
        this.logRejected(rejected);
        return { ok: false, rejected };
      }
    }
    // Unset drops a runtime value: the key falls back to the config file, else its default.
    const overrides = { ...this.overrides };
    for (const key of update.unset ?? []) delete overrides[key];
    Object.assign(overrides, update.settings ?? {});
    const inForce = { ...this.current, ...this.pending };
    const result = applySettingsUpdate(inForce, { ...defaultSettings(), ...fileValues, ...overrides });
    if (!result.ok) {
      this.logRejected(result.rejected);
      return { ok: false, rejected: result.rejected };
    }
    if (update.configFile !== undefined) this.configFile = update.configFile;
    this.fileValues = fileValues;
    this.overrides = overrides;
    const live = result.changes.filter((c) => c.live);
    const restart = result.changes.filter((c) => !c.live);
    const next = { ...result.settings } as Record<string, unknown>;
    for (const key of Object.keys(next)) {
      if (!ConfigStore.isLive(key)) next[key] = this.current[key as keyof Settings];
    }
    for (const change of restart) {
      if (JSON.stringify(change.to) === JSON.stringify(this.current[change.key])) delete this.pending[change.key];
      else this.pending[change.key] = change.to;
    }
    this.persistPending();
    this.current = next as unknown as Settings;
    for (const c of live) this.log.info(`setting ${c.key}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`);
    for (const c of restart) this.log.warn(`setting ${c.key} changed to ${JSON.stringify(c.to)}: takes effect after a daemon restart`);
    if (live.length > 0) this.changed.fire(live);
    return { ok: true, changes: result.changes, pendingRestart: this.pendingRestart };
  }

  private logRejected(rejected: SettingRejection[]): void {
    this.log.error(
      `RELOAD REJECTED: ${rejected.length} invalid setting(s), nothing applied, old values kept: ` +
        rejected.map((r) => `${r.key}: ${r.reason}`).join('; '),
    );
  }

  private persistPending(): void {
    if (Object.keys(this.pending).length === 0) {
      rmSync(this.pendingFile, { force: true });
      return;
    }
    const tmp = `${this.pendingFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.pending, null, 2), { mode: 0o600 });
    renameSync(tmp, this.pendingFile);
  }

  /** Whether a key is known and live (for callers that split live and restart-required keys). */
  static isLive(key: string): boolean {
    return isSettingKey(key) && SETTING_SPECS[key].live;
  }
}
