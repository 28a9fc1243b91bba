-- Per-project lookups of the record tables (archive bundles, KPI facts, project history).
CREATE INDEX IF NOT EXISTS weekly_reports_project ON weekly_reports (project_id, at);
CREATE INDEX IF NOT EXISTS result_submissions_project ON result_submissions (project_id, submission);
CREATE INDEX IF NOT EXISTS rectification_tasks_project ON rectification_tasks (project_id, created_at);
CREATE INDEX IF NOT EXISTS warnings_project ON warnings (project_id, at);
CREATE INDEX IF NOT EXISTS ratings_project ON ratings (project_id, at);
CREATE INDEX IF NOT EXISTS notifications_project ON notifications (project_id, sent_at);
