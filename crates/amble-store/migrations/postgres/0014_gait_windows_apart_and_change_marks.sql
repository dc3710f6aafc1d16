-- Amble on PostgreSQL, schema version 14: a walk's per-minute gait windows are stored apart
-- from the walk, and every write leaves a mark a reader can ask for (docs/performance.md,
-- "Years of history").
--
-- `gait_windows` holds the windows of one walk as a JSON array, keyed by its journal like the
-- entries (docs/scale.md); the walk's body keeps `"windows": []`. Reading a walk whole (get,
-- list, the journal document) puts them back, so what is exported is what was stored; the
-- pages read the entries without them.
CREATE TABLE gait_windows (
    journal_id BIGINT NOT NULL CONSTRAINT gait_windows_journal_id_fkey REFERENCES journals (id),
    entry_id   TEXT NOT NULL,
    windows    JSONB NOT NULL CONSTRAINT gait_windows_windows_check CHECK (jsonb_typeof(windows) = 'array'),
    PRIMARY KEY (journal_id, entry_id)
) PARTITION BY HASH (journal_id);

CREATE TABLE gait_windows_p00 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 0);
CREATE TABLE gait_windows_p01 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 1);
CREATE TABLE gait_windows_p02 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 2);
CREATE TABLE gait_windows_p03 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 3);
CREATE TABLE gait_windows_p04 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 4);
CREATE TABLE gait_windows_p05 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 5);
CREATE TABLE gait_windows_p06 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 6);
CREATE TABLE gait_windows_p07 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 7);
CREATE TABLE gait_windows_p08 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 8);
CREATE TABLE gait_windows_p09 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 9);
CREATE TABLE gait_windows_p10 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 10);
CREATE TABLE gait_windows_p11 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 11);
CREATE TABLE gait_windows_p12 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 12);
CREATE TABLE gait_windows_p13 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 13);
CREATE TABLE gait_windows_p14 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 14);
CREATE TABLE gait_windows_p15 PARTITION OF gait_windows FOR VALUES WITH (MODULUS 16, REMAINDER 15);

INSERT INTO gait_windows (journal_id, entry_id, windows)
SELECT journal_id, id, body -> 'gait' -> 'windows'
FROM entries
WHERE kind = 'walk'
  AND jsonb_typeof(body -> 'gait' -> 'windows') = 'array'
  AND jsonb_array_length(body -> 'gait' -> 'windows') > 0;

-- Change marks: each entry keeps the journal version of the write that last touched it
-- (`changed`: every write takes the journal's row lock and then raises its version by one, so
-- the rows it writes carry the version it commits), and each journal counts its deletions. A
-- reader that saw the journal at (version, deletions) reads again only the entries with a
-- higher `changed`, or everything when an entry was deleted since. Kept by triggers, so no
-- write can forget them; reading the journal's row adds no write to an insert.
ALTER TABLE journals ADD COLUMN deletions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN changed BIGINT NOT NULL DEFAULT 0;

UPDATE entries SET body = jsonb_set(body, '{gait,windows}', '[]'::jsonb)
WHERE kind = 'walk'
  AND jsonb_typeof(body -> 'gait' -> 'windows') = 'array'
  AND jsonb_array_length(body -> 'gait' -> 'windows') > 0;

CREATE INDEX entries_by_change ON entries (journal_id, changed);

CREATE FUNCTION entries_mark_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT version + 1 INTO NEW.changed FROM journals WHERE id = NEW.journal_id;
    RETURN NEW;
END
$$;

CREATE FUNCTION entries_mark_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE journals SET deletions = deletions + 1 WHERE id = OLD.journal_id;
    DELETE FROM gait_windows WHERE journal_id = OLD.journal_id AND entry_id = OLD.id;
    RETURN OLD;
END
$$;

CREATE TRIGGER entries_mark_insert BEFORE INSERT ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_mark_change();
CREATE TRIGGER entries_mark_update BEFORE UPDATE OF id, kind, date, body ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_mark_change();
CREATE TRIGGER entries_mark_delete AFTER DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_mark_delete();
