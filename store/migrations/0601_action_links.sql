-- Links in messages that open a confirmation page for one action (issue 17). Only a hash of
-- the token is kept; a link is bound to its addressees, used once, and expires.
CREATE TABLE action_links (
    token_hash   bytea PRIMARY KEY,
    outbox_id    text NOT NULL,
    project_id   text NOT NULL,
    action       text NOT NULL,                  -- approve | reject
    gate         text NOT NULL,
    user_ids     text[] NOT NULL,                -- who may use it (the notification's addressees)
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    used_by      text
);
CREATE INDEX action_links_outbox ON action_links (outbox_id);
CREATE INDEX action_links_expires ON action_links (expires_at);
