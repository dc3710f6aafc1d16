-- Amble journal, schema version 3: entry bodies may carry fields that version 2 does not know
-- (a walk's ascent_m). Nothing changes in the tables; the version tells an older Amble that this
-- journal is newer than it, instead of failing on the first such row. Every change to the body
-- format bumps the version (crates/amble-store/tests/store.rs checks the body keys).
SELECT 1;
