// Which build of dist/ the bench measures: `node esbuild.mjs` (what `npm run bench` runs) makes a
// development build (not minified, linked source maps); the VSIX ships `--production` (minified,
// no source maps). Read from the bundle itself, so a row never claims the other one.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function distBuild(bundle = join(resolve(__dirname, '..'), 'dist', 'extension.js')): string {
  const text = readFileSync(bundle, 'utf8');
  return /\/\/# sourceMappingURL=\S+\s*$/.test(text)
    ? 'dist/ development build (node esbuild.mjs: not minified; the VSIX ships the minified --production build)'
    : 'dist/ production build (minified, as packaged)';
}
