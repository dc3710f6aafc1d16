-- Amble journal, schema version 5: check-ins (`kind = 'checkin'`, ids `c-N`). SQLite cannot
-- change a CHECK constraint in place, so the table is rebuilt with the same rows, sequence
-- numbers and timestamps, inside the migration's transaction.
CREATE TABLE entries_v5 (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('assessment', 'walk', 'morning', 'exercise', 'activity', 'daily_metrics', 'checkin')),
    date       TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    body       TEXT NOT NULL CHECK (json_valid(body)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO entries_v5 (seq, id, kind, date, body, created_at, updated_at)
SELECT seq, id, kind, date, body, created_at, updated_at FROM entries ORDER BY seq;
DROP TABLE entries;
ALTER TABLE entries_v5 RENAME TO entries;
CREATE INDEX entries_by_date ON entries (date, seq);
CREATE INDEX entries_by_kind ON entries (kind, date);
