// Fails fast, with the reason, when an npm script is not running on the project's Node 24.
// npm puts node_modules/.bin first on PATH, so `node` there is the `node` devDependency.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`dormouse: npm scripts must run on the project's Node (>= 22.13); this is ${process.version}.\n` +
    'Run `npm ci` (or `npm test`, which bootstraps) so that node_modules/.bin/node is installed.');
  process.exit(1);
}
