import type { SharedMigration } from './migration';
import { VISIBLE_TO_SESSION } from './003-search-functions';

// Typo candidates from a vocabulary instead of a trigram index over every memory's words.
// Why: the trigram index of `words` cost ~400 us of Postgres time per replicated memory (each
// memory re-indexes its ~50 words as ~300 trigram keys), more than the row and its tsvector
// together, and candidates came from whole rows whose word lists looked alike. A vocabulary has
// one row per (owner, shared, word) with the number of memories holding it, so a memory with no
// new word adds no trigram key, and `%` compares one word with one word.
// - Kept by statement-level triggers over the transition tables (one set-based statement per
//   batch, not per row): an insert adds counts, an update applies the difference (nothing for a
//   batch shipped twice), a delete subtracts and removes words no memory holds any more, so a
//   forgotten memory's words leave the vocabulary with it.
// - The triggers run as the table's owner (SECURITY DEFINER); no other role gets a right on the
//   vocabulary: other daemons read it only through near_words, which applies the memories' visibility rule to each
//   word's owner and shared flag, so a correction never comes from a memory the reader may not see.
// - Sorted before the upsert, so two daemons writing the same words lock them in the same order.
const VOCABULARY_VISIBLE = VISIBLE_TO_SESSION.replaceAll('m.', 'v.');

export const migration004Vocabulary: SharedMigration = {
  version: 4,
  name: 'vocabulary',
  sql: `
CREATE TABLE dormouse.vocabulary (
  owner name NOT NULL,
  shared boolean NOT NULL,
  word text NOT NULL,
  memories integer NOT NULL,
  PRIMARY KEY (owner, shared, word)
) WITH (fillfactor = 80);
CREATE INDEX vocabulary_word ON dormouse.vocabulary USING gin (word gin_trgm_ops);
REVOKE ALL ON dormouse.vocabulary FROM PUBLIC;

CREATE FUNCTION dormouse.vocabulary_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $f$ BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO dormouse.vocabulary AS v (owner, shared, word, memories)
        SELECT r.owner, r.shared, w, count(*) FROM new_rows r, unnest(tsvector_to_array(r.terms)) w GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (owner, shared, word) DO UPDATE SET memories = v.memories + EXCLUDED.memories;
      RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
      INSERT INTO dormouse.vocabulary AS v (owner, shared, word, memories)
        SELECT owner, shared, w, sum(d) FROM (
            SELECT r.owner, r.shared, w, 1 AS d FROM new_rows r, unnest(tsvector_to_array(r.terms)) w
            UNION ALL
            SELECT r.owner, r.shared, w, -1 FROM old_rows r, unnest(tsvector_to_array(r.terms)) w) x
          GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (owner, shared, word) DO UPDATE SET memories = v.memories + EXCLUDED.memories;
    ELSE
      UPDATE dormouse.vocabulary v SET memories = v.memories - d.n
        FROM (SELECT r.owner, r.shared, w, count(*) AS n FROM old_rows r, unnest(tsvector_to_array(r.terms)) w GROUP BY 1, 2, 3) d
        WHERE v.owner = d.owner AND v.shared = d.shared AND v.word = d.w;
    END IF;
    -- Only the old rows' words can have dropped to 0.
    DELETE FROM dormouse.vocabulary v USING (SELECT DISTINCT r.owner, r.shared, w FROM old_rows r, unnest(tsvector_to_array(r.terms)) w) d
      WHERE v.owner = d.owner AND v.shared = d.shared AND v.word = d.w AND v.memories <= 0;
    RETURN NULL;
  END $f$;
CREATE TRIGGER memories_vocabulary_insert AFTER INSERT ON dormouse.memories
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dormouse.vocabulary_apply();
CREATE TRIGGER memories_vocabulary_update AFTER UPDATE ON dormouse.memories
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dormouse.vocabulary_apply();
CREATE TRIGGER memories_vocabulary_delete AFTER DELETE ON dormouse.memories
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dormouse.vocabulary_apply();

INSERT INTO dormouse.vocabulary (owner, shared, word, memories)
  SELECT m.owner, m.shared, w, count(*) FROM dormouse.memories m, unnest(tsvector_to_array(m.terms)) w GROUP BY 1, 2, 3;
DROP FUNCTION dormouse.near_word_rows(text, integer);
DROP INDEX dormouse.memories_words;
ALTER TABLE dormouse.memories DROP COLUMN words;

DO $do$ BEGIN
  EXECUTE format($q$CREATE FUNCTION dormouse.near_words(word text, max integer)
    RETURNS SETOF text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, %I, pg_temp SET enable_seqscan = off
      SET pg_trgm.similarity_threshold = 0.2
    AS $f$ BEGIN RETURN QUERY EXECUTE $s$ SELECT DISTINCT v.word FROM dormouse.vocabulary v
      WHERE v.word %% $1 AND length(v.word) BETWEEN length($1) - 2 AND length($1) + 2 AND ${VOCABULARY_VISIBLE} LIMIT $2 $s$
      USING word, max; END $f$$q$,
    (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'));
END $do$;
REVOKE EXECUTE ON FUNCTION dormouse.near_words(text, integer), dormouse.vocabulary_apply() FROM PUBLIC;
`,
};
