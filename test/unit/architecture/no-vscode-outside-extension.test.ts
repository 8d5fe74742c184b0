// Layering: logic that needs no editor does not import it. The daemon, the CLI, the client, the
// agents' shared tools and the shared code run in plain Node (the daemon process, `dormouse mcp`),
// where `vscode` does not exist; an import of it, direct or through src/extension, would only fail
// at run time there. Read from the source, so a new file is covered the day it is added.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../../src');
const PLAIN_NODE_FOLDERS = ['shared', 'daemon', 'client', 'cli', 'agents'];
/** `from '…'`, `import('…')`, `require('…')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

function specifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((m) => m[1]!);
}

describe('plain-Node code never imports vscode', () => {
  for (const folder of PLAIN_NODE_FOLDERS) {
    it(`src/${folder} imports neither vscode nor src/extension`, () => {
      const files = sourceFiles(join(SRC, folder));
      expect(files.length).toBeGreaterThan(0);
      const offences = files.flatMap((file) =>
        specifiers(file)
          .filter((s) => s === 'vscode' || (s.startsWith('.') && relative(SRC, resolve(dirname(file), s)).split(/[\\/]/)[0] === 'extension'))
          .map((s) => `${relative(SRC, file)} imports ${s}`),
      );
      expect(offences).toEqual([]);
    });
  }

  it('the check sees an import of vscode where there is one (src/extension)', () => {
    const found = sourceFiles(join(SRC, 'extension')).some((file) => specifiers(file).includes('vscode'));
    expect(found).toBe(true);
  });
});
