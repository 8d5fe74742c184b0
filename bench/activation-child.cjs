// One activation in a fresh Node process, so require() is a real cold module load: `vscode`
// resolves to bench/vscode-shim.cjs, the extension bundle is required, activate(context) called,
// and one JSON line of timings printed. Plain CommonJS run with no loader (no tsx hooks on the path).
// Spec (argv[2], JSON): { bundle, id, extensionPath, storageDir, socket?, daemonScript?, waitForRunningMs? }
'use strict';
const childProcess = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

const spec = JSON.parse(process.argv[2]);

require('./use-vscode-shim.cjs').useVscodeShim();
// VS Code hands an extension a ready API object: load the shim before the clock starts.
const vscode = require('vscode');

// When the extension first forks a process (the daemon) or opens a socket (to the daemon): both
// must happen after activate() returned.
let forkAt = null;
let connectAt = null;
const fork = childProcess.fork;
childProcess.fork = function (...args) {
  forkAt ??= performance.now();
  return fork.apply(this, args);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  connectAt ??= performance.now();
  return connect.apply(this, args);
};

function waitForRunning(api, timeoutMs, since) {
  return new Promise((resolve) => {
    if (api.supervisorState() === 'running') return resolve(performance.now() - since);
    const timer = setTimeout(() => done(null), timeoutMs);
    const subscription = api.onDidChangeSupervisorState((state) => {
      if (state === 'running') done(performance.now() - since);
      else if (state === 'given-up') done(null);
    });
    function done(value) {
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    }
  });
}

async function main() {
  const context = vscode.__bench.createExtensionContext({
    id: spec.id,
    extensionPath: spec.extensionPath,
    storageDir: spec.storageDir,
    packageJSON: {},
    daemonScript: spec.daemonScript,
  });

  const t0 = performance.now();
  const extension = require(spec.bundle);
  const t1 = performance.now();
  const api = extension.activate(context);
  const t2 = performance.now();

  const result = {
    requireMs: t1 - t0,
    activateMs: t2 - t1,
    apiActivationMs: api && typeof api.activationMs === 'number' ? api.activationMs : null,
    atReturn: {
      forked: forkAt !== null,
      connected: connectAt !== null,
      socketExisted: spec.socket ? fs.existsSync(spec.socket) : null,
      supervisorState: api && api.supervisorState ? api.supervisorState() : null,
    },
    forkAfterReturnMs: forkAt === null ? null : forkAt - t2,
    runningAfterMs: null,
    calls: { ...vscode.__bench.calls },
    commands: vscode.__bench.commandIds().length,
  };
  if (spec.waitForRunningMs && api && api.onDidChangeSupervisorState) {
    result.runningAfterMs = await waitForRunning(api, spec.waitForRunningMs, t2);
    result.daemonPid = api.daemonPid();
    if (result.runningAfterMs === null) result.log = vscode.__bench.outputChannels.flatMap((c) => c.lines).slice(-20);
  }
  if (forkAt !== null) result.forkAfterReturnMs = forkAt - t2;
  if (connectAt !== null) result.connectAfterReturnMs = connectAt - t2;
  // Window closing: disconnects this window only (the shared daemon is left for the parent to stop).
  await Promise.race([Promise.resolve(extension.deactivate && extension.deactivate()), new Promise((r) => setTimeout(r, 3000))]);
  fs.writeSync(1, `${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((error) => {
  fs.writeSync(1, `${JSON.stringify({ error: error && error.stack ? error.stack : String(error) })}\n`);
  process.exit(1);
});
