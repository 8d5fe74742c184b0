// What e2e tests use inside the extension host: the extension's test API, waiting on its typed
// events (never sleeping), and the UI bridge, through which the runner's playwright reads and
// drives the real workbench in the browser (the host cannot see the DOM).
import * as vscode from 'vscode';
import type { DormouseApi, DormouseTestApi } from '../../../src/extension/api';
import { RealClock } from '../../../src/shared/clock';
import type { Event } from '../../../src/shared/event';
import { DisposableStore } from '../../../src/shared/lifecycle';

export const EXTENSION_ID = 'dormouse.dormouse';

const clock = new RealClock();

/**
 * Activates the extension under test (if needed) and returns what activate() returned: the test
 * build's API, with request() (the runner builds with `node esbuild.mjs`, not --production).
 */
export async function getApi(): Promise<DormouseTestApi> {
  const extension = vscode.extensions.getExtension<DormouseApi>(EXTENSION_ID);
  if (!extension) {
    throw new Error(`extension ${EXTENSION_ID} is not loaded in this host: was the payload's extensionDevelopmentPath honoured?`);
  }
  const api = extension.isActive ? extension.exports : await extension.activate();
  if (!api || typeof api.supervisorState !== 'function') {
    throw new Error(`extension ${EXTENSION_ID} activated but returned no DormouseApi (activate() returned ${api == null ? String(api) : `a value of type ${typeof api} without supervisorState()`})`);
  }
  if (typeof (api as Partial<DormouseTestApi>).request !== 'function') {
    throw new Error(`extension ${EXTENSION_ID} is a production build (its API has no request()): the e2e suite needs the test build, node esbuild.mjs`);
  }
  return api as DormouseTestApi;
}

/**
 * Resolves with the first value satisfying `predicate`: the current one (from `current`, checked
 * first, so an event that already fired is not waited for) or a later one from `event`. Rejects
 * after `timeoutMs`, naming `what` and the last value seen.
 */
export function waitForEvent<T>(
  event: Event<T>,
  predicate: (value: T) => boolean,
  timeoutMs: number,
  what: string,
  current?: () => T,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const store = new DisposableStore();
    let last: { value: T } | undefined;
    const consider = (value: T): boolean => {
      last = { value };
      if (!predicate(value)) return false;
      store.dispose();
      resolve(value);
      return true;
    };
    store.add(event((value) => void consider(value)));
    if (current && consider(current())) return;
    store.add(
      clock.setTimeout(() => {
        store.dispose();
        const seen = last ? `; last value: ${safeJson(last.value)}` : '; no value seen';
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`));
      }, timeoutMs),
    );
  });
}

export { isProcessAlive } from '../../../src/shared/process-alive';

// ---- the UI bridge (served by test/e2e/ui-bridge.mjs in the runner) ----

export interface StatusBarItemInfo {
  text: string;
  ariaLabel: string;
  className: string;
  backgroundColor: string;
  color: string;
  /** The current theme's colours by VS Code colour id (statusBarItem.warningBackground, …), computed (rgb(…)). */
  theme: Record<string, string>;
}

export interface QuickPickRow {
  label: string;
  description: string;
  detail: string;
  ariaLabel: string;
}

export interface TreeRow {
  ariaLabel: string;
  text: string;
  level: number;
}

async function call<T>(route: string, body: object = {}): Promise<T> {
  const base = process.env.DORMOUSE_E2E_BRIDGE;
  if (!base) throw new Error('DORMOUSE_E2E_BRIDGE is not set: the UI bridge only exists under test/e2e/run-e2e.mjs');
  const response = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as T & { error?: string }) : ({} as T & { error?: string });
  if (!response.ok) throw new Error(`UI bridge ${route} failed: ${parsed.error ?? `HTTP ${response.status}`}`);
  return parsed;
}

export const bridge = {
  /** Saves test-artifacts/e2e/screenshots/<name>.png. */
  screenshot: (name: string) => call<{ path: string }>('/screenshot', { name }),
  /** Waits until the Dormouse status bar item exists (its text / aria-label including the given strings), then reads it. */
  statusBar: (options: { textIncludes?: string; textExcludes?: string; ariaIncludes?: string; ariaExcludes?: string; timeoutMs?: number } = {}) => call<StatusBarItemInfo>('/statusbar', options),
  /**
   * Runs a command through the real command palette: F1, the title, Enter. With
   * `opensQuickInput`, resolves once the quick input the command opens is showing (type into it then).
   */
  palette: (title: string, options: { opensQuickInput?: boolean; timeoutMs?: number } = {}) =>
    call<{ picked: string }>('/palette', { title, ...options }),
  /** Clicks the first row of the tree view (default "Dormouse") whose accessibility label includes `ariaIncludes`. */
  clickTreeRow: (ariaIncludes: string, options: { viewTitle?: string; timeoutMs?: number } = {}) =>
    call<object>('/tree-click', { ariaIncludes, ...options }),
  /** Clicks the Dormouse status bar item with the mouse. */
  clickStatusBar: (options: { timeoutMs?: number } = {}) => call<object>('/click-statusbar', options),
  type: (text: string) => call<object>('/type', { text }),
  /** Sets the visible quick input's text (as typed), until it holds it. */
  quickInputFill: (text: string, options: { timeoutMs?: number } = {}) => call<object>('/quickinput-fill', { text, ...options }),
  press: (key: string) => call<object>('/press', { key }),
  /** The visible quick pick's rows, once at least `minItems` are shown, some row's text `includes` and none `excludes`. */
  quickPick: (options: { timeoutMs?: number; minItems?: number; includes?: string; excludes?: string } = {}) => call<{ rows: QuickPickRow[]; value: string }>('/quickpick', options),
  /** Clicks a button of the visible quick pick (its title bar) by its tooltip. */
  quickPickChoose: (label: string, options: { timeoutMs?: number } = {}) => call<object>('/quickpick-choose', { label, ...options }),
  quickPickButton: (ariaIncludes: string, options: { timeoutMs?: number } = {}) => call<object>('/quickpick-button', { ariaIncludes, ...options }),
  /**
   * The rows of the tree in the view pane titled `viewTitle` (default "Dormouse"), once it shows
   * `minRows` rows and a row including `textIncludes`. The pane must be open (palette "Dormouse:
   * Show Dormouse view"). `welcome` is the welcome view's text when the tree is empty.
   */
  tree: (options: { viewTitle?: string; minRows?: number; textIncludes?: string; textExcludes?: string; welcomeIncludes?: string; timeoutMs?: number } = {}) =>
    call<{ rows: TreeRow[]; welcome: string }>('/tree', options),
  /** Expands or collapses the side bar view pane titled `viewTitle` (its header's click). */
  pane: (viewTitle: string, expanded: boolean, options: { timeoutMs?: number } = {}) => call<{ expanded: boolean }>('/pane', { viewTitle, expanded, ...options }),
  /** Right-clicks the first tree row whose accessibility label includes `ariaIncludes` and chooses `item` in the context menu. */
  treeContextMenu: (ariaIncludes: string, item: string, options: { viewTitle?: string; timeoutMs?: number } = {}) =>
    call<{ labels: string[] }>('/tree-context', { ariaIncludes, item, ...options }),

  /** Clicks the button `button` of the notification whose message includes `includes`. */
  notificationAction: (includes: string, button: string, options: { timeoutMs?: number } = {}) => call<object>('/notification-action', { includes, button, ...options }),
  /** Sets `key` (e.g. dormouse.suspendAfterMs) in the Settings editor: searched, then typed (or its checkbox clicked). */
  settingsSet: (key: string, value: string | number | boolean, options: { timeoutMs?: number } = {}) => call<object>('/settings-set', { key, value, ...options }),
  /** The messages in the notifications centre (toasts do not render headless), once one includes `includes`. */
  notifications: (options: { includes?: string; timeoutMs?: number } = {}) => call<{ messages: string[] }>('/notifications', options),
};

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 500 ? `${text.slice(0, 500)}…` : text;
  } catch {
    return String(value);
  }
}
