-- Each delivery of a notification (one channel, or one person's e-mail) has its own retry
-- schedule and outcome (issue 17): one failing robot never holds back or cancels the others.
-- `deliveries` keeps meaning "sent" (fencing reads it); this table is the schedule and the record
-- shown to operations on 通知记录.
CREATE TABLE notification_deliveries (
    outbox_id        text NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    delivery         text NOT NULL,               -- the router's key: `dingtalk`, `email:<user>`
    channel          text NOT NULL,
    project_id       text,
    lang             text NOT NULL,
    recipients       text[] NOT NULL DEFAULT '{}', -- names only, never contacts
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'given_up')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    errcode          text,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (outbox_id, delivery)
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notification_deliveries_recent ON notification_deliveries (created_at DESC, outbox_id, delivery);
CREATE INDEX notification_deliveries_state ON notification_deliveries (state, created_at DESC);

ALTER TABLE notification_failures ADD COLUMN delivery text, ADD COLUMN errcode text;
