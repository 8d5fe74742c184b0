// DORMOUSE_TEST_SURFACE is replaced at build time by esbuild.mjs (`define`): true in the dev and
// test builds (`node esbuild.mjs`: the integration and e2e suites need the daemon's `debug` method
// and the extension API's raw request()), false in `--production` (what `npm run package` ships).
// Each use site tests the identifier itself, never a re-exported constant: esbuild folds a
// defined identifier while it parses, so the test-only code under a false branch and the modules
// only it imports are dropped from the bundle, not merely skipped at run time.
declare const DORMOUSE_TEST_SURFACE: boolean;
