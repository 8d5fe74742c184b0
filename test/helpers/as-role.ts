// Runs `fn` on one connection made with `url` (a role's URL from postgres.ts), closed after it
// whatever happens: how tests act as one role on a real PostgreSQL.
import pg from 'pg';

export async function asRole<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
