-- Amble journal, schema version 10: a log may carry the sender's own reference (contract §13),
-- so that sending it again stores nothing. At most one entry per reference in each journal; the
-- unique index holds it even against two writers at once.
ALTER TABLE entries ADD COLUMN client_ref TEXT
    CHECK (client_ref IS NULL OR length(client_ref) BETWEEN 1 AND 64);
CREATE UNIQUE INDEX entries_by_client_ref ON entries (journal_id, client_ref) WHERE client_ref IS NOT NULL;
