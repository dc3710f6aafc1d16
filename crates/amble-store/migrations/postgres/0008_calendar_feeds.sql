-- Amble on PostgreSQL, schema version 8: each person's calendar feed at a secret address
-- (calendar apps cannot sign in); revocable, stored as a SHA-256 hash of the secret.
CREATE TABLE calendar_feeds (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
);
