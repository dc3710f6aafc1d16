-- Amble journal, schema version 9: accounts in the SQLite journal too (contract §12). One file
-- holds many journals, as PostgreSQL does: journal 1 is the journal every earlier version
-- wrote (every existing entry stays in it, unchanged), and each person added later gets one of
-- their own unless they adopt journal 1 (docs/deploy.md). The account tables mirror
-- PostgreSQL's (migrations/postgres/0006 to 0008); times are Unix seconds.
CREATE TABLE journals (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO journals (id) VALUES (1);

-- Entries gain their journal; ids are unique per journal. Rebuilt with the same rows, sequence
-- numbers and timestamps.
CREATE TABLE entries_v9 (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    journal_id INTEGER NOT NULL DEFAULT 1 REFERENCES journals (id),
    id         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('assessment', 'walk', 'morning', 'exercise', 'activity', 'daily_metrics', 'checkin')),
    date       TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    body       TEXT NOT NULL CHECK (json_valid(body)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (journal_id, id)
);
INSERT INTO entries_v9 (seq, journal_id, id, kind, date, body, created_at, updated_at)
SELECT seq, 1, id, kind, date, body, created_at, updated_at FROM entries ORDER BY seq;
DROP TABLE entries;
ALTER TABLE entries_v9 RENAME TO entries;
CREATE INDEX entries_by_date ON entries (journal_id, date, seq);
CREATE INDEX entries_by_kind ON entries (journal_id, kind, date);

CREATE TABLE id_counters_v9 (
    journal_id INTEGER NOT NULL DEFAULT 1 REFERENCES journals (id),
    prefix     TEXT NOT NULL,
    last       INTEGER NOT NULL,
    PRIMARY KEY (journal_id, prefix)
);
INSERT INTO id_counters_v9 (journal_id, prefix, last) SELECT 1, prefix, last FROM id_counters;
DROP TABLE id_counters;
ALTER TABLE id_counters_v9 RENAME TO id_counters;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND instr(email, '@') > 1),
    role          TEXT NOT NULL CHECK (role IN ('person', 'coach', 'admin')),
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    journal_id    INTEGER UNIQUE REFERENCES journals (id),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((role = 'person') = (journal_id IS NOT NULL))
);

CREATE TABLE coach_links (
    coach_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (coach_id, person_id),
    CHECK (coach_id <> person_id)
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    revoked_at INTEGER
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- Append-only: the triggers refuse UPDATE and DELETE through Amble and any careless tool. (The
-- owner of the file can still change it with a SQLite shell: on the embedded journal the
-- person running Amble owns the data.)
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor_id  INTEGER NOT NULL REFERENCES users (id),
    person_id INTEGER REFERENCES users (id),
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    coach_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    expires_at INTEGER NOT NULL,
    used_by    INTEGER REFERENCES users (id),
    used_at    INTEGER
);

CREATE TABLE calendar_feeds (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    revoked_at INTEGER
);
