-- Amble journal, schema version 11: an invite may be bound to one email (only that account can
-- accept it) and revoked before it is used; failed sign-ins are counted per account and address
-- pair, for growing delays instead of a lock (docs/web.md). Times of the pairs are ISO text with
-- milliseconds, so delays of a second can be measured.
ALTER TABLE invites ADD COLUMN email TEXT CHECK (email IS NULL OR (email = lower(email) AND instr(email, '@') > 1));
ALTER TABLE invites ADD COLUMN revoked_at INTEGER;

CREATE TABLE sign_in_throttle (
    email    TEXT NOT NULL,
    address  TEXT NOT NULL,
    failures INTEGER NOT NULL CHECK (failures > 0),
    last_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (email, address)
);
