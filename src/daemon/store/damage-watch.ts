// Damage found while serving: a query that hits a damaged page fails with SQLITE_CORRUPT. The
// daemon keeps serving what it can (other pages are fine), says so once in the log, and leaves no
// clean-shutdown marker when it stops, so the next start checks the whole file and repairs it
// (open-database.ts) even when the file is too large to be checked at every start.
import type { Logger } from '../../shared/logger';
import { errorMessage } from '../../shared/error-message';

const CORRUPT_CODES = /^SQLITE_(CORRUPT|NOTADB)/;

export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPT_CODES.test(code);
}

export class DamageWatch {
  private first: string | null = null;

  constructor(private readonly log: Logger) {}

  /** What the first damage seen this run was, or null. */
  get seen(): string | null {
    return this.first;
  }

  /** Notes `error` if it is damage; logs the first one. */
  note(error: unknown, during: string): void {
    if (!isCorruptionError(error) || this.first !== null) return;
    this.first = `${during}: ${errorMessage(error)}`;
    this.log.error(`the database reported damage (${this.first}); it is checked and repaired at the next start`);
  }
}
