-- Amble journal, schema version 1. Never edit a released migration; add a new one.
CREATE TABLE entries (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('assessment', 'walk', 'morning', 'exercise', 'activity', 'daily_metrics')),
    date       TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    body       TEXT NOT NULL CHECK (json_valid(body)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX entries_by_date ON entries (date, seq);
CREATE INDEX entries_by_kind ON entries (kind, date);
