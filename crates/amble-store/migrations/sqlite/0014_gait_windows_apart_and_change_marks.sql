-- Amble journal, schema version 14: a walk's per-minute gait windows are stored apart from the
-- walk, and every write leaves a mark a reader can ask for (docs/performance.md, "Years of
-- history").
--
-- `gait_windows` holds the windows of one walk as a JSON array; the walk's body keeps
-- `"windows": []`. Reading a walk whole (get, list, the journal document) puts them back, so
-- what is exported is what was stored; the pages read the entries without them.
CREATE TABLE gait_windows (
    journal_id INTEGER NOT NULL REFERENCES journals (id),
    entry_id   TEXT NOT NULL,
    windows    TEXT NOT NULL CHECK (json_valid(windows) AND json_type(windows) = 'array'),
    PRIMARY KEY (journal_id, entry_id)
);

INSERT INTO gait_windows (journal_id, entry_id, windows)
SELECT journal_id, id, json_extract(body, '$.gait.windows')
FROM entries
WHERE kind = 'walk'
  AND json_type(body, '$.gait.windows') = 'array'
  AND json_array_length(body, '$.gait.windows') > 0;

UPDATE entries SET body = json_set(body, '$.gait.windows', json('[]'))
WHERE kind = 'walk'
  AND json_type(body, '$.gait.windows') = 'array'
  AND json_array_length(body, '$.gait.windows') > 0;

-- Change marks: each journal counts its writes (`changes`) and its deletions; each entry keeps
-- the count of the write that last touched it (`changed`). A reader that saw the journal at
-- (changes, deletions) reads again only the entries with a higher `changed`, or everything when
-- an entry was deleted since. Kept by triggers, so no write can forget them.
ALTER TABLE journals ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE journals ADD COLUMN deletions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX entries_by_change ON entries (journal_id, changed);

CREATE TRIGGER entries_mark_insert AFTER INSERT ON entries
BEGIN
    UPDATE journals SET changes = changes + 1 WHERE id = NEW.journal_id;
    UPDATE entries SET changed = (SELECT changes FROM journals WHERE id = NEW.journal_id)
    WHERE seq = NEW.seq;
END;

CREATE TRIGGER entries_mark_update AFTER UPDATE OF id, kind, date, body ON entries
BEGIN
    UPDATE journals SET changes = changes + 1 WHERE id = NEW.journal_id;
    UPDATE entries SET changed = (SELECT changes FROM journals WHERE id = NEW.journal_id)
    WHERE seq = NEW.seq;
END;

CREATE TRIGGER entries_mark_delete AFTER DELETE ON entries
BEGIN
    UPDATE journals SET deletions = deletions + 1 WHERE id = OLD.journal_id;
    DELETE FROM gait_windows WHERE journal_id = OLD.journal_id AND entry_id = OLD.id;
END;
