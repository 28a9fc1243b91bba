-- Buttons in process messages (issue 15): an action link is for a project's gate or for a
-- process's node (`gate` then holds the node id).
ALTER TABLE action_links ALTER COLUMN project_id DROP NOT NULL;
ALTER TABLE action_links ADD COLUMN process_id text;
ALTER TABLE action_links ADD CONSTRAINT action_links_one_subject
    CHECK ((project_id IS NULL) <> (process_id IS NULL));
