// ParsedQuery filters as SQL over `memories m`: only the clauses a query uses are in its SQL text
// (each distinct text is prepared once and cached), so the planner never sees `@x IS NULL OR ...`.
import type { QueryFilters } from '../../shared/recall-query';

export interface SqlClauses {
  where: string[];
  params: Record<string, string | number>;
}

/** A path filter without its trailing separators: the clause below adds either separator itself. */
function trimSeparator(path: string): string {
  return path.replace(/[/\\]+$/, '');
}

export function filterClauses(filters: QueryFilters, excludePath?: string): SqlClauses {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  if (filters.kind) {
    where.push('m.kind = @kind');
    params.kind = filters.kind;
  }
  if (filters.failed) where.push(`m.kind = 'terminal' AND m.exit_code IS NOT NULL AND m.exit_code <> 0`);
  if (filters.paths && filters.paths.length > 0) {
    // OR across paths. `in:/w/app` is the folder (or file) /w/app and what is below it, not /w/apple.
    where.push(`EXISTS (SELECT 1 FROM json_each(@paths) p WHERE m.path = p.value
      OR substr(m.path, 1, length(p.value) + 1) IN (p.value || '/', p.value || '\\'))`);
    params.paths = JSON.stringify(filters.paths.map(trimSeparator));
  }
  if (filters.language) {
    // The language id (`typescript`) or the file extension (`ts`), case-insensitively.
    const lang = filters.language.toLowerCase().replace(/^\./, '');
    where.push('(lower(m.language) = @lang OR lower(substr(m.path, -length(@ext))) = @ext)');
    params.lang = lang;
    params.ext = `.${lang}`;
  }
  if (filters.since !== undefined) {
    where.push('m.captured_at >= @since');
    params.since = filters.since;
  }
  if (filters.until !== undefined) {
    where.push('m.captured_at < @until');
    params.until = filters.until;
  }
  if (excludePath !== undefined) {
    where.push('m.path IS NOT @exclude');
    params.exclude = excludePath;
  }
  return { where, params };
}
