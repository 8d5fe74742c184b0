// A numbered migration: applied once, in order, inside one transaction, recorded in
// PRAGMA user_version. Never edit a released migration; add the next number.
import type { Clock } from '../../../shared/clock';
import type { Logger } from '../../../shared/logger';
import type { SqlDatabase } from '../sql';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Work SQL alone cannot do (recomputing a column in JS), run after `sql` in the same transaction,
   * so the version bump and every row it rewrites commit together or not at all. The clock times
   * the progress lines of a long rewrite.
   */
  run?(db: SqlDatabase, log: Logger, clock: Clock): void;
}
