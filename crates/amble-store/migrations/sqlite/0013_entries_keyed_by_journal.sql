-- Amble journal, schema version 13: nothing changes here. On PostgreSQL the entries are now
-- keyed and partitioned by their journal, ready to be spread over several servers; a SQLite
-- journal is one file on one machine, where `seq` stays the row id (docs/scale.md).
SELECT 1;
