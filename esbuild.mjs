// Builds the three bundles: dist/extension.js (loaded by VS Code), dist/daemon.js (the daemon,
// forked by the extension or started by the CLI) and dist/cli.js (`dormouse`).
// better-sqlite3 stays external: it ships a prebuilt N-API binary that must stay beside its JS.
// node-ipc 14 is ESM-only and calls createRequire(import.meta.url): bundled to CJS, import.meta is
// empty, so import.meta.url is defined from __filename (see shared/docs/ipc.md).
import { existsSync } from 'node:fs';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// --outdir DIR: the bundles go there instead of dist/ (scripts/package-vsix.mjs stages a
// production build without rewriting the dist/ that tests run).
const outdirIndex = process.argv.indexOf('--outdir');
const outdir = outdirIndex >= 0 ? process.argv[outdirIndex + 1] : 'dist';
if (!outdir) throw new Error('esbuild.mjs: --outdir needs a directory');

// node-ipc imports node:tls and node:dgram at its top level; Dormouse configures neither (see
// src/daemon/ipc/unused-transports.ts), so the bundles get a stub that throws if ever used.
const noNetworkTransports = {
  name: 'no-network-transports',
  setup(build) {
    build.onResolve({ filter: /^node:(tls|dgram)$/ }, (args) =>
      /node_modules[\\/]node-ipc[\\/]/.test(args.importer)
        ? { path: new URL('./src/daemon/ipc/unused-transports.ts', import.meta.url).pathname }
        : undefined,
    );
  },
};

// The MCP SDK's server imports an Ajv validator used only for elicitation, which `dormouse mcp`
// never asks for (it passes its own validator): the CLI bundle gets a stub (src/agents/no-ajv.ts).
const noAjv = {
  name: 'no-ajv',
  setup(build) {
    build.onResolve({ filter: /[\\/]validation[\\/]ajv-provider\.js$/ }, (args) =>
      /node_modules[\\/]@modelcontextprotocol[\\/]sdk[\\/]/.test(args.importer)
        ? { path: new URL('./src/agents/no-ajv.ts', import.meta.url).pathname }
        : undefined,
    );
  },
};

const common = {
  plugins: [noNetworkTransports, noAjv],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: ['vscode', 'better-sqlite3'],
  define: {
    'import.meta.url': '__dormouse_import_meta_url',
    // The test surface (the daemon's `debug` method, the extension API's request()) is compiled
    // out of production bundles: see src/types/test-surface.d.ts.
    DORMOUSE_TEST_SURFACE: production ? 'false' : 'true',
  },
  banner: { js: "const __dormouse_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};

const entries = [
  { entryPoints: ['src/extension/extension.ts'], outfile: `${outdir}/extension.js` },
  { entryPoints: ['src/daemon/main.ts'], outfile: `${outdir}/daemon.js` },
  { entryPoints: ['src/cli/main.ts'], outfile: `${outdir}/cli.js`, banner: { js: '#!/usr/bin/env node\n' + common.banner.js } },
];

const present = entries.filter((e) => existsSync(e.entryPoints[0]));

if (watch) {
  for (const e of present) {
    const ctx = await esbuild.context({ ...common, ...e });
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(present.map((e) => esbuild.build({ ...common, ...e })));
}
