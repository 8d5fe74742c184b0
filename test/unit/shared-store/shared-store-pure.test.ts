// The pure parts of the shared store: URL rules, the tsvector literal, the status words.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applySettingsUpdate, defaultSettings } from '../../../src/shared/settings';
import { LOCAL_STORE_STATUS, NOT_INITIALISED, storeProblem } from '../../../src/shared/store-status';
import { lexeme, sharedDocument } from '../../../src/daemon/shared-store/document';
import { poolConfig, redactUrl } from '../../../src/daemon/shared-store/store-url';
import { parseStoreUrl } from '../../../src/shared/store-url';

describe('store URL', () => {
  it('a storeUrl with a password is refused by the settings, with where the password goes instead', () => {
    const r = applySettingsUpdate(defaultSettings(), { storeUrl: 'postgres://alice:secret@db.example.com/dormouse' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rejected[0]!.reason).toMatch(/must not contain a password: put it in \$DORMOUSE_STORE_PASSWORD_FILE/);
  });

  it('only postgres:// URLs naming a database are accepted; null turns the shared store off', () => {
    expect(applySettingsUpdate(defaultSettings(), { storeUrl: 'mysql://a@b/c' }).ok).toBe(false);
    expect(applySettingsUpdate(defaultSettings(), { storeUrl: 'postgres://a@b' }).ok).toBe(false);
    expect(applySettingsUpdate(defaultSettings(), { storeUrl: 'postgresql://a@b:5433/c?sslmode=require' }).ok).toBe(true);
    expect(applySettingsUpdate(defaultSettings(), { storeUrl: null }).ok).toBe(true);
  });

  it('libpq\'s socket form (credentials, empty host, ?host=/dir) is understood', () => {
    expect(parseStoreUrl('postgres://alice@/dormouse?host=/run/postgresql').pathname).toBe('/dormouse');
  });

  it('messages never show the password', () => {
    expect(redactUrl('postgres://alice:hunter2@db/x')).not.toContain('hunter2');
  });

  it('the password file goes into the connection string (node-postgres lets the URL override a separate password); a named file that is missing is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-pw-'));
    writeFileSync(join(dir, 'store-password'), 'p@ss w/rd\n');
    const cfg = poolConfig('postgres://alice@db.example.com/dormouse', { env: {}, dataDir: dir });
    expect(decodeURIComponent(new URL(cfg.connectionString!).password)).toBe('p@ss w/rd');
    expect(() => poolConfig('postgres://alice@db/x', { env: { DORMOUSE_STORE_PASSWORD_FILE: join(dir, 'missing') } })).toThrow(/names .*missing, which does not exist/);
  });
});

describe('shared document', () => {
  it('whole tokens are weight A at their positions, identifier parts weight B after them', () => {
    const doc = sharedDocument('retryDelaysMs = 1', null);
    expect(doc.terms).toBe("'retrydelaysms':1A '1':2A 'retry':4B 'delays':5B 'ms':6B");
  });

  it('quotes and backslashes in a lexeme are escaped, so no text is tsvector syntax', () => {
    expect(lexeme("it's\\")).toBe("'it''s\\\\'");
  });
});

describe('store status words', () => {
  it('say nothing for the local store or a reachable shared store, and "unreachable since" with the backlog otherwise', () => {
    expect(storeProblem(LOCAL_STORE_STATUS)).toBeNull();
    expect(storeProblem({ kind: 'postgres', reachable: true, backlog: 0, lastError: null, unreachableSince: null })).toBeNull();
    expect(storeProblem({ kind: 'postgres', reachable: false, backlog: 3, lastError: 'wrong password', unreachableSince: '2026-01-01T00:00:00.000Z' }))
      .toEqual({ label: 'shared store unreachable', sentence: 'shared store unreachable since 2026-01-01T00:00:00.000Z (3 waiting): wrong password' });
  });

  it('a database without the schema says to run `dormouse store init`, not "unreachable"', () => {
    const lastError = `${NOT_INITIALISED}: run \`dormouse store init --url URL\` as the database's owner or an admin (permission denied for database d)`;
    const p = storeProblem({ kind: 'postgres', reachable: false, backlog: 2, lastError, unreachableSince: '2026-01-01T00:00:00.000Z' });
    expect(p?.label).toBe('shared store not initialised');
    expect(p?.sentence).toMatch(/^shared store not initialised: run `dormouse store init` \(2 waiting\); capturing locally meanwhile\./);
  });

  it('the since time is rendered by the caller', () => {
    const p = storeProblem({ kind: 'postgres', reachable: false, backlog: 0, lastError: 'x', unreachableSince: '2026-01-01T00:00:00.000Z' }, () => '14:05');
    expect(p?.sentence).toBe('shared store unreachable since 14:05: x');
  });
});
