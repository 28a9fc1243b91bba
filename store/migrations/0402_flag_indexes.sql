-- The dashboard's running projects with their flags, and the project list's counts by flag
-- (`overdue=false`, `warning=false` match nearly every project): index-only, not the table.
DROP INDEX IF EXISTS projects_running;
CREATE INDEX projects_running ON projects (department, stage) INCLUDE (overdue, warning)
    WHERE stage NOT IN ('completed', 'declined', 'cancelled');
CREATE INDEX projects_flags ON projects (warning, overdue);
