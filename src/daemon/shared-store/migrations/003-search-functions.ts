import type { SharedMigration } from './migration';

// Recall through SECURITY DEFINER functions, so the full-text and trigram indexes are used.
// Why: `@@` and `<%` are not LEAKPROOF, so under row-level security Postgres must evaluate the
// policies before them and never uses the GIN indexes (a sequential scan, seconds at 1M rows).
// Marking them LEAKPROOF needs a superuser (not on managed Postgres). Instead:
// - each function runs as its owner (the table's owner, who runs migrations), which a SELECT
//   policy for that role alone lets read every row, so no policy qual stands before the index;
//   FORCE stays on, so the owner's writes are still held to its own rows (memories_own);
// - each applies the same visibility rule itself: owner = session_user (the caller's login role;
//   inside the function current_user is the definer), or shared and session_user a member of
//   dormouse_team. No parameter names an owner: a caller cannot widen what it sees;
// - SET search_path pins pg_catalog first (and pg_trgm's schema for <%), so a caller's objects
//   cannot stand in for built-ins; EXECUTE is revoked from PUBLIC, granted to dormouse_team
//   (team-role.ts); the owner keeps it.
// One SQL operation each: the keys and rank of the visible memories matching a tsquery (the
// caller joins back for columns and filters), a capped count, and trigram candidates' words.
/** The visibility rule, for `dormouse.memories m`; also applied by direct reads (search-shared.ts), for the owner. */
export const VISIBLE_TO_SESSION = `(m.owner = session_user OR (m.shared AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
    WHERE r.rolname = 'dormouse_team' AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'))))`;

/** match_memories' query ($1: the tsquery); tests EXPLAIN it. */
export const MATCH_SQL = `SELECT m.machine_id, m.local_id, ts_rank('{0, 0, 0.5, 1}', m.terms, $1) AS rank
         FROM dormouse.memories m WHERE m.terms @@ $1 AND ${VISIBLE_TO_SESSION}`;

// plpgsql with EXECUTE ... USING: planned with the caller's value each call. enable_seqscan off:
// the planner costs @@ as cheap per row and picks a sequential scan even for a term in 10 rows of
// 10k (measured: 25-90 ms against ~1 ms through the index); every query here is indexable.
export const migration003SearchFunctions: SharedMigration = {
  version: 3,
  name: 'search-functions',
  sql: `
CREATE POLICY memories_search_functions ON dormouse.memories FOR SELECT TO CURRENT_USER USING (true);
CREATE FUNCTION dormouse.match_memories(q tsquery)
  RETURNS TABLE (machine_id text, local_id bigint, rank real)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off ROWS 100
  AS $f$ BEGIN RETURN QUERY EXECUTE $s$ ${MATCH_SQL} $s$ USING q; END $f$;
CREATE FUNCTION dormouse.count_matching(q tsquery, max integer)
  RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET enable_seqscan = off
  AS $f$ DECLARE n bigint; BEGIN
    EXECUTE $s$ SELECT count(*) FROM (SELECT 1 FROM dormouse.memories m WHERE m.terms @@ $1 AND ${VISIBLE_TO_SESSION} LIMIT $2) x $s$
      INTO n USING q, max;
    RETURN n;
  END $f$;
DO $do$ BEGIN
  EXECUTE format($q$CREATE FUNCTION dormouse.near_word_rows(word text, max integer)
    RETURNS SETOF text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, %I, pg_temp SET enable_seqscan = off
    AS $f$ BEGIN RETURN QUERY EXECUTE $s$ SELECT m.words FROM dormouse.memories m WHERE $1 <%% m.words AND ${VISIBLE_TO_SESSION} LIMIT $2 $s$
      USING word, max; END $f$$q$,
    (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'));
END $do$;
REVOKE EXECUTE ON FUNCTION dormouse.match_memories(tsquery), dormouse.count_matching(tsquery, integer),
  dormouse.near_word_rows(text, integer) FROM PUBLIC;
`,
};
