// The extension-host test entry (bundled to dist/test/e2e/index.js by test/e2e/run-e2e.mjs).
// `run(): Promise<void>` is the contract of VS Code's extensionTestsPath, so the same bundle also
// runs under @vscode/test-electron on a desktop VS Code. Suite files register their tests on
// import, in this order; later suites build on the state earlier ones leave (settings, a running
// daemon), and the one that kills the daemon goes last.
import { runAll } from './framework';
import { bridge } from './harness';
import './activation.e2e';
import './recall.e2e';
import './agents.e2e';
import './ui.e2e';
import './capture-switches.e2e';
import './recall-browse.e2e';
import './daemon-states.e2e';
import './idle.e2e';
import './supervisor.e2e';

export function run(): Promise<void> {
  return runAll({
    resultsFile: process.env.DORMOUSE_E2E_RESULTS,
    // Under the e2e runner, what the window looked like when a test failed.
    onFailure: process.env.DORMOUSE_E2E_BRIDGE
      ? async ({ index }) => void (await bridge.screenshot(`failed-${String(index + 1).padStart(2, '0')}`))
      : undefined,
  });
}
