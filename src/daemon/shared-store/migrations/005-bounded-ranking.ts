import type { SharedMigration } from './migration';
import { MATCH_SQL, VISIBLE_TO_SESSION } from './003-search-functions';

// Bounded ranking on the shared store, as on the local one (recall/search.ts explains the
// trade-off): a broad match is sought among the newest `rank_window` memories only. Why: ts_rank
// reads each match's tsvector (~6 us a row), and a phrase of two common words must recheck every
// row holding both (GIN keeps no positions): a word in half of 1M memories took 3.7 s per tier,
// "retry budget" 7.6 s. Reading the newest 10,000 memories backwards along captured_at and
// matching them takes ~40-70 ms. Which way is the planner's row estimate for the match (EXPLAIN,
// ~0.3 ms, from ANALYZE's most-common-lexeme statistics): broad when it expects at least a window
// of matches and at least 2% of the table. A word the statistics do not know is estimated at a
// small default share and ranked exactly through the GIN index. `windowed` (and match_is_broad,
// for a caller whose filters left no row to carry it): older memories were not looked at, so the
// caller may widen the window. What this lets a caller learn of others' memories: whether a word
// is common in the whole table (>= 2%), which the time a search takes tells anyway.
// VOLATILE: Postgres allows EXPLAIN in no other function (it only reads).
export const migration005BoundedRanking: SharedMigration = {
  version: 5,
  name: 'bounded-ranking',
  sql: `
DROP FUNCTION dormouse.match_memories(tsquery);
CREATE FUNCTION dormouse.match_is_broad(q tsquery, rank_window integer) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $f$ DECLARE plan json; estimate float8; total float8; BEGIN
    IF rank_window IS NULL THEN RETURN false; END IF;
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM dormouse.memories m WHERE m.terms @@ $1' INTO plan USING q;
    estimate := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
    SELECT c.reltuples INTO total FROM pg_class c WHERE c.oid = 'dormouse.memories'::regclass;
    RETURN estimate >= rank_window AND estimate >= 0.02 * total;
  END $f$;
CREATE FUNCTION dormouse.match_memories(q tsquery, rank_window integer)
  RETURNS TABLE (machine_id text, local_id bigint, rank real, windowed boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off ROWS 100
  AS $f$ BEGIN
    IF NOT dormouse.match_is_broad(q, rank_window) THEN
      RETURN QUERY EXECUTE $s$ SELECT x.machine_id, x.local_id, x.rank, false FROM (${MATCH_SQL}) x $s$ USING q;
    ELSE
      RETURN QUERY EXECUTE $s$ SELECT x.machine_id, x.local_id, ts_rank('{0, 0, 0.5, 1}', x.terms, $1), true
        FROM (SELECT m.machine_id, m.local_id, m.terms FROM dormouse.memories m WHERE ${VISIBLE_TO_SESSION}
              ORDER BY m.captured_at DESC LIMIT $2) x
        WHERE x.terms @@ $1 $s$
        USING q, rank_window;
    END IF;
  END $f$;
REVOKE EXECUTE ON FUNCTION dormouse.match_memories(tsquery, integer), dormouse.match_is_broad(tsquery, integer) FROM PUBLIC;
`,
};
