import type { Migration } from './migration';

// PLACEHOLDER: the queue owner fills this in.
export const migration001Jobs: Migration = { version: 1, name: 'jobs', sql: 'SELECT 1' };
