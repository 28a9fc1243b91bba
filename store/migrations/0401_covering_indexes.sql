-- Reports at 100,000 projects read indexes, not the wide `projects` rows (issue 16). Each
-- report needs a few narrow columns of many projects: covering indexes hold them, so the
-- KPI and appraisal statements are index-only scans (autovacuum keeps old projects' pages
-- all-visible), whatever the size of the read model's `view`, `plan` and `state`.

-- The view's KPI facts as plain columns, computed by PostgreSQL whenever `view` changes
-- (nothing for the record activity to maintain). Written never to fail: a value of another
-- JSON type reads as NULL (first review) or 0 (reports).
ALTER TABLE projects
    ADD COLUMN kpi_first_review_passed boolean GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(view->'first_review_passed') = 'boolean'
             THEN (view->>'first_review_passed')::boolean END) STORED,
    ADD COLUMN kpi_reports_due integer GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(view->'reports'->'due') = 'number'
             THEN least(greatest((view->'reports'->>'due')::numeric, 0), 1000000)::integer ELSE 0 END) STORED,
    ADD COLUMN kpi_reports_on_time integer GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(view->'reports'->'on_time') = 'number'
             THEN least(greatest((view->'reports'->>'on_time')::numeric, 0), 1000000)::integer ELSE 0 END) STORED;

-- KPIs: the projects started in a period, with every fact the KPI statement reads.
DROP INDEX IF EXISTS projects_created;
CREATE INDEX projects_started ON projects (created_at) INCLUDE (id, department, agent_name, stage,
    cycle_deviation_rate, kpi_first_review_passed, kpi_reports_due, kpi_reports_on_time);
-- Appraisal: who holds a project (joined from milestones, approvals, events).
CREATE INDEX projects_holder ON projects (id) INCLUDE (department, agent_id, stage);
-- Appraisal: projects completed in a period.
CREATE INDEX projects_completed_facts ON projects (completed_at) INCLUDE (department, agent_id, stage,
    cycle_deviation_rate) WHERE completed_at IS NOT NULL;

-- Appraisal: the period's rows of each fact table, with what each figure counts.
CREATE INDEX milestones_due_facts ON milestones (due_date) INCLUDE (project_id, done_on);
CREATE INDEX approvals_result_review_facts ON approvals (at) INCLUDE (project_id, decision, step_key)
    WHERE gate = 'result_review';
CREATE INDEX approvals_result_review_order ON approvals (project_id, at, step_key) WHERE gate = 'result_review';
DROP INDEX IF EXISTS approvals_result_review_project;
CREATE INDEX weekly_reports_on_time_facts ON weekly_reports (at) INCLUDE (department, agent_id) WHERE on_time;
CREATE INDEX ratings_at_facts ON ratings (at) INCLUDE (department, agent_id, rating);
-- KPIs: a project's ratings.
CREATE INDEX ratings_project_facts ON ratings (project_id) INCLUDE (rating);
