-- Complaints, revisits and suggestions as their workflows record them (docs/service.md):
-- the read models' remaining columns, the revisit's audit trail, and notifications that
-- belong to no project.

-- What a complaint waits on next (the inbox sorts by it), and the confirmation's deadline.
ALTER TABLE complaints
    ADD COLUMN confirmation_due_at timestamptz,
    ADD COLUMN due_at timestamptz;
CREATE INDEX complaints_open ON complaints (assignee_role, department, due_at) WHERE status <> 'closed';
CREATE INDEX complaints_customer ON complaints (customer_user_id) WHERE customer_user_id IS NOT NULL;
CREATE INDEX complaints_filed ON complaints (filed_at);

-- The revisit's read model, kept in step like the project's.
ALTER TABLE revisits
    ADD COLUMN completed_at timestamptz,
    ADD COLUMN overdue boolean NOT NULL DEFAULT false,
    ADD COLUMN seq integer NOT NULL DEFAULT 0,
    ADD COLUMN view_version integer NOT NULL DEFAULT 0,
    ADD COLUMN view jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX revisits_assignee ON revisits (assignee_user_id) WHERE status = 'open';

-- Every step of a revisit: scheduled, opened, reminders, escalations, done.
CREATE TABLE revisit_events (
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

-- Who decided on a suggestion, and why.
ALTER TABLE suggestions ADD COLUMN decision_comment text, ADD COLUMN decided_by_id text;
CREATE INDEX suggestions_department ON suggestions (department, created_at);
CREATE INDEX suggestions_source ON suggestions (source, source_id);

-- A complaint without a project has no agent and no department: its rating is recorded
-- all the same (source 'complaint'), counted for nobody's appraisal.
ALTER TABLE ratings ALTER COLUMN agent_id DROP NOT NULL, ALTER COLUMN department DROP NOT NULL;
CREATE INDEX ratings_agent ON ratings (agent_id, at);
CREATE INDEX warnings_agent ON warnings (agent_id, at) WHERE agent_id IS NOT NULL;

-- Notifications of a complaint with no project; `path` opens the item in the workspace.
ALTER TABLE outbox ALTER COLUMN project_id DROP NOT NULL, ADD COLUMN path text;
