-- Issue 17, signing in like a company tool: people ask for their own sign-in link, attempts
-- are limited in PostgreSQL (holds across processes), sessions renew while used and can be
-- listed and ended, and single sign-on links a user to an OpenID provider's stable subject.

-- Keyed HMAC blind indexes of a person's e-mail and mobile (store.customer_master.blind):
-- found by what they type, without decrypting the table. Set with the contact.
ALTER TABLE users
    ADD COLUMN email_blind bytea,
    ADD COLUMN mobile_blind bytea;
CREATE INDEX users_email_blind ON users (email_blind) WHERE email_blind IS NOT NULL;
CREATE INDEX users_mobile_blind ON users (mobile_blind) WHERE mobile_blind IS NOT NULL;

-- Fixed-window counters, one row per key ('addr:<ip>', 'who:<blind>', 'user:<id>');
-- one upsert per attempt, whatever the table's size.
CREATE TABLE signin_attempts (
    key           text PRIMARY KEY,
    window_start  timestamptz NOT NULL,
    attempts      integer NOT NULL
);

-- A session renews while used: expires_at moves to now + idle, never past hard_expires_at.
ALTER TABLE web_sessions
    ADD COLUMN idle interval NOT NULL DEFAULT interval '12 hours',
    ADD COLUMN hard_expires_at timestamptz,
    ADD COLUMN remember boolean NOT NULL DEFAULT false,
    ADD COLUMN device text NOT NULL DEFAULT '',
    ADD COLUMN ended_by text;
UPDATE web_sessions SET hard_expires_at = expires_at WHERE hard_expires_at IS NULL;
ALTER TABLE web_sessions ALTER COLUMN hard_expires_at SET NOT NULL;

-- Single sign-on: a Jindu user is the person an OpenID provider names by (issuer, subject),
-- never by display name.
CREATE TABLE oidc_identities (
    issuer     text NOT NULL,
    subject    text NOT NULL,
    user_id    text NOT NULL REFERENCES users(id),
    linked_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_user ON oidc_identities (user_id);

ALTER TABLE user_events DROP CONSTRAINT IF EXISTS user_events_kind_check;
ALTER TABLE user_events ADD CONSTRAINT user_events_kind_check CHECK (kind IN (
    'created', 'deactivated', 'reactivated', 'token_rotated', 'contact_changed', 'signin_link_issued',
    'sessions_ended', 'signin_link_requested', 'oidc_linked', 'moved'));
