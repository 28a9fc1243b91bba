-- Issue 14: costs recorded against a project's budget (000 二(一)3; 002 二(二)2).
CREATE TABLE project_costs (
    id              text PRIMARY KEY,
    project_id      text NOT NULL REFERENCES projects(id),
    amount          numeric(14, 2) NOT NULL CHECK (amount > 0),
    description     text NOT NULL,
    spent_on        date NOT NULL,
    recorded_by_id  text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX project_costs_project ON project_costs (project_id, recorded_at);
