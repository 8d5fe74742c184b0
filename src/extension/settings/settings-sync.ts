// VS Code settings → the daemon, live. Every change of a `dormouse.*` daemon setting is validated
// by the SettingsGate; invalid values are refused with a warning that names the setting and the
// value the daemon keeps, valid ones are sent as one `reload`. Settings that need a restart
// (the daemon's pendingRestart) offer one. Split as rust-analyzer does: live vs restart-required.
import * as vscode from 'vscode';
import { CoalescingRunner } from '../../shared/coalescing-runner';
import type { Logger } from '../../shared/logger';
import { RpcError, type ReloadResult } from '../../shared/protocol';
import { type Settings, defaultSettings } from '../../shared/settings';
import { DAEMON_SETTING_KEYS, type DaemonSettingKey, SettingsGate, describeRejection, settingId } from '../core/settings-gate';
import { errorMessage } from '../../shared/error-message';

export interface SettingsSyncOptions {
  log: Logger;
  /** Where the keys this extension manages are remembered across window reloads (globalState). */
  memento: vscode.Memento;
  /** The daemon's pid, to tell a restarted daemon (pending restarts are then applied). */
  daemonPid(): number | null;
  /** The daemon's current config (from its status), or null when not connected. */
  daemonConfig(): Settings | null;
  reload(settings: Partial<Settings>, unset: string[]): Promise<ReloadResult>;
  restartDaemon(): Promise<void>;
  /** Extension-side settings changed (editorIdleMs, capture toggles). */
  onExtensionSettingsChanged(): void;
}

/** What the user set explicitly (user, workspace or folder level); undefined when left at the default. */
function explicitValue(key: DaemonSettingKey): unknown {
  const inspected = vscode.workspace.getConfiguration('dormouse').inspect(key);
  if (!inspected) return undefined;
  return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue;
}

const MANAGED_KEY = 'dormouse.managedSettings';

export class SettingsSync implements vscode.Disposable {
  private readonly gate: SettingsGate;
  /** Restart-required values already sent to this daemon (its status shows the old value until it restarts). */
  private pendingSent = new Map<string, string>();
  private pendingPid: number | null = null;
  private readonly subscription: vscode.Disposable;
  private readonly syncs = new CoalescingRunner(() => this.syncOnce());
  private readonly lastWarned = new Map<string, string>();

  constructor(private readonly opts: SettingsSyncOptions) {
    this.gate = new SettingsGate(opts.memento.get<string[]>(MANAGED_KEY, []));
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('dormouse')) return;
      opts.onExtensionSettingsChanged();
      if (DAEMON_SETTING_KEYS.some((k) => e.affectsConfiguration(settingId(k)))) void this.sync();
    });
  }

  /** Sends what changed; called on every settings change and after every (re)connection. */
  sync(): Promise<void> {
    return this.syncs.run();
  }

  private async syncOnce(): Promise<void> {
    const daemon = this.opts.daemonConfig();
    const pid = this.opts.daemonPid();
    if (pid !== this.pendingPid) {
      this.pendingSent.clear(); // a new daemon started with them applied
      this.pendingPid = pid;
    }
    const { update, unset, rejected } = this.gate.evaluate(explicitValue, daemon ?? defaultSettings());
    for (const [key, value] of Object.entries(update)) {
      if (this.pendingSent.get(key) === JSON.stringify(value)) delete (update as Record<string, unknown>)[key];
    }
    for (const r of rejected) this.warnOnce(r.setting, describeRejection(r));
    for (const key of DAEMON_SETTING_KEYS) if (!rejected.some((r) => r.setting === settingId(key))) this.lastWarned.delete(settingId(key));
    if (!daemon) return; // not connected: the next connection syncs
    if (Object.keys(update).length === 0 && unset.length === 0) {
      this.commit();
      return;
    }
    try {
      const result = await this.opts.reload(update, unset);
      this.commit();
      const fresh = result.pendingRestart.filter((k) => k in update);
      for (const key of fresh) this.pendingSent.set(key, JSON.stringify((update as Record<string, unknown>)[key]));
      this.opts.log.info(`settings sent: ${result.changes.map((c) => `${c.key} ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join(', ') || 'no change'}`);
      // Every window sends the same change; the focused one asks.
      if (fresh.length > 0 && vscode.window.state.focused) this.offerRestart(fresh);
    } catch (error) {
      if (error instanceof RpcError && error.code === 'INVALID_SETTINGS') {
        for (const r of error.details?.rejected ?? []) {
          const kept = daemon[r.key as keyof Settings];
          this.warnOnce(`dormouse.${r.key}`, `Dormouse: dormouse.${r.key} ${r.reason}; the daemon keeps ${JSON.stringify(kept)}.`);
        }
        return;
      }
      this.opts.log.warn(`settings not sent: ${errorMessage(error)}`);
    }
  }

  private commit(): void {
    this.gate.commit();
    void this.opts.memento.update(MANAGED_KEY, this.gate.managedKeys);
  }

  private warnOnce(setting: string, message: string): void {
    // A settings.json edit fires per keystroke-save; say each distinct problem once.
    if (this.lastWarned.get(setting) === message) return;
    this.lastWarned.set(setting, message);
    this.opts.log.warn(message);
    void vscode.window.showWarningMessage(message, 'Open settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', setting);
    });
  }

  private offerRestart(keys: string[]): void {
    const names = keys.map((k) => `dormouse.${k}`).join(', ');
    void vscode.window
      .showInformationMessage(`Dormouse: ${names} takes effect after the daemon restarts.`, 'Restart daemon')
      .then((choice) => {
        if (choice) void this.opts.restartDaemon();
      });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
