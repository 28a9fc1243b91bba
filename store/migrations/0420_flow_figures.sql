-- The dashboard's flow charts (store/flow_figures.py, issue 17) at 100,000 projects: each
-- reads a window of recent rows through an index, not the whole tables.

-- Weekly trends: projects ended before an instant (completed, declined, cancelled, terminated).
CREATE INDEX IF NOT EXISTS projects_ended ON projects ((coalesce(completed_at, updated_at)))
    INCLUDE (completed_at, updated_at)
    WHERE stage IN ('completed', 'declined', 'cancelled', 'terminated');
-- Weekly trends: warnings raised in a week.
CREATE INDEX IF NOT EXISTS warnings_raised_at ON warnings (at) INCLUDE (project_id) WHERE kind = 'raised';
-- Where projects wait, the funnel and approvers' response times: the stage changes and
-- decisions of a window, and a project's stage changes.
CREATE INDEX IF NOT EXISTS events_flow_at ON events (at) INCLUDE (project_id, seq, kind)
    WHERE kind IN ('intake', 'stage_changed', 'decision', 'reassigned') AND superseded_at IS NULL;
CREATE INDEX IF NOT EXISTS events_stage_changes ON events (project_id, seq)
    WHERE kind = 'stage_changed' AND superseded_at IS NULL;
