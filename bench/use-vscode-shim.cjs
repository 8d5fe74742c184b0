// Points `require('vscode')` at bench/vscode-shim.cjs, so the real extension bundle loads in plain
// Node (the bench children: activation-child.cjs, rest-window-child.cjs).
'use strict';
const Module = require('node:module');
const path = require('node:path');

function useVscodeShim() {
  const shimPath = path.join(__dirname, 'vscode-shim.cjs');
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? shimPath : resolveFilename.call(this, request, ...rest);
  };
}

module.exports = { useVscodeShim };
