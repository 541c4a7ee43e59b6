-- Full-text search over messages, as SQLite's messages_fts does it (drizzle/0004_search.sql), in PostgreSQL: a GIN
-- index over each message's words, the text staying in `messages` alone. A deleted message's content is '', so its
-- words drop out of the index.
--
-- Words are what SEARCH_WORD (@hearth/protocol) calls words: runs of letters and digits. PostgreSQL's parser would
-- also read hosts, paths, versions and e-mail addresses as single tokens ("foo.bar", "1.2"), which a search for
-- "foo" would then miss, so ASCII punctuation is made a space first. Words are lower-cased ('simple'), and
-- accents are removed (unaccent) where the server has that extension; where it has not, search ignores case only.
CREATE TEXT SEARCH CONFIGURATION hearth_search (COPY = pg_catalog.simple);--> statement-breakpoint
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS unaccent;
  ALTER TEXT SEARCH CONFIGURATION hearth_search
    ALTER MAPPING FOR word, numword, hword, numhword, hword_part, hword_numpart WITH unaccent, simple;
EXCEPTION WHEN undefined_file OR insufficient_privilege THEN
  RAISE NOTICE 'the unaccent extension is not available: search will ignore case, not accents';
END
$$;--> statement-breakpoint
-- Schema-qualified, so a restore (which runs with an empty search_path) can build the index.
CREATE FUNCTION hearth_search_vector(content text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN pg_catalog.to_tsvector('public.hearth_search'::regconfig,
    pg_catalog.translate(content, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                '));--> statement-breakpoint
CREATE INDEX messages_search_idx ON messages USING gin (hearth_search_vector(content));
