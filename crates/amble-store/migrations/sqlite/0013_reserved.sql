-- Amble journal, schema version 13: nothing changes here (the version is numbered on both
-- engines alike).
SELECT 1;
