-- Jindu records (DESIGN.md §Records). Every workflow-written row carries the step key
-- of the step that wrote it, so a retried activity inserts nothing twice.

CREATE TABLE users (
    id          text PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('agent','dept_head','executive','customer','operations','auditor')),
    department  text,
    token_hash  text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Customer personal data (RULES §Customer information): encrypted at rest (AES-GCM,
-- key from JINDU_DATA_KEY), readable only through authorised API roles.
CREATE TABLE customers (
    id           text PRIMARY KEY,
    project_id   text NOT NULL UNIQUE,
    name_enc     bytea NOT NULL,
    phone_enc    bytea,
    email_enc    bytea,
    company_enc  bytea,
    user_id      text REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    disposed_at  timestamptz
);

-- Read model of each project, kept in step by the record_step activity.
CREATE TABLE projects (
    id                 text PRIMARY KEY,
    workflow_id        text NOT NULL UNIQUE,
    stage              text NOT NULL,
    department         text NOT NULL,
    business_type      text NOT NULL,
    channel            text NOT NULL,
    agent_id           text NOT NULL,
    agent_name         text NOT NULL,
    customer_user_id   text,
    risk_level         text,
    pending_kind       text,
    pending_gate       text,
    pending_role       text,
    pending_user_id    text,
    pending_due_at     timestamptz,
    overdue            boolean NOT NULL DEFAULT false,
    warning            boolean NOT NULL DEFAULT false,
    completion_rate    double precision,
    cycle_deviation_rate double precision,
    satisfaction_score double precision,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    completed_at       timestamptz,
    seq                integer NOT NULL DEFAULT 0,
    state              jsonb NOT NULL
);
CREATE INDEX projects_stage ON projects (stage);
CREATE INDEX projects_department ON projects (department);
CREATE INDEX projects_pending ON projects (pending_role, department) WHERE pending_role IS NOT NULL;

-- Append-only audit trail: every transition, decision, report, reminder, escalation.
CREATE TABLE events (
    step_key    text PRIMARY KEY,
    project_id  text NOT NULL REFERENCES projects(id),
    seq         integer NOT NULL,
    kind        text NOT NULL,
    at          timestamptz NOT NULL,
    actor_id    text,
    actor_name  text,
    actor_role  text,
    comment     text NOT NULL DEFAULT '',
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (project_id, seq)
);

CREATE TABLE approvals (
    step_key    text PRIMARY KEY REFERENCES events(step_key),
    project_id  text NOT NULL REFERENCES projects(id),
    gate        text NOT NULL,
    level       text NOT NULL,
    decision    text NOT NULL,
    by_user_id  text NOT NULL,
    by_name     text NOT NULL,
    at          timestamptz NOT NULL,
    comment     text NOT NULL DEFAULT '',
    round       integer NOT NULL DEFAULT 1
);
CREATE INDEX approvals_project ON approvals (project_id, at);

CREATE TABLE milestones (
    project_id  text NOT NULL REFERENCES projects(id),
    name        text NOT NULL,
    due_date    date NOT NULL,
    done_on     date,
    PRIMARY KEY (project_id, name)
);

CREATE TABLE weekly_reports (
    step_key        text PRIMARY KEY REFERENCES events(step_key),
    project_id      text NOT NULL REFERENCES projects(id),
    agent_id        text NOT NULL,
    department      text NOT NULL,
    at              timestamptz NOT NULL,
    progress        text NOT NULL,
    problems        text NOT NULL DEFAULT '',
    next_week_plan  text NOT NULL,
    completed_milestones jsonb NOT NULL DEFAULT '[]'::jsonb,
    on_time         boolean NOT NULL
);

CREATE TABLE result_submissions (
    step_key     text PRIMARY KEY REFERENCES events(step_key),
    project_id   text NOT NULL REFERENCES projects(id),
    submission   integer NOT NULL,
    summary      text NOT NULL,
    attachments  jsonb NOT NULL DEFAULT '[]'::jsonb,
    at           timestamptz NOT NULL
);

-- One model and one inbox for rectification 整改 from every source.
CREATE TABLE rectification_tasks (
    id             text PRIMARY KEY,
    project_id     text NOT NULL REFERENCES projects(id),
    source         text NOT NULL,
    description    text NOT NULL,
    owner_user_id  text NOT NULL,
    owner_name     text NOT NULL,
    owner_role     text NOT NULL,
    department     text NOT NULL,
    created_at     timestamptz NOT NULL,
    due_at         timestamptz NOT NULL,
    status         text NOT NULL,
    resolution     text,
    completed_at   timestamptz,
    round          integer NOT NULL DEFAULT 1,
    escalations    integer NOT NULL DEFAULT 0
);
CREATE INDEX rectification_tasks_owner ON rectification_tasks (owner_user_id, status);

CREATE TABLE warnings (
    step_key    text PRIMARY KEY REFERENCES events(step_key),
    project_id  text NOT NULL REFERENCES projects(id),
    kind        text NOT NULL CHECK (kind IN ('raised','analysed','cleared')),
    reasons     jsonb NOT NULL DEFAULT '[]'::jsonb,
    cause       text,
    analysis    text,
    at          timestamptz NOT NULL
);

CREATE TABLE ratings (
    step_key    text PRIMARY KEY REFERENCES events(step_key),
    project_id  text NOT NULL REFERENCES projects(id),
    agent_id    text NOT NULL,
    department  text NOT NULL,
    rating      integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
    at          timestamptz NOT NULL
);

-- 归档: one bundle per project, indexed for lookup by keyword.
CREATE TABLE archive_bundles (
    id          text PRIMARY KEY,
    project_id  text NOT NULL UNIQUE REFERENCES projects(id),
    step_key    text NOT NULL,
    created_at  timestamptz NOT NULL,
    keywords    text[] NOT NULL,
    bundle      jsonb NOT NULL
);
CREATE INDEX archive_bundles_keywords ON archive_bundles USING gin (keywords);

CREATE TABLE notifications (
    step_key    text NOT NULL,
    channel     text NOT NULL,
    project_id  text NOT NULL,
    kind        text NOT NULL,
    to_role     text NOT NULL,
    to_user_id  text,
    department  text,
    subject     text NOT NULL,
    body        text NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (step_key, channel)
);
