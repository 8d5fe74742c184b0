import type { Migration } from './migration';

// PLACEHOLDER: the memory store owner fills this in.
export const migration002Memories: Migration = { version: 2, name: 'memories', sql: 'SELECT 1' };
