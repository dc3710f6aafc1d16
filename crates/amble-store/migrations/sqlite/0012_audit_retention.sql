-- Amble journal, schema version 12: the audit log records failed sign-ins too (no actor), and
-- is kept for a configurable time (`amble db purge`). Mirrors migrations/postgres/0012. The
-- table is rebuilt with the same rows (SQLite cannot drop a NOT NULL in place).
CREATE TABLE audit_log_v13 (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor_id  INTEGER REFERENCES users (id),
    person_id INTEGER REFERENCES users (id),
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_log_v13 (id, at, actor_id, person_id, action, detail)
SELECT id, at, actor_id, person_id, action, detail FROM audit_log ORDER BY id;
DROP TABLE audit_log;
ALTER TABLE audit_log_v13 RENAME TO audit_log;
CREATE INDEX audit_log_by_time ON audit_log (at);

-- Append-only: UPDATE always refused; DELETE only for rows older than the cutoff that the
-- retention purge writes into audit_purge for its own transaction (and removes again).
CREATE TABLE audit_purge (
    before TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM audit_purge WHERE old.at < audit_purge.before)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX login_failures_by_time ON login_failures (at);
