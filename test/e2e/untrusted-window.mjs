// Nothing is captured from an untrusted workspace, checked in a real untrusted window. The suite's
// own window cannot be one: its code-server runs with workspace trust disabled (and the extension
// host's tests need a trusted folder). So the runner starts a second code-server with workspace
// trust on and a fresh trust state (`startupPrompt: never`: a folder nobody trusted opens in
// Restricted Mode), loads the extension under development in it (no test bundle), and, as a user:
// opens a file, types, saves; then selects the text and runs "Dormouse: Capture selection" (allowed
// in Restricted Mode), a sentinel through the same outbox after the save. Once the daemon (the
// suite's own, same data dir) has stored the sentinel and emptied its queue, the saved text must
// not be recallable. Read through the CLI; every UI wait is playwright's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { launchCodeServer, projectNode, repoRoot, runDirs } from '../../scripts/lib/code-server.mjs';
import { runFromPalette, statusBarItem } from './ui-bridge.mjs';
import { SELECTORS } from './ui-selectors.mjs';

export const UNTRUSTED_TEST_NAME = 'an untrusted workspace (a real Restricted Mode window) captures no save';
const SAVED_WORD = 'untrustedLynxSaved';
const SENTINEL_WORD = 'untrustedSentinelHeron';
// Generous: on a loaded machine the second window's extension host took 45 s to start.
const TIMEOUT_MS = 60_000;

/**
 * @param {{ context: import('playwright-core').BrowserContext, runDir: string, env: Record<string, string>, userSettings: object, screenshotsDir: string, log: (line: string) => void }} options
 * @returns {Promise<{ name: string, status: 'passed' | 'failed', durationMs: number, error?: string }>}
 */
export async function checkUntrustedWindow({ context, runDir, env, userSettings, screenshotsDir, log }) {
  const started = performance.now();
  const dir = join(runDir, 'untrusted');
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'lynx.ts'), '// draft\n');
  const settingsFile = join(runDirs(dir).userData, 'User', 'settings.json');
  mkdirSync(dirname(settingsFile), { recursive: true });
  writeFileSync(settingsFile, JSON.stringify({ ...userSettings, 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }, null, 2));
  let server;
  let page;
  try {
    server = await launchCodeServer({ runDir: dir, env, workspaceTrust: true, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] });
    page = await context.newPage();
    const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${repoRoot}`]];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'commit', timeout: TIMEOUT_MS });

    // Restricted Mode is on, and Dormouse is running in this window.
    await page.locator(SELECTORS.statusBar).getByText('Restricted Mode').first().waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await statusBarItem(page, { ariaIncludes: 'Dormouse daemon:', ariaExcludes: 'starting' }, TIMEOUT_MS);

    // Open the file (Quick Open), replace its text, save.
    await page.keyboard.press('ControlOrMeta+P');
    await page.waitForSelector(SELECTORS.quickInputBox, { state: 'visible', timeout: TIMEOUT_MS });
    await page.keyboard.type('lynx.ts');
    await page.locator(SELECTORS.quickInputRow).filter({ hasText: 'lynx.ts' }).first().click({ timeout: TIMEOUT_MS });
    const editor = page.locator(SELECTORS.activeEditorText);
    await editor.click({ timeout: TIMEOUT_MS });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(`export const ${SAVED_WORD} = 1;`);
    await page.keyboard.press('ControlOrMeta+S');
    await page.locator(SELECTORS.activeTabClean).first().waitFor({ state: 'visible', timeout: TIMEOUT_MS });

    // The sentinel: the same text selected and captured with a note.
    await editor.click({ timeout: TIMEOUT_MS });
    await page.keyboard.press('ControlOrMeta+A');
    await runFromPalette(page, 'Dormouse: Capture selection', { opensQuickInput: true }, TIMEOUT_MS);
    await page.keyboard.type(SENTINEL_WORD);
    await page.keyboard.press('Enter');
    await page.screenshot({ path: join(screenshotsDir, 'untrusted-window.png') }).catch(() => undefined);

    const cli = cliRunner(env);
    await until(() => cli(['recall', SENTINEL_WORD, '--json']).length > 0, `the sentinel selection (${SENTINEL_WORD}) to be stored`);
    await until(() => {
      const { queue } = cli(['status', '--json']);
      return queue.queued === 0 && queue.leased === 0;
    }, 'the daemon to finish its queue');
    const sentinel = cli(['recall', SENTINEL_WORD, '--json']);
    if (!sentinel.some((m) => m.kind === 'selection')) throw new Error(`the sentinel is not the selection: ${JSON.stringify(sentinel)}`);
    // The sentinel's content is the saved text too: only a file memory would be the save.
    const saved = cli(['recall', SAVED_WORD, '--json']).filter((m) => m.kind === 'file');
    if (saved.length > 0) throw new Error(`the save in the untrusted window was captured: ${JSON.stringify(saved)}`);
    return { name: UNTRUSTED_TEST_NAME, status: 'passed', durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    if (page) await page.screenshot({ path: join(screenshotsDir, 'untrusted-window-failed.png') }).catch(() => undefined);
    return { name: UNTRUSTED_TEST_NAME, status: 'failed', durationMs: Math.round(performance.now() - started), error: error.stack ?? error.message };
  } finally {
    await page?.close().catch((error) => log(`closing the untrusted window failed: ${error.message}`));
    await server?.stop();
  }
}

/** The CLI of this checkout on the run's daemon; each call's JSON answer. */
function cliRunner(env) {
  return (args) => {
    const result = spawnSync(projectNode(), [join(repoRoot, 'dist', 'cli.js'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 15_000 });
    if (result.status !== 0) throw new Error(`dormouse ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
    return JSON.parse(result.stdout);
  };
}

/** Asks again, each time a little later, until `check` holds (a condition, bounded; the CLI has no event to wait on). */
async function until(check, what) {
  const deadline = performance.now() + TIMEOUT_MS;
  for (let delay = 100; !check(); delay = Math.min(delay * 2, 1_000)) {
    if (performance.now() > deadline) throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
