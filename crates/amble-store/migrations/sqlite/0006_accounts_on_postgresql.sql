-- Amble journal, schema version 6: accounts (contract §12) live in PostgreSQL only; nothing
-- changes in a SQLite journal. The version keeps both engines' numbers the same.
SELECT 1;
