-- Period-rollup marks written inline by the triggers (issue 16: actions as fast as a bare service).
--
-- 0700's and 0730's triggers marked a project's months by calling the SQL functions
-- rollup_mark_started, rollup_mark_held and rollup_mark_deals_of through PERFORM. Each such
-- call plans the function's statement again: 0.15–0.4 ms a call, so a plan's milestone upsert
-- (insert and update triggers, two calls each) spent 0.6 ms in its triggers. The same INSERTs
-- written in the trigger bodies keep their plans for the session (plpgsql's plan cache): the
-- upsert takes 0.12 ms. The marks are the same: same reports, same months, same projects.

CREATE OR REPLACE FUNCTION rollup_mark_projects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'kpis', m FROM new_rows n, rollup_months_of(n.created_at) m;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'kpis', m FROM old_rows o, rollup_months_of(o.created_at) m;
    ELSE
        -- only what a KPI or the appraisal reads of a project
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'kpis', m
        FROM new_rows n JOIN old_rows o ON o.id = n.id,
             LATERAL (VALUES (n.created_at), (o.created_at)) c(at), rollup_months_of(c.at) m
        WHERE (n.created_at, n.department, n.agent_name, n.stage IN ('declined', 'cancelled'), n.cycle_deviation_rate,
               n.kpi_first_review_passed, n.kpi_reports_due, n.kpi_reports_on_time)
              IS DISTINCT FROM
              (o.created_at, o.department, o.agent_name, o.stage IN ('declined', 'cancelled'), o.cycle_deviation_rate,
               o.kpi_first_review_passed, o.kpi_reports_due, o.kpi_reports_on_time);
        -- who holds the project changed: every month of its key nodes and result reviews
        WITH held AS (
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.department, n.agent_id, n.stage IN ('declined', 'cancelled'))
                  IS DISTINCT FROM (o.department, o.agent_id, o.stage IN ('declined', 'cancelled')))
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'milestones', date_trunc('month', m.due_date)::date FROM milestones m
        WHERE m.project_id IN (SELECT id FROM held)
        UNION
        SELECT DISTINCT 'reviews', mo FROM approvals a, rollup_months_of(a.at) mo
        WHERE a.project_id IN (SELECT id FROM held) AND a.gate = 'result_review';
    END IF;
    RETURN NULL;
END $$;

-- milestones: their due months, and their projects' start months
CREATE OR REPLACE FUNCTION rollup_mark_milestones() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'milestones', date_trunc('month', due_date)::date FROM new_rows
        UNION
        SELECT DISTINCT 'kpis', m FROM projects p, rollup_months_of(p.created_at) m
        WHERE p.id IN (SELECT project_id FROM new_rows);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'milestones', date_trunc('month', due_date)::date FROM old_rows
        UNION
        SELECT DISTINCT 'kpis', m FROM projects p, rollup_months_of(p.created_at) m
        WHERE p.id IN (SELECT project_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

-- ratings, warnings: their projects' start months
CREATE OR REPLACE FUNCTION rollup_mark_project_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'kpis', m FROM projects p, rollup_months_of(p.created_at) m
        WHERE p.id IN (SELECT project_id FROM new_rows);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'kpis', m FROM projects p, rollup_months_of(p.created_at) m
        WHERE p.id IN (SELECT project_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

-- approvals: a result review added or removed can make another one of its project the first,
-- so every month of the project's key nodes and result reviews
CREATE OR REPLACE FUNCTION rollup_mark_approvals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'reviews', m FROM new_rows n, rollup_months_of(n.at) m WHERE n.gate = 'result_review'
        UNION
        SELECT DISTINCT 'milestones', date_trunc('month', m.due_date)::date FROM milestones m
        WHERE m.project_id IN (SELECT project_id FROM new_rows WHERE gate = 'result_review')
        UNION
        SELECT DISTINCT 'reviews', mo FROM approvals a, rollup_months_of(a.at) mo
        WHERE a.project_id IN (SELECT project_id FROM new_rows WHERE gate = 'result_review')
          AND a.gate = 'result_review';
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'reviews', m FROM old_rows o, rollup_months_of(o.at) m WHERE o.gate = 'result_review'
        UNION
        SELECT DISTINCT 'milestones', date_trunc('month', m.due_date)::date FROM milestones m
        WHERE m.project_id IN (SELECT project_id FROM old_rows WHERE gate = 'result_review')
        UNION
        SELECT DISTINCT 'reviews', mo FROM approvals a, rollup_months_of(a.at) mo
        WHERE a.project_id IN (SELECT project_id FROM old_rows WHERE gate = 'result_review')
          AND a.gate = 'result_review';
    END IF;
    RETURN NULL;
END $$;

-- deal_parts: their deals' months; project_costs: their projects' deal months (money)
CREATE OR REPLACE FUNCTION rollup_mark_deal_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    reports text[] := CASE WHEN TG_TABLE_NAME = 'deal_parts' THEN ARRAY['deals'] ELSE ARRAY['money'] END;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT r, date_trunc('month', d.deal_date)::date FROM deals d, unnest(reports) r
        WHERE d.project_id IN (SELECT project_id FROM new_rows);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT r, date_trunc('month', d.deal_date)::date FROM deals d, unnest(reports) r
        WHERE d.project_id IN (SELECT project_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

DROP FUNCTION rollup_mark_started(text[]);
DROP FUNCTION rollup_mark_held(text[]);
DROP FUNCTION rollup_mark_deals_of(text[], text[]);
