-- Issue 8 (workspace): people can be deactivated, have encrypted contacts and preferred
-- channels, and every operator action on a user is recorded.

ALTER TABLE users
    ADD COLUMN deactivated_at timestamptz,
    -- AES-256-GCM like customer data (store.crypto.DataCipher); NULL when not given.
    ADD COLUMN mobile_enc bytea,
    ADD COLUMN email_enc bytea,
    -- Channels the person has given/chosen: wecom, dingtalk, feishu, email. Empty: staff get
    -- the configured group robots; customers get nothing but the workspace.
    ADD COLUMN channels text[] NOT NULL DEFAULT '{}',
    ADD COLUMN lang text NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en'));

-- Who did what to a user, when, and on behalf of whom.
CREATE TABLE user_events (
    id                   bigserial PRIMARY KEY,
    user_id              text NOT NULL REFERENCES users(id),
    kind                 text NOT NULL CHECK (kind IN ('created', 'deactivated', 'reactivated', 'token_rotated',
                                                       'contact_changed', 'signin_link_issued')),
    at                   timestamptz NOT NULL DEFAULT now(),
    by_user_id           text REFERENCES users(id),
    by_name              text NOT NULL,
    on_behalf_of_user_id text REFERENCES users(id),
    reason               text NOT NULL DEFAULT ''
);
CREATE INDEX user_events_user ON user_events (user_id, at);
