-- Amble on PostgreSQL, schema version 11: an invite may be bound to one email (only that account
-- can accept it) and revoked before it is used; failed sign-ins are counted per account and
-- address pair, for growing delays instead of a lock (docs/web.md).
ALTER TABLE invites ADD COLUMN email TEXT CHECK (email IS NULL OR (email = lower(email) AND position('@' IN email) > 1));
ALTER TABLE invites ADD COLUMN revoked_at TIMESTAMPTZ;

CREATE TABLE sign_in_throttle (
    email    TEXT NOT NULL,
    address  TEXT NOT NULL,
    failures INTEGER NOT NULL CHECK (failures > 0),
    last_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (email, address)
);
