-- Processes as data (issue 15): templates by version, instances, their steps, the open slots
-- the inbox shows, and the facts the monitoring figures read (node runs, decisions).

CREATE TABLE process_templates (
    key              text NOT NULL,
    version          integer NOT NULL,
    name             text NOT NULL,
    body             jsonb NOT NULL,
    digest           text NOT NULL,
    uploaded_by_id   text,
    uploaded_by_name text,
    uploaded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, version)
);

CREATE TABLE processes (
    id               text PRIMARY KEY,
    workflow_id      text NOT NULL UNIQUE,
    template_key     text NOT NULL,
    template_version integer NOT NULL,
    template_name    text NOT NULL,
    applicant_id     text NOT NULL,
    applicant_name   text,
    applicant_role   text NOT NULL,
    department       text,
    form             jsonb NOT NULL DEFAULT '{}'::jsonb,
    status           text NOT NULL DEFAULT 'running',
    node_id          text,
    due_at           timestamptz,
    overdue          boolean NOT NULL DEFAULT false,
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz,
    view             jsonb NOT NULL DEFAULT '{}'::jsonb,
    view_version     integer NOT NULL DEFAULT 0,
    seq              integer NOT NULL DEFAULT 0,
    run_id           text,
    task             integer NOT NULL DEFAULT 0,
    retired_runs     text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX processes_by_template ON processes (template_key, status, started_at DESC);
CREATE INDEX processes_by_applicant ON processes (applicant_id, started_at DESC);
CREATE INDEX processes_by_status ON processes (status, started_at DESC);

CREATE TABLE process_events (
    step_key      text PRIMARY KEY,
    process_id    text NOT NULL REFERENCES processes(id),
    seq           integer NOT NULL,
    kind          text NOT NULL,
    at            timestamptz NOT NULL,
    actor_id      text,
    actor_name    text,
    actor_role    text,
    comment       text NOT NULL DEFAULT '',
    data          jsonb NOT NULL DEFAULT '{}'::jsonb,
    superseded_at timestamptz,
    superseded_by text
);
CREATE INDEX process_events_by_process ON process_events (process_id, seq);

-- The open slots of each running process (rewritten with its read model): its inbox items.
CREATE TABLE process_inbox (
    process_id  text NOT NULL REFERENCES processes(id),
    slot_id     text NOT NULL,
    node_id     text NOT NULL,
    role        text NOT NULL,
    department  text,
    user_id     text,
    user_name   text,
    due_at      timestamptz,
    overdue     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (process_id, slot_id)
);
CREATE INDEX process_inbox_by_user ON process_inbox (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX process_inbox_by_role ON process_inbox (role, department) WHERE user_id IS NULL;

-- Facts for the figures, keyed by the step that made them (rebuilt when steps are superseded).
CREATE TABLE process_node_runs (
    step_key      text PRIMARY KEY,
    process_id    text NOT NULL,
    template_key  text NOT NULL,
    node_id       text NOT NULL,
    entered_at    timestamptz NOT NULL,
    due_at        timestamptz,
    left_at       timestamptz,
    timed_out     boolean NOT NULL DEFAULT false
);
CREATE INDEX process_node_runs_by_template ON process_node_runs (template_key, node_id);
CREATE INDEX process_node_runs_open ON process_node_runs (process_id) WHERE left_at IS NULL;

CREATE TABLE process_decisions (
    step_key        text PRIMARY KEY,
    process_id      text NOT NULL,
    template_key    text NOT NULL,
    node_id         text NOT NULL,
    by_id           text,
    by_name         text,
    decision        text NOT NULL,
    at              timestamptz NOT NULL,
    waited_seconds  double precision
);
CREATE INDEX process_decisions_by_template ON process_decisions (template_key, by_id);
