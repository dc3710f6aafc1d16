-- Amble on PostgreSQL, schema version 1 (the body format of SQLite schema 5, with check-ins).
-- One database holds many journals: each entry belongs to one; the default journal (id 1) is
-- the single-person journal used when there are no accounts.
CREATE TABLE journals (
    id         BIGSERIAL PRIMARY KEY,
    -- Bumped by every write, so readers (the web cache) notice changes from any process.
    version    BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO journals (id) VALUES (1);
SELECT setval(pg_get_serial_sequence('journals', 'id'), 1);

CREATE TABLE entries (
    seq        BIGSERIAL PRIMARY KEY,
    journal_id BIGINT NOT NULL REFERENCES journals (id),
    id         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('assessment', 'walk', 'morning', 'exercise', 'activity', 'daily_metrics', 'checkin')),
    date       DATE NOT NULL,
    body       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (journal_id, id)
);
CREATE INDEX entries_by_date ON entries (journal_id, date, seq);

-- Ids are never reused, even after a delete.
CREATE TABLE id_counters (
    journal_id BIGINT NOT NULL REFERENCES journals (id),
    prefix     TEXT NOT NULL,
    last       BIGINT NOT NULL,
    PRIMARY KEY (journal_id, prefix)
);
