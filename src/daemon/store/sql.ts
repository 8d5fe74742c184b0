// A thin wrapper over better-sqlite3 that counts every SQL statement the daemon runs, so the
// status can prove that a hibernating daemon runs none (`counters.sqlStatements`).
// Everything that touches the database goes through SqlDatabase; nothing else imports
// better-sqlite3 except the opener (open-database.ts).
import type BetterSqlite3 from 'better-sqlite3';
import { registerChunkFunctions } from './chunk-body';

export class SqlStatement<P extends unknown[] = unknown[], R = unknown> {
  constructor(
    private readonly stmt: BetterSqlite3.Statement,
    private readonly counter: StatementCounter,
  ) {}

  run(...params: P): BetterSqlite3.RunResult {
    this.counter.count++;
    return this.stmt.run(...params);
  }

  get(...params: P): R | undefined {
    this.counter.count++;
    return this.stmt.get(...params) as R | undefined;
  }

  all(...params: P): R[] {
    this.counter.count++;
    return this.stmt.all(...params) as R[];
  }
}

export interface StatementCounter {
  count: number;
}

export class SqlDatabase {
  readonly counter: StatementCounter = { count: 0 };
  private readonly cache = new Map<string, SqlStatement>();

  constructor(readonly raw: BetterSqlite3.Database) {
    // The store's view of chunk text (chunk-body.ts): every connection needs it to read chunks.
    registerChunkFunctions(raw);
  }

  get statements(): number {
    return this.counter.count;
  }

  /** A prepared statement, cached by its SQL text. Preparing runs nothing and is not counted. */
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): SqlStatement<P, R> {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = new SqlStatement(this.raw.prepare(sql), this.counter);
      this.cache.set(sql, stmt);
    }
    return stmt as SqlStatement<P, R>;
  }

  /** Runs a script (migrations); each `;`-separated statement is counted. */
  exec(sql: string): void {
    this.counter.count += Math.max(1, sql.split(';').filter((s) => s.trim().length > 0).length);
    this.raw.exec(sql);
  }

  pragma(source: string): unknown {
    this.counter.count++;
    return this.raw.pragma(source);
  }

  /** Runs fn inside BEGIN IMMEDIATE ... COMMIT (counted as two statements besides fn's own). */
  transaction<T>(fn: () => T): T {
    this.counter.count += 2;
    return this.raw.transaction(fn).immediate();
  }

  close(): void {
    this.cache.clear();
    if (this.raw.open) this.raw.close();
  }
}
