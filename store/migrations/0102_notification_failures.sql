-- Failed sends of a notification channel (the caller retries); counted on /metrics.
CREATE TABLE notification_failures (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    channel     text NOT NULL,
    step_key    text,
    project_id  text,
    error       text NOT NULL
);
CREATE INDEX notification_failures_channel ON notification_failures (channel);

-- Dashboards and metrics count escalations by time.
CREATE INDEX IF NOT EXISTS events_kind_at ON events (kind, at);
