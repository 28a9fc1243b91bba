-- Web workspace sign-in: one-time links and server-side sessions. Only SHA-256 hashes of
-- link codes and session ids are stored, like API tokens.

CREATE TABLE signin_links (
    code_hash   text PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX signin_links_user ON signin_links (user_id);

CREATE TABLE web_sessions (
    id_hash       text PRIMARY KEY,
    user_id       text NOT NULL REFERENCES users(id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz
);
CREATE INDEX web_sessions_user ON web_sessions (user_id) WHERE ended_at IS NULL;
