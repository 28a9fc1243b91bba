-- Deals 成交 and commission (issue 14): one deal per project, recorded by its agent and
-- confirmed by its dept head; each agent's part in deal_parts (value and commission in yuan).
CREATE TABLE deals (
    project_id      text PRIMARY KEY REFERENCES projects(id),
    department      text NOT NULL,
    deal_date       date NOT NULL,
    value           numeric(14, 2) NOT NULL,
    commission      numeric(14, 2) NOT NULL,
    attachment_ids  text[] NOT NULL DEFAULT '{}',
    recorded_by     text NOT NULL REFERENCES users(id),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    confirmed_by    text REFERENCES users(id),
    confirmed_at    timestamptz
);
CREATE INDEX deals_department_date ON deals (department, deal_date);

CREATE TABLE deal_parts (
    project_id  text NOT NULL REFERENCES deals(project_id),
    agent_id    text NOT NULL REFERENCES users(id),
    share       numeric(5, 2) NOT NULL,
    value       numeric(14, 2) NOT NULL,
    commission  numeric(14, 2) NOT NULL,
    PRIMARY KEY (project_id, agent_id)
);
CREATE INDEX deal_parts_agent ON deal_parts (agent_id);
