// Every shared-schema migration, in order. Add the next number at the end; never edit a released one.
import { migration001Memories } from './001-memories';
import { migration002RowSecurity } from './002-row-security';
import { migration003SearchFunctions } from './003-search-functions';
import { migration004Vocabulary } from './004-vocabulary';
import { migration005BoundedRanking } from './005-bounded-ranking';
import type { SharedMigration } from './migration';

export const SHARED_MIGRATIONS: readonly SharedMigration[] = [migration001Memories, migration002RowSecurity, migration003SearchFunctions, migration004Vocabulary,
  migration005BoundedRanking];
