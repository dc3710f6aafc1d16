-- Amble journal, schema version 2: ids are never reused, even after a delete.
CREATE TABLE id_counters (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
);
INSERT INTO id_counters (prefix, last)
SELECT substr(id, 1, instr(id, '-') - 1), max(CAST(substr(id, instr(id, '-') + 1) AS INTEGER))
FROM entries
WHERE instr(id, '-') > 1
GROUP BY substr(id, 1, instr(id, '-') - 1);
