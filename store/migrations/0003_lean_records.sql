-- v2 records (issue: lean history). Steps carry their own facts; the read model keeps a
-- compact `view` (ProjectState.read_view) patched per batch instead of a full snapshot.

ALTER TABLE projects
    ADD COLUMN requirement  text,
    ADD COLUMN view         jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN plan         jsonb,
    ADD COLUMN cancel_reason text,
    ALTER COLUMN state DROP NOT NULL;

-- Projects recorded by v1 keep their snapshot in `state`; give them the v2 view.
UPDATE projects SET
    requirement = state->>'requirement',
    plan = CASE WHEN jsonb_typeof(state->'plan') = 'object'
                THEN (state->'plan') - 'milestones' END,
    cancel_reason = state->>'cancel_reason',
    view = jsonb_build_object(
        'stage', state->'stage',
        'risk_level', state->'risk_level',
        'assessment', CASE WHEN state->>'in_scope' = 'true' THEN jsonb_build_object(
            'difficulty', state->'difficulty', 'risk_level', state->'risk_level',
            'expected_cycle_days', state->'expected_cycle_days',
            'original_expected_cycle_days', state->'original_expected_cycle_days',
            'budget', state->'budget') END,
        'initiation_levels', coalesce(state->'initiation_levels', '[]'::jsonb),
        'pending', state->'pending',
        'overdue', to_jsonb(overdue),
        'warning', jsonb_build_object(
            'active', coalesce(state->'warning'->'active', 'false'::jsonb),
            'reasons', coalesce(state->'warning'->'reasons', '[]'::jsonb),
            'raised_at', state->'warning'->'raised_at',
            'cause', state->'warning'->'cause',
            'analysis_due_at', state->'warning'->'pending'->'due_at'),
        'kpis', state->'kpis',
        'reports', coalesce(state->'reports', '{}'::jsonb)
                   || jsonb_build_object('results_submissions', coalesce(state->'results_submissions', '0'::jsonb)),
        'first_review_passed', state->'first_review_passed',
        'completed_at', state->'completed_at',
        'archive_bundle_id', state->'archive_bundle_id')
WHERE state IS NOT NULL;

ALTER TABLE rectification_tasks ADD COLUMN summary text;

-- Notifications to send: written with the steps in one transaction, sent by the
-- worker's dispatcher (activities/outbox.py) with retries; one delivery row per channel.
CREATE TABLE outbox (
    id               text PRIMARY KEY,
    project_id       text NOT NULL,
    seq              integer NOT NULL,
    kind             text NOT NULL,
    key              text NOT NULL,
    params           jsonb NOT NULL DEFAULT '{}'::jsonb,
    to_role          text NOT NULL,
    to_user_id       text,
    department       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    last_error       text,
    sent_at          timestamptz,
    failed_at        timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

CREATE TABLE deliveries (
    outbox_id  text NOT NULL REFERENCES outbox(id),
    channel    text NOT NULL,
    sent_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (outbox_id, channel)
);

-- Batches PostgreSQL refused for good (a bug or bad data): what operations must look at.
CREATE TABLE record_failures (
    project_id  text NOT NULL,
    seq         integer NOT NULL,
    kinds       text[] NOT NULL,
    error       text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, seq)
);

-- Idempotency-Key: the first successful answer to an action, replayed to its retries.
CREATE TABLE idempotency_keys (
    user_id       text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status_code   integer NOT NULL,
    response      jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- Official holiday years published by operations (`jindu calendar publish`): new
-- projects take them in their start input; running ones got them as a recorded update.
CREATE TABLE calendar_years (
    year          integer PRIMARY KEY,
    holidays      date[] NOT NULL,
    workdays      date[] NOT NULL,
    published_by  text NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now()
);

-- Batches patch the view in order; a late retry of an older batch changes nothing.
ALTER TABLE projects ADD COLUMN view_version integer NOT NULL DEFAULT 0;
UPDATE projects SET view_version = seq;

-- Decisions operations took for an absent approver: done by `by_*`, on behalf of these.
ALTER TABLE approvals ADD COLUMN on_behalf_of_id text, ADD COLUMN on_behalf_of_name text;
