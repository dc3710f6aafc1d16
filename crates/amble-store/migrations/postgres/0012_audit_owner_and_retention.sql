-- Amble on PostgreSQL, schema version 12: an audit log nobody can wipe through the servers'
-- connection, that also records sign-ins (successful or not) and refused requests, and that is
-- kept for a configurable time.
--
-- The tables belong to the role that migrates (the owner); `amble db migrate --app-role ROLE`
-- grants the servers' role INSERT and SELECT on the audit log only (crates/amble-store/src/
-- roles.rs), so TRUNCATE, DELETE, DROP and DISABLE TRIGGER are refused to it by PostgreSQL.
-- The trigger below guards against careless tools run as the owner.

-- A failed sign-in has no actor (an unknown account, or someone trying one).
ALTER TABLE audit_log ALTER COLUMN actor_id DROP NOT NULL;
CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX login_failures_by_time ON login_failures (at);

-- Append-only, except for the retention purge (`amble db purge`, as the owner), which sets
-- amble.audit_purge_before for its transaction and may delete only rows older than that.
CREATE OR REPLACE FUNCTION amble_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cutoff TEXT := current_setting('amble.audit_purge_before', true);
BEGIN
    IF TG_OP = 'DELETE' AND cutoff IS NOT NULL AND cutoff <> '' AND OLD.at < cutoff::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION amble_audit_append_only();
