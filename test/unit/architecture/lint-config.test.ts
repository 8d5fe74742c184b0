// The lint is part of the definition of done: `npm test` runs it, and for every TypeScript file
// it reports, as errors, the bugs the type checker alone lets through (a promise nobody awaits
// or catches, a promise handed to a callback that ignores it, a switch that misses a case).
// The effective configuration is computed the way ESLint computes it for a file; nothing is linted.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });
const BUG_RULES = [
  '@typescript-eslint/no-floating-promises',
  '@typescript-eslint/no-misused-promises',
  '@typescript-eslint/switch-exhaustiveness-check',
];

function severity(entry: Linter.RuleEntry | undefined): unknown {
  const level = Array.isArray(entry) ? entry[0] : entry;
  return level === 2 ? 'error' : level === 1 ? 'warn' : level === 0 ? 'off' : level;
}

describe('lint configuration', () => {
  it('npm test runs the lint after the typecheck and before the tests, and npm run lint runs the same', () => {
    const scripts = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const steps = scripts.test!.split(' && ');
    const lint = steps.findIndex((s) => s.startsWith('eslint . '));
    expect(lint).toBeGreaterThan(steps.findIndex((s) => s.startsWith('tsc ')));
    expect(lint).toBeLessThan(steps.findIndex((s) => s.includes('scripts/run-tests.mjs')));
    expect(scripts.lint).toBe(steps[lint]);
  });

  for (const file of ['src/daemon/daemon.ts', 'src/extension/extension.ts', 'test/unit/shared/error-message.test.ts', 'bench/run.ts', 'vitest.config.mts']) {
    it(`${file}: the promise and switch rules are errors, with type information`, async () => {
      const config = (await eslint.calculateConfigForFile(resolve(ROOT, file))) as Linter.Config;
      for (const rule of BUG_RULES) expect(severity(config.rules?.[rule]), rule).toBe('error');
      expect((config.languageOptions?.parserOptions as { projectService?: unknown } | undefined)?.projectService).toBe(true);
    });
  }

  it('the plain JavaScript scripts are linted too; built and downloaded code is not', async () => {
    for (const file of ['scripts/run-tests.mjs', 'esbuild.mjs', 'test/e2e/ui-bridge.mjs', 'bench/vscode-shim.cjs']) {
      expect(await eslint.isPathIgnored(resolve(ROOT, file)), file).toBe(false);
    }
    for (const file of ['dist/daemon.js', 'tools/code-server/x.js', 'test/e2e/fixtures/sample-workspace/src/greet.ts']) {
      expect(await eslint.isPathIgnored(resolve(ROOT, file)), file).toBe(true);
    }
  });
});
