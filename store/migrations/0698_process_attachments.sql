-- Files in process forms (issue 15): a person uploads a file before the process (or the task)
-- it goes with exists, so an attachment is a project's (project_id) or a person's own upload
-- (project_id NULL), bound to one process instance once sent with its form (process_id).
ALTER TABLE attachments ALTER COLUMN project_id DROP NOT NULL;
ALTER TABLE attachments ADD COLUMN process_id text;
ALTER TABLE attachments ADD CONSTRAINT attachments_one_owner CHECK (project_id IS NULL OR process_id IS NULL);
CREATE INDEX attachments_own ON attachments (uploaded_by) WHERE project_id IS NULL;
CREATE INDEX attachments_process ON attachments (process_id) WHERE process_id IS NOT NULL;
