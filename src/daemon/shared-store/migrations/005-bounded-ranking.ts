import type { SharedMigration } from './migration';
import { MATCH_SQL, VISIBLE_TO_SESSION } from './003-search-functions';

// Bounded ranking on the shared store, as on the local one (recall/search.ts explains the
// trade-off): a query matching a large share of the table ranks only its newest `rank_window`
// matches. Why: ts_rank reads each match's tsvector, ~6 us a row, so a word in half of 1M memories
// took 3.7 s per tier; the newest 5,000 matches, read backwards along captured_at, take ~30 ms.
// Which way is the planner's row estimate for the match (EXPLAIN, ~0.3 ms: ANALYZE's
// most-common-lexeme statistics): broad when it expects at least 4 windows of matches and at least
// 2% of the table. A word the statistics do not know is estimated at a small default share and
// ranked exactly through the GIN index; if the estimate was wrong, the backward scan still returns
// every match, only slower. VOLATILE: Postgres allows EXPLAIN in no other function (it reads only).
// `windowed`: the window was full, so older matches were not ranked
// (the caller widens it when its filters leave too few).
export const migration005BoundedRanking: SharedMigration = {
  version: 5,
  name: 'bounded-ranking',
  sql: `
DROP FUNCTION dormouse.match_memories(tsquery);
CREATE FUNCTION dormouse.match_memories(q tsquery, rank_window integer)
  RETURNS TABLE (machine_id text, local_id bigint, rank real, windowed boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off ROWS 100
  AS $f$ DECLARE plan json; estimate float8; total float8; BEGIN
    IF rank_window IS NOT NULL THEN
      EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM dormouse.memories m WHERE m.terms @@ $1' INTO plan USING q;
      estimate := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
      SELECT c.reltuples INTO total FROM pg_class c WHERE c.oid = 'dormouse.memories'::regclass;
    END IF;
    IF rank_window IS NULL OR estimate < 4 * rank_window OR estimate < 0.02 * total THEN
      RETURN QUERY EXECUTE $s$ SELECT x.machine_id, x.local_id, x.rank, false FROM (${MATCH_SQL}) x $s$ USING q;
    ELSE
      RETURN QUERY EXECUTE $s$ SELECT x.machine_id, x.local_id, ts_rank('{0, 0, 0.5, 1}', x.terms, $1), count(*) OVER () >= $2
        FROM (SELECT m.machine_id, m.local_id, m.terms FROM dormouse.memories m WHERE m.terms @@ $1 AND ${VISIBLE_TO_SESSION}
              ORDER BY m.captured_at DESC LIMIT $2) x $s$
        USING q, rank_window;
    END IF;
  END $f$;
REVOKE EXECUTE ON FUNCTION dormouse.match_memories(tsquery, integer) FROM PUBLIC;
`,
};
