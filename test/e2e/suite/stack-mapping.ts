// Failure stacks point into the bundle (dist/test/e2e/index.js); the extension host does not apply
// source maps. The bundle carries an inline map, so frames are rewritten here to the .ts files and
// lines a reader can open.
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, resolve } from 'node:path';

let cached: { bundle: string; map: SourceMap | null } | undefined;

function bundleMap(bundle: string): SourceMap | null {
  if (cached?.bundle === bundle) return cached.map;
  let map: SourceMap | null = null;
  try {
    const match = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(readFileSync(bundle, 'utf8'));
    if (match?.[1]) map = new SourceMap(JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) as SourceMapPayload);
  } catch {
    map = null; // an unreadable map only costs readable stacks
  }
  cached = { bundle, map };
  return map;
}

/** Rewrites `<bundle>:line:col` frames of `stack` to the original source positions. */
export function mapStack(stack: string, bundle: string = __filename): string {
  const map = bundleMap(bundle);
  if (!map) return stack;
  const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return stack.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g'), (whole, line: string, column: string) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) return whole;
    const source = resolve(dirname(bundle), entry.originalSource.replace(/^file:\/\//, ''));
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
