-- Amble on PostgreSQL, schema version 6: accounts (contract §12). People, coaches and admins;
-- a person owns one journal; coaches follow the people linked to them. Passwords are Argon2id
-- hashes; sessions and API tokens are stored as SHA-256 hashes of their secrets only.
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND position('@' IN email) > 1),
    role          TEXT NOT NULL CHECK (role IN ('person', 'coach', 'admin')),
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    journal_id    BIGINT UNIQUE REFERENCES journals (id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((role = 'person') = (journal_id IS NOT NULL))
);

CREATE TABLE coach_links (
    coach_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    person_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (coach_id, person_id),
    CHECK (coach_id <> person_id)
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed sign-ins, per account and per address, for rate limiting across servers.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- Who read or changed whose data: append-only (no UPDATE or DELETE is ever issued).
CREATE TABLE audit_log (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_id  BIGINT NOT NULL REFERENCES users (id),
    person_id BIGINT REFERENCES users (id),
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
