// The shared store's password from the OS keychain, found by a documented label, so it need not
// sit in a file or the environment. The entry's account is ROLE@HOST/DATABASE of the storeUrl:
//   Linux (libsecret):  secret-tool store --label 'Dormouse store' service dormouse account alice@db.example.com/dormouse
//   macOS:              security add-generic-password -s dormouse -a alice@db.example.com/dormouse -w
// Read once per pool (daemon start, `store init`), with the tool found on the caller's PATH; a
// missing tool, a locked keychain or no entry is "no password here" (the next source is tried),
// never an error of its own: the connection's failure then says what is missing.
import { execFileSync } from 'node:child_process';

export const KEYCHAIN_SERVICE = 'dormouse';

/** The entry's account for a store URL: ROLE@HOST/DATABASE (host `localhost` for a socket URL). */
export function keychainAccount(url: URL): string {
  return `${decodeURIComponent(url.username)}@${url.hostname || 'localhost'}/${decodeURIComponent(url.pathname.replace(/^\//, ''))}`;
}

function lookupCommand(platform: NodeJS.Platform, account: string): [string, string[]] | null {
  if (platform === 'darwin') return ['security', ['find-generic-password', '-s', KEYCHAIN_SERVICE, '-a', account, '-w']];
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') return ['secret-tool', ['lookup', 'service', KEYCHAIN_SERVICE, 'account', account]];
  return null;
}

/** The password stored for `account`, or undefined when there is no tool, no entry or no answer within 5 s. */
export function passwordFromKeychain(account: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const command = lookupCommand(platform, account);
  if (!command || !env.PATH) return undefined;
  try {
    const out = execFileSync(command[0], command[1], { env, encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const password = out.split(/\r?\n/)[0];
    return password ? password : undefined;
  } catch {
    return undefined;
  }
}
