-- Amble journal, schema version 8: secret calendar-feed addresses belong to accounts, which
-- live in PostgreSQL only; nothing changes in a SQLite journal.
SELECT 1;
