-- Period lookups of the appraisal scorecard and the service KPIs (store/appraisal.py):
-- each figure reads the rows of one period by the time that places them in it.
CREATE INDEX IF NOT EXISTS ratings_at ON ratings (at);
CREATE INDEX IF NOT EXISTS weekly_reports_on_time_at ON weekly_reports (at) WHERE on_time;
CREATE INDEX IF NOT EXISTS events_weekly_report_missed ON events (at) WHERE kind = 'weekly_report_missed';
CREATE INDEX IF NOT EXISTS approvals_result_review_at ON approvals (at) WHERE gate = 'result_review';
CREATE INDEX IF NOT EXISTS milestones_due_date ON milestones (due_date);
CREATE INDEX IF NOT EXISTS projects_completed_at ON projects (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS complaints_filed_at ON complaints (filed_at);
CREATE INDEX IF NOT EXISTS risk_events_at ON risk_events (at);
CREATE INDEX IF NOT EXISTS suggestions_created_at ON suggestions (created_at);
