-- One truth (issue 13): PostgreSQL holds what the *completed* workflow task decided.
-- A batch is fenced by the run and workflow task that made it. Steps of a workflow task
-- that never completed (a lost task, an operator's reset) stay in `events`, marked
-- superseded, with their step key suffixed so the step that replaced them takes the key.

ALTER TABLE events
    ADD COLUMN run_id        text,
    ADD COLUMN task          integer,
    ADD COLUMN superseded_at timestamptz,
    ADD COLUMN superseded_by text;

ALTER TABLE events DROP CONSTRAINT events_project_id_seq_key;
-- Steps taken outside the workflow's code (a reset, a termination, a reconciliation, a
-- customer's data disposed) sit after the step they follow and share its seq; every other
-- live step has its own.
CREATE UNIQUE INDEX events_live_seq ON events (project_id, seq)
    WHERE superseded_at IS NULL AND kind NOT IN ('reset', 'terminated', 'reconciled', 'customer_data_disposed');
CREATE INDEX events_project_seq ON events (project_id, seq);

ALTER TABLE projects
    ADD COLUMN run_id        text,
    ADD COLUMN task          integer NOT NULL DEFAULT 0,
    ADD COLUMN retired_runs  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN ended_reason  text;

-- Every time the record differed from what Temporal decided, and what was done about it:
-- `superseded` (a lost workflow task's steps replaced), `conflict` (a step key written twice
-- with different content), `reset`, `terminated`, `reconciled`, `stale` (a dead task's late write refused).
CREATE TABLE record_divergences (
    id          bigserial PRIMARY KEY,
    project_id  text NOT NULL,
    kind        text NOT NULL,
    run_id      text,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX record_divergences_at ON record_divergences (at);
