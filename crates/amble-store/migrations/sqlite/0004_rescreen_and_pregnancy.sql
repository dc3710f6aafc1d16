-- Amble journal, schema version 4: a check-up's body may carry `"rescreen": true` (a "Something
-- new or worse?" re-screen) and the pregnancy answers (`context.pregnancy_weeks`,
-- `red_flags.pregnancy_warning_signs`). Nothing changes in the tables; the version tells an older
-- Amble that this journal is newer than it.
SELECT 1;
