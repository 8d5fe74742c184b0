// For a test file: one throw-away PostgreSQL server (postgres.ts) started before its tests and
// stopped and deleted after them. Tests create a fresh database each (server().createDatabase()).
import { afterAll, beforeAll } from 'vitest';
import { type PostgresOptions, type PostgresServer, startPostgres } from './postgres';

export function usePostgres(opts: PostgresOptions = {}): () => PostgresServer {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres(opts);
  }, 120_000);
  afterAll(() => {
    server?.destroy();
  });
  return () => {
    if (!server) throw new Error('the test PostgreSQL server did not start (see the beforeAll error)');
    return server;
  };
}
