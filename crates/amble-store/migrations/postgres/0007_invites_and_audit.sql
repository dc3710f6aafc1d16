-- Amble on PostgreSQL, schema version 7: invite links from a coach, and an audit log that the
-- database itself keeps append-only.
CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    coach_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_by    BIGINT REFERENCES users (id),
    used_at    TIMESTAMPTZ
);

CREATE FUNCTION amble_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION amble_audit_append_only();
