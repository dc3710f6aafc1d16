-- Amble journal, schema version 7: invite links and the append-only audit log live in
-- PostgreSQL only; nothing changes in a SQLite journal.
SELECT 1;
