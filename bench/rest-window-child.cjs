// One idle VS Code window for the "at rest" bench (bench/rest-bench.ts): the real extension bundle
// activated in plain Node with `vscode` pointed at bench/vscode-shim.cjs, connected to the daemon
// of DORMOUSE_DATA_DIR. Every timer the process arms is counted as it fires (setTimeout,
// setInterval, setImmediate, wrapped before the bundle loads). Prints {"ready":true,pid} once the
// supervisor runs, then answers each line on stdin with {"timersFired":n,"state":...}.
// Spec (argv[2], JSON): { bundle, extensionPath, storageDir }
'use strict';
const fs = require('node:fs');
const readline = require('node:readline');

const spec = JSON.parse(process.argv[2]);
require('./use-vscode-shim.cjs').useVscodeShim();

let timersFired = 0;
const counted = (fn) => (typeof fn === 'function' ? function (...args) { timersFired++; return fn.apply(this, args); } : fn);
for (const name of ['setTimeout', 'setInterval', 'setImmediate']) {
  const original = globalThis[name];
  globalThis[name] = (fn, ...rest) => original(counted(fn), ...rest);
}

const write = (value) => fs.writeSync(1, `${JSON.stringify(value)}\n`);

async function main() {
  const vscode = require('vscode');
  const context = vscode.__bench.createExtensionContext({ id: 'dormouse.dormouse', extensionPath: spec.extensionPath, storageDir: spec.storageDir, packageJSON: {} });
  const api = require(spec.bundle).activate(context);
  await new Promise((resolve, reject) => {
    if (api.supervisorState() === 'running') return resolve();
    const sub = api.onDidChangeSupervisorState((state) => {
      if (state === 'running') (sub.dispose(), resolve());
      else if (state === 'given-up') reject(new Error('the supervisor gave up'));
    });
  });
  write({ ready: true, pid: process.pid, daemonPid: api.daemonPid() });
  readline.createInterface({ input: process.stdin }).on('line', () => write({ timersFired, state: api.supervisorState() }));
  process.stdin.on('end', () => process.exit(0));
}

main().catch((error) => {
  write({ error: error && error.stack ? error.stack : String(error) });
  process.exit(1);
});
