// The store password from the OS keychain. The keychain tool is a real child process: a stand-in
// `secret-tool` / `security` script on PATH that answers only for the documented label (service
// dormouse, account ROLE@HOST/DATABASE), so the arguments are what is checked.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keychainAccount, passwordFromKeychain } from '../../../src/daemon/shared-store/keychain-password';
import { poolConfig } from '../../../src/daemon/shared-store/store-url';

const bin = mkdtempSync(join(tmpdir(), 'dm-keychain-'));
const tool = (name: string, expectedArgs: string) => {
  const file = join(bin, name);
  writeFileSync(file, `#!/bin/sh\n[ "$*" = "${expectedArgs}" ] && echo 'kc-secret' && exit 0\nexit 1\n`);
  chmodSync(file, 0o755);
};
tool('secret-tool', 'lookup service dormouse account alice@db.example.com/dormouse');
tool('security', 'find-generic-password -s dormouse -a alice@db.example.com/dormouse -w');
const env = { PATH: bin };
afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('the store password from the OS keychain', () => {
  it('the entry is found by service dormouse and account ROLE@HOST/DATABASE', () => {
    expect(keychainAccount(new URL('postgres://alice@db.example.com:5433/dormouse'))).toBe('alice@db.example.com/dormouse');
    expect(passwordFromKeychain('alice@db.example.com/dormouse', env, 'linux')).toBe('kc-secret');
    expect(passwordFromKeychain('alice@db.example.com/dormouse', env, 'darwin')).toBe('kc-secret');
  });

  it('no entry, no tool or an unsupported platform is no password, not an error', () => {
    expect(passwordFromKeychain('bob@db.example.com/dormouse', env, 'linux')).toBeUndefined();
    expect(passwordFromKeychain('alice@db.example.com/dormouse', { PATH: join(bin, 'none') }, 'linux')).toBeUndefined();
    expect(passwordFromKeychain('alice@db.example.com/dormouse', env, 'win32')).toBeUndefined();
  });

  it('the keychain comes after the password file and PGPASSWORD', () => {
    const url = 'postgres://alice@db.example.com/dormouse';
    if (process.platform === 'linux' || process.platform === 'darwin') expect(poolConfig(url, { env }).connectionString).toContain(':kc-secret@');
    const file = join(bin, 'pw');
    writeFileSync(file, 'from-file\n');
    expect(poolConfig(url, { env: { ...env, DORMOUSE_STORE_PASSWORD_FILE: file } }).connectionString).toContain(':from-file@');
    expect(poolConfig(url, { env: { ...env, PGPASSWORD: 'from-env' } }).connectionString).toBe(url); // node-postgres reads PGPASSWORD itself
  });
});
