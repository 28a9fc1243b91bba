-- Reads at 100,000 projects and millions of events (issue 16). Every list, inbox, KPI and
-- appraisal query names the index it uses; the queries are built from the filters given
-- (store/reads.py), so asyncpg's generic plans can use them.

-- Project lists: most recently changed first, by every filter, paged by keyset (updated_at, id).
CREATE INDEX IF NOT EXISTS projects_updated ON projects (updated_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS projects_stage_updated ON projects (stage, updated_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS projects_department_updated ON projects (department, updated_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS projects_overdue_updated ON projects (updated_at DESC, id DESC) WHERE overdue;
CREATE INDEX IF NOT EXISTS projects_warning_updated ON projects (updated_at DESC, id DESC) WHERE warning;

-- KPIs by start period; appraisal by agent.
CREATE INDEX IF NOT EXISTS projects_created ON projects (created_at);
CREATE INDEX IF NOT EXISTS projects_department_created ON projects (department, created_at);
CREATE INDEX IF NOT EXISTS projects_agent ON projects (agent_id, created_at);

-- The inbox: waits reassigned to a person, and cause analyses owed on an active warning.
CREATE INDEX IF NOT EXISTS projects_pending_user ON projects (pending_user_id) WHERE pending_user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS projects_warning_analysis ON projects (department) WHERE warning;
-- Running projects (dashboard, /metrics): a small part of ten years of projects.
CREATE INDEX IF NOT EXISTS projects_running ON projects (department, stage)
    WHERE stage NOT IN ('completed', 'declined', 'cancelled');

-- Open rectification tasks per department (dashboard) and a project's first result review.
CREATE INDEX IF NOT EXISTS rectification_tasks_open ON rectification_tasks (department) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS approvals_result_review_project ON approvals (project_id, at) WHERE gate = 'result_review';
CREATE INDEX IF NOT EXISTS warnings_raised_project ON warnings (project_id) WHERE kind = 'raised';
CREATE INDEX IF NOT EXISTS events_escalation_at ON events (at) WHERE kind = 'escalation' AND superseded_at IS NULL;

-- Retention (store/retention.py): delivered outbox rows by age.
CREATE INDEX IF NOT EXISTS outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS outbox_failed ON outbox (failed_at) WHERE failed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS web_sessions_expires ON web_sessions (expires_at);
CREATE INDEX IF NOT EXISTS signin_links_expires ON signin_links (expires_at);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at);
-- Projects by department and stage (dashboard, /metrics): an index-only scan, not the table.
CREATE INDEX IF NOT EXISTS projects_department_stage ON projects (department, stage);
CREATE INDEX IF NOT EXISTS events_escalation_project ON events (project_id) WHERE kind = 'escalation' AND superseded_at IS NULL;
