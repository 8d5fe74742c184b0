// ParsedQuery filters as SQL over `dormouse.memories m`, with numbered parameters: the same rules
// as the local store's recall/filters.ts (in:PATH is the folder and what is below it, lang: the
// language id or the file extension, failed: non-zero exit codes, times half-open).
import type { QueryFilters } from '../../shared/recall-query';

export class Params {
  readonly values: unknown[] = [];
  /** Adds a value; returns its placeholder ($n). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function sharedFilterClauses(filters: QueryFilters, p: Params, excludePath?: string): string[] {
  const where: string[] = [];
  if (filters.kind) where.push(`m.kind = ${p.add(filters.kind)}`);
  if (filters.failed) where.push(`m.kind = 'terminal' AND m.exit_code IS NOT NULL AND m.exit_code <> 0`);
  if (filters.paths && filters.paths.length > 0) {
    const paths = p.add(filters.paths.map((x) => x.replace(/[/\\]+$/, '')));
    where.push(`EXISTS (SELECT 1 FROM unnest(${paths}::text[]) AS f(p) WHERE m.path = f.p
      OR left(m.path, length(f.p) + 1) IN (f.p || '/', f.p || '\\'))`);
  }
  if (filters.language) {
    const lang = filters.language.toLowerCase().replace(/^\./, '');
    where.push(`(lower(m.language) = ${p.add(lang)} OR lower(right(m.path, ${p.add(lang.length + 1)})) = ${p.add(`.${lang}`)})`);
  }
  if (filters.since !== undefined) where.push(`m.captured_at >= ${p.add(filters.since)}`);
  if (filters.until !== undefined) where.push(`m.captured_at < ${p.add(filters.until)}`);
  if (excludePath !== undefined) where.push(`m.path IS DISTINCT FROM ${p.add(excludePath)}`);
  return where;
}
