import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findSecret } from '../../../src/daemon/capture/secrets';

// Fake credentials assembled at runtime so this file does not itself trip secret scanners.
const j = (...parts: string[]) => parts.join('');

describe('secret detection', () => {
  it.each([
    ['private-key', j('-----BEGIN ', 'RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----')],
    ['private-key', j('-----BEGIN ', 'OPENSSH PRIVATE KEY-----')],
    ['aws-access-key', j('const id = "AKIA', 'IOSFODNN7EXAMPLE";')],
    ['github-token', j('token: ghp_', 'a'.repeat(20), 'B1c2D3e4F5g6H7i8J9k0')],
    ['gitlab-token', j('glpat-', 'xYz12AbC34dEf56GhI78j')],
    ['slack-token', j('xoxb-', '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx')],
    ['stripe-key', j('sk_live_', '4eC39HqLyjWDarjtT1zdp7dc')],
    ['google-api-key', j('key=AIza', 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q')],
    ['jwt', j('eyJhbGciOiJIUzI1NiJ9', '.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U')],
    ['credential-assignment', 'DB_PASSWORD=hunter22hunter'],
    ['credential-assignment', 'const password = "S3cr3t!pass";'],
    ['credential-assignment', '"api_key": "k3y-value-1234"'],
    ['high-entropy-string', j('const k = "q8Z', 'v2Lr9XkP0mW4tYc7NbJ1sHd6Fg3Ae5Ux"')],
  ])('flags %s', (kind, text) => {
    expect(findSecret(`// header\n${text}`)).toEqual({ kind, line: 2 });
  });

  it('ordinary code, UUIDs and git SHAs are not flagged', () => {
    const code = [
      'export async function loadUserConfiguration(path: string): Promise<Config> {',
      '  const token = await getToken();',
      '  const password = process.env.DB_PASSWORD;',
      '  const tokenType = "access_token";',
      `  const id = "${randomUUID()}";`,
      '  const commit = "3f786850e387550fdab836ed7e6dc881de23001b";',
      '  const digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";',
      '  const someVeryLongFunctionNameForTestingPurposes2 = AbstractSingletonProxyFactoryBean;',
      '  import("./src/daemon/store/migrations/002-memories");',
      '  "integrity": "sha512-q8Zv2Lr9XkP0mW4tYc7NbJ1sHd6Fg3Ae5Uxq8Zv2Lr9XkP0mW4tYc7NbJ1sHd6Fg3Ae5Ux==",',
      '  see https://docs.google.com/document/d/1U1RGAehQwRypUTovF1KRlpiOFze0b-_2gc6fAH0KY0k/edit',
      '  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";',
      '}',
    ].join('\n');
    expect(findSecret(code)).toBeNull();
  });

  it('a finding reports kind and line, never the secret', () => {
    const secret = j('sk_live_', '4eC39HqLyjWDarjtT1zdp7dc');
    const finding = findSecret(`a\nb\nc = "${secret}"`);
    expect(finding).toEqual({ kind: 'stripe-key', line: 3 });
    expect(JSON.stringify(finding)).not.toContain(secret);
  });
});

describe('secret scan cost', () => {
  // A ratio measured in the same run, not a wall-clock budget: 10x the input may cost ~10x, a
  // quadratic scan (the old assignment regex) cost ~100x and froze the daemon on 100 KB.
  it('the secret scan grows linearly with a pathological single-line input', () => {
    const cost = (n: number) => {
      const input = 'a'.repeat(n) + ' token' + 'b'.repeat(n);
      const t0 = performance.now();
      for (let i = 0; i < 3; i++) findSecret(input);
      return performance.now() - t0;
    };
    cost(1_000); // warm-up
    const small = Math.max(cost(10_000), 0.05);
    const large = cost(100_000);
    expect(large / small).toBeLessThan(40);
  });
});
