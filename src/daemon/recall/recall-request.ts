// A `recall` request as the one ParsedQuery the search sees: the query text parsed with the
// request's roots, then the explicit params (kind, pathPrefix, since, until) ANDed into its
// filters. The CLI runs the same function before sending, so a bad request fails there first.
import { type Params, RpcError } from '../../shared/protocol';
import { describeTime, intersectKind, intersectTime, isPathWithin, parseQuery, resolveInPath } from '../../shared/query-language';
import { type ParsedQuery, QueryError } from '../../shared/recall-query';

/** Throws QueryError for a bad query word or params that leave nothing (two kinds, disjoint paths or times). */
export function toParsedQuery(params: Params<'recall'>, now: number): ParsedQuery {
  const roots = params.roots;
  const parsed = parseQuery(params.query, { now, ...(roots !== undefined && { roots }) });
  const filters = { ...parsed.filters, ...(parsed.filters.paths && { paths: [...parsed.filters.paths] }) };
  const labels = [...parsed.filterLabels];
  const label = (word: string) => {
    if (!labels.includes(word)) labels.push(word);
  };
  if (params.kind !== undefined) {
    const word = `kind:${params.kind}`;
    intersectKind(filters, params.kind, word);
    label(word);
  }
  if (params.pathPrefix !== undefined) {
    const word = `in:${params.pathPrefix}`;
    const prefix = resolveInPath(params.pathPrefix, roots, word);
    filters.paths = intersectPaths(filters.paths, prefix, word);
    label(word);
  }
  if (params.since !== undefined) {
    const word = `since:${describeTime(params.since)}`;
    intersectTime(filters, { since: params.since }, word);
    label(word);
  }
  if (params.until !== undefined) {
    const word = `before:${describeTime(params.until)}`;
    intersectTime(filters, { until: params.until }, word);
    label(word);
  }
  return { terms: parsed.terms, filters, filterLabels: labels };
}

/**
 * Memories under any of `paths` AND under `prefix`: for each alternative, the deeper of the two
 * when one contains the other; alternatives beside the prefix drop out. None left is a QueryError.
 */
function intersectPaths(paths: string[] | undefined, prefix: string, word: string): string[] {
  if (paths === undefined) return [prefix];
  const out: string[] = [];
  for (const path of paths) {
    const narrower = isPathWithin(path, prefix) ? path : isPathWithin(prefix, path) ? prefix : undefined;
    if (narrower !== undefined && !out.includes(narrower)) out.push(narrower);
  }
  if (out.length === 0) throw new QueryError(word, `${word}: no path is both under ${prefix} and in ${paths.join(' or ')}`);
  return out;
}

/** For the `recall` handler: a QueryError becomes the BAD_REQUEST reply naming the word; anything else is rethrown as is. */
export function queryErrorToRpc(error: unknown): unknown {
  return error instanceof QueryError ? new RpcError('BAD_REQUEST', error.message, { word: error.word }) : error;
}
