// Types for reap-orphaned-postgres.mjs, plain JavaScript so that scripts/run-tests.mjs runs it too.
export declare const SERVER_DIR_PREFIX: string;
export declare const LEGACY_STOPPED_AGE_MS: number;
export declare const LEGACY_RUNNING_AGE_MS: number;
export declare function recordOwner(dir: string): void;
export declare function reapOrphanedPostgres(parent?: string): string[];
