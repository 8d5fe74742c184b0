// Every migration, in order. Add the next number at the end; never edit a released one.
import { migration001Jobs } from './001-jobs';
import { migration002Memories } from './002-memories';
import { migration003Idempotency } from './003-idempotency';
import { migration004IdentifierParts } from './004-identifier-parts';
import { migration005ChunksOnce } from './005-chunks-once';
import { migration006SharedOutbox } from './006-shared-outbox';
import { migration007SharedFlag } from './007-shared-flag';
import type { Migration } from './migration';

export const MIGRATIONS: readonly Migration[] = [migration001Jobs, migration002Memories, migration003Idempotency, migration004IdentifierParts,
  migration005ChunksOnce, migration006SharedOutbox, migration007SharedFlag];
