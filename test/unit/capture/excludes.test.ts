import { describe, expect, it } from 'vitest';
import { ExcludeCache, compileExcludes } from '../../../src/daemon/capture/excludes';
import { DEFAULT_CAPTURE_EXCLUDES } from '../../../src/shared/settings';

describe('capture excludes', () => {
  const defaults = compileExcludes(DEFAULT_CAPTURE_EXCLUDES);

  it('**/.env matches a dotfile at an absolute path', () => {
    expect(defaults('/home/u/p/.env')).toBe(true);
    expect(defaults('/home/u/p/.env.local')).toBe(true);
    expect(defaults('/home/u/p/src/env.ts')).toBe(false);
  });

  it('**/node_modules/** matches at any depth', () => {
    expect(defaults('/home/u/p/node_modules/a/b/c/index.js')).toBe(true);
    expect(defaults('/home/u/p/packages/x/node_modules/y.js')).toBe(true);
  });

  it('dot-directories and key files are excluded, ordinary source is not', () => {
    expect(defaults('/home/u/.ssh/config')).toBe(true);
    expect(defaults('/home/u/p/.git/HEAD')).toBe(true);
    expect(defaults('/home/u/p/certs/server.pem')).toBe(true);
    expect(defaults('/home/u/p/src/key.ts')).toBe(false);
  });

  it('workspace-relative patterns match absolute paths', () => {
    const m = compileExcludes(['src/generated/**', '*.log']);
    expect(m('/home/u/p/src/generated/api.ts')).toBe(true);
    expect(m('/home/u/p/logs/app.log')).toBe(true);
    expect(m('/home/u/p/src/api.ts')).toBe(false);
  });

  it('windows separators are normalised', () => {
    expect(defaults('C:\\Users\\u\\p\\.env')).toBe(true);
  });

  it('the matcher is compiled once per pattern list', () => {
    const cache = new ExcludeCache();
    const a = cache.get(['**/.env']);
    expect(cache.get(['**/.env'])).toBe(a);
    expect(cache.get(['**/*.pem'])).not.toBe(a);
  });
});
