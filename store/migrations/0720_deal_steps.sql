-- Deals 成交 decided by DealWorkflow `deal-<project_id>` (issue 14): the deal's rows are written
-- with its steps, in one transaction, by the workflow's `record_deal` activity, fenced by run and
-- workflow task like a revisit's (0301). The confirmation it waits on is the dept head's inbox
-- item (kind `deal`) until `due_at`, reminded and escalated like every wait.
ALTER TABLE deals
    ADD COLUMN due_at timestamptz,
    ADD COLUMN escalations integer NOT NULL DEFAULT 0,
    ADD COLUMN overdue boolean NOT NULL DEFAULT false,
    ADD COLUMN seq integer NOT NULL DEFAULT 0,
    ADD COLUMN view_version integer NOT NULL DEFAULT 0,
    ADD COLUMN view jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN run_id text,
    ADD COLUMN task integer NOT NULL DEFAULT 0,
    ADD COLUMN retired_runs text[] NOT NULL DEFAULT '{}';
CREATE INDEX deals_awaiting ON deals (department, due_at) WHERE confirmed_at IS NULL;

-- Every step of a deal: recorded, reminded, escalated, confirmed (shown in the project's history).
CREATE TABLE deal_events (
    step_key       text PRIMARY KEY,
    project_id     text NOT NULL REFERENCES projects(id),
    seq            integer NOT NULL,
    kind           text NOT NULL,
    at             timestamptz NOT NULL,
    actor_id       text,
    actor_name     text,
    actor_role     text,
    comment        text NOT NULL DEFAULT '',
    data           jsonb NOT NULL DEFAULT '{}'::jsonb,
    run_id         text,
    task           integer,
    superseded_at  timestamptz,
    superseded_by  text
);
CREATE UNIQUE INDEX deal_events_live_seq ON deal_events (project_id, seq) WHERE superseded_at IS NULL;
