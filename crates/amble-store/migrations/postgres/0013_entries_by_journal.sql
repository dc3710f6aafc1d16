-- Amble on PostgreSQL, schema version 13: a schema ready to shard (docs/scale.md). The entries'
-- primary key includes their journal, (journal_id, seq), and the table is partitioned by a hash
-- of the journal into 16 partitions, so that every key and every unique index is local to one
-- journal. Every row is copied with its sequence number, timestamps and client reference; the
-- sequence goes on numbering where it stopped, and ids stay what they were.
ALTER TABLE entries RENAME TO entries_v13;
ALTER INDEX entries_pkey RENAME TO entries_v13_pkey;
ALTER INDEX entries_journal_id_id_key RENAME TO entries_v13_journal_id_id_key;
ALTER INDEX entries_by_date RENAME TO entries_v13_by_date;
ALTER INDEX entries_by_client_ref RENAME TO entries_v13_by_client_ref;

CREATE TABLE entries (
    seq        BIGINT NOT NULL DEFAULT nextval('entries_seq_seq'),
    journal_id BIGINT NOT NULL CONSTRAINT entries_journal_id_fkey REFERENCES journals (id),
    id         TEXT NOT NULL,
    kind       TEXT NOT NULL CONSTRAINT entries_kind_check CHECK (kind IN ('assessment', 'walk', 'morning', 'exercise', 'activity', 'daily_metrics', 'checkin')),
    date       DATE NOT NULL,
    body       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    client_ref TEXT CONSTRAINT entries_client_ref_check CHECK (client_ref IS NULL OR char_length(client_ref) BETWEEN 1 AND 64),
    PRIMARY KEY (journal_id, seq),
    UNIQUE (journal_id, id)
) PARTITION BY HASH (journal_id);

CREATE TABLE entries_p00 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 0);
CREATE TABLE entries_p01 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 1);
CREATE TABLE entries_p02 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 2);
CREATE TABLE entries_p03 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 3);
CREATE TABLE entries_p04 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 4);
CREATE TABLE entries_p05 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 5);
CREATE TABLE entries_p06 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 6);
CREATE TABLE entries_p07 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 7);
CREATE TABLE entries_p08 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 8);
CREATE TABLE entries_p09 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 9);
CREATE TABLE entries_p10 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 10);
CREATE TABLE entries_p11 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 11);
CREATE TABLE entries_p12 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 12);
CREATE TABLE entries_p13 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 13);
CREATE TABLE entries_p14 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 14);
CREATE TABLE entries_p15 PARTITION OF entries FOR VALUES WITH (MODULUS 16, REMAINDER 15);

INSERT INTO entries (seq, journal_id, id, kind, date, body, created_at, updated_at, client_ref)
SELECT seq, journal_id, id, kind, date, body, created_at, updated_at, client_ref
FROM entries_v13;

-- The sequence now belongs to the new table (dropping the old one must not take it along).
ALTER SEQUENCE entries_seq_seq OWNED BY entries.seq;
DROP TABLE entries_v13;

CREATE INDEX entries_by_date ON entries (journal_id, date, seq);
CREATE UNIQUE INDEX entries_by_client_ref ON entries (journal_id, client_ref)
    WHERE client_ref IS NOT NULL;
