-- One truth for complaints and revisits (issue 13), as 0300 for projects: batches fenced by
-- run and workflow task; steps of a task that never completed stay, marked superseded.

ALTER TABLE complaint_events
    ADD COLUMN run_id text, ADD COLUMN task integer,
    ADD COLUMN superseded_at timestamptz, ADD COLUMN superseded_by text;
ALTER TABLE complaint_events DROP CONSTRAINT complaint_events_complaint_id_seq_key;
CREATE UNIQUE INDEX complaint_events_live_seq ON complaint_events (complaint_id, seq) WHERE superseded_at IS NULL;

ALTER TABLE revisit_events
    ADD COLUMN run_id text, ADD COLUMN task integer,
    ADD COLUMN superseded_at timestamptz, ADD COLUMN superseded_by text;
ALTER TABLE revisit_events DROP CONSTRAINT revisit_events_project_id_seq_key;
CREATE UNIQUE INDEX revisit_events_live_seq ON revisit_events (project_id, seq) WHERE superseded_at IS NULL;

ALTER TABLE complaints ADD COLUMN run_id text, ADD COLUMN task integer NOT NULL DEFAULT 0,
    ADD COLUMN retired_runs text[] NOT NULL DEFAULT '{}';
ALTER TABLE revisits ADD COLUMN run_id text, ADD COLUMN task integer NOT NULL DEFAULT 0,
    ADD COLUMN retired_runs text[] NOT NULL DEFAULT '{}';
