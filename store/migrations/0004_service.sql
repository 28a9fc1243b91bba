-- Complaints, revisits, the risk register and suggestions (RULES §Complaints and feedback,
-- §lifecycle 11 回访, §Risk management). Written by their workflows' record activities,
-- idempotently by step key like the project records.

-- Risk register 风险登记 per project (000 §5, 001 业务风险管理制度, 002 §3).
CREATE TABLE risks (
    id             text PRIMARY KEY,
    project_id     text NOT NULL REFERENCES projects(id),
    category       text NOT NULL CHECK (category IN ('policy_regulatory','market','credit','operational','legal')),
    description    text NOT NULL,
    likelihood     text NOT NULL CHECK (likelihood IN ('low','medium','high')),
    impact         text NOT NULL CHECK (impact IN ('low','medium','high')),
    level          text NOT NULL CHECK (level IN ('low','medium','high')),
    probability    numeric(5,4),
    loss_amount    numeric(16,2),
    expected_loss  numeric(16,2),
    response       text NOT NULL CHECK (response IN ('avoid','reduce','transfer','accept')),
    measures       text NOT NULL DEFAULT '',
    owner_user_id  text NOT NULL,
    owner_name     text NOT NULL,
    review_on      date NOT NULL,
    review_due_at  timestamptz NOT NULL,
    status         text NOT NULL CHECK (status IN ('open','occurred','closed')),
    escalations    integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    occurred_at    timestamptz,
    closed_at      timestamptz
);
CREATE INDEX risks_project ON risks (project_id, created_at);
CREATE INDEX risks_owner ON risks (owner_user_id) WHERE status = 'open';

-- A risk that occurred: its loss, on the project's record (appraisal: risk events and losses).
CREATE TABLE risk_events (
    step_key     text PRIMARY KEY,
    risk_id      text NOT NULL REFERENCES risks(id),
    project_id   text NOT NULL REFERENCES projects(id),
    department   text NOT NULL,
    agent_id     text NOT NULL,
    loss_amount  numeric(16,2),
    at           timestamptz NOT NULL
);
CREATE INDEX risk_events_agent ON risk_events (agent_id, at);

-- Complaints 投诉 (002 §2(3), 003 §4.3): one ComplaintWorkflow each. The contact is
-- personal data: encrypted like customers' (JSON {name, phone, email}).
CREATE TABLE complaints (
    id                   text PRIMARY KEY,
    workflow_id          text NOT NULL UNIQUE,
    project_id           text REFERENCES projects(id),
    department           text,
    agent_id             text,
    customer_user_id     text,
    channel              text NOT NULL,
    content              text NOT NULL,
    contact_enc          bytea,
    filed_by_id          text NOT NULL,
    filed_by_role        text NOT NULL,
    status               text NOT NULL,
    round                integer NOT NULL DEFAULT 1,
    assignee_role        text,
    assignee_user_id     text,
    filed_at             timestamptz NOT NULL,
    first_reply_due_at   timestamptz,
    first_replied_at     timestamptz,
    resolution_due_at    timestamptz,
    answered_at          timestamptz,
    resolved             boolean,
    unresolved_reason    text,
    satisfied            boolean,
    rating               integer CHECK (rating BETWEEN 1 AND 5),
    closed_at            timestamptz,
    overdue              boolean NOT NULL DEFAULT false,
    seq                  integer NOT NULL DEFAULT 0,
    view_version         integer NOT NULL DEFAULT 0,
    view                 jsonb NOT NULL DEFAULT '{}'::jsonb,
    disposed_at          timestamptz
);
CREATE INDEX complaints_department ON complaints (department, status);
CREATE INDEX complaints_project ON complaints (project_id);

CREATE TABLE complaint_events (
    step_key      text PRIMARY KEY,
    complaint_id  text NOT NULL REFERENCES complaints(id),
    seq           integer NOT NULL,
    kind          text NOT NULL,
    at            timestamptz NOT NULL,
    actor_id      text,
    actor_name    text,
    actor_role    text,
    comment       text NOT NULL DEFAULT '',
    data          jsonb NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (complaint_id, seq)
);

-- Revisits 回访 after completion: one RevisitWorkflow per completed project.
CREATE TABLE revisits (
    id                text PRIMARY KEY,
    project_id        text NOT NULL UNIQUE REFERENCES projects(id),
    department        text NOT NULL,
    agent_id          text NOT NULL,
    assignee_user_id  text NOT NULL,
    status            text NOT NULL CHECK (status IN ('scheduled','open','done')),
    opens_at          timestamptz NOT NULL,
    due_at            timestamptz,
    escalations       integer NOT NULL DEFAULT 0,
    rating            integer CHECK (rating BETWEEN 1 AND 5),
    comments          text,
    done_at           timestamptz,
    done_by_id        text
);

-- Ratings now come from acceptance, revisits and complaint confirmations (appraisal).
ALTER TABLE ratings ADD COLUMN source text NOT NULL DEFAULT 'acceptance'
    CHECK (source IN ('acceptance','revisit','complaint'));
ALTER TABLE ratings ALTER COLUMN project_id DROP NOT NULL;
ALTER TABLE ratings DROP CONSTRAINT ratings_step_key_fkey;

-- Suggestions 建议 from revisits and complaints, marked adopted or not (service KPIs).
CREATE TABLE suggestions (
    id           text PRIMARY KEY,
    source       text NOT NULL CHECK (source IN ('revisit','complaint')),
    source_id    text NOT NULL,
    project_id   text REFERENCES projects(id),
    department   text,
    agent_id     text,
    text         text NOT NULL,
    created_at   timestamptz NOT NULL,
    adopted      boolean,
    decided_by   text,
    decided_at   timestamptz
);

-- Satisfaction warnings raised after a project (a low revisit rating or complaint
-- confirmation): for the agent and the department, outside any running project.
ALTER TABLE warnings ADD COLUMN agent_id text, ADD COLUMN department text, ADD COLUMN source text;
ALTER TABLE warnings DROP CONSTRAINT warnings_step_key_fkey;
ALTER TABLE warnings ALTER COLUMN project_id DROP NOT NULL;
