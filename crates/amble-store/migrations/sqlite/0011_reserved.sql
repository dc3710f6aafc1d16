-- Amble journal, schema version 11: nothing changes here (the version is numbered on both
-- engines alike).
SELECT 1;
