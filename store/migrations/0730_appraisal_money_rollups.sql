-- The appraisal's deals, follow-ups and money of closed months, summed once (issue 14, 16;
-- store/appraisal_rollups.py), kept fresh like 0700's: every write that could change a
-- month's figures marks it in its own transaction, by the triggers below.
-- Reports: `deals` and `money` by the deal's day (months of dates: tz ''), `follow_ups` by
-- the instant a follow-up happened or a customer was returned to the pool (local months).

-- Confirmed deals of a month by the deal's department and each agent's part.
CREATE TABLE deal_rollups (
    tz         text NOT NULL,
    month      date NOT NULL,
    department text,
    user_id    text,
    deals      integer NOT NULL,
    deal_value numeric NOT NULL,
    commission numeric NOT NULL
);
CREATE INDEX deal_rollups_month ON deal_rollups (tz, month);

-- Follow-ups entered (and on time) by agents, and customers lost to the pool, by department and agent.
CREATE TABLE follow_up_rollups (
    tz                text NOT NULL,
    month             date NOT NULL,
    department        text,
    user_id           text,
    follow_ups        integer NOT NULL,
    follow_ups_on_time integer NOT NULL,
    lost_to_pool      integer NOT NULL
);
CREATE INDEX follow_up_rollups_month ON follow_up_rollups (tz, month);

-- Projects whose confirmed deal is dated in the month, by department and the deal's recorder:
-- revenue against expected, costs (recorded so far) against budget.
CREATE TABLE money_rollups (
    tz                  text NOT NULL,
    month               date NOT NULL,
    department          text,
    agent_id            text,
    projects            integer NOT NULL,
    revenue             numeric NOT NULL,
    expected_revenue    numeric NOT NULL,
    revenue_of_expected numeric NOT NULL,
    budget              numeric NOT NULL,
    costs               numeric NOT NULL,
    over_budget         integer NOT NULL
);
CREATE INDEX money_rollups_month ON money_rollups (tz, month);

-- The months of the deals of the projects in `ids` (deals and money).
CREATE FUNCTION rollup_mark_deals_of(ids text[], reports text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO rollup_marks (report, month)
    SELECT DISTINCT r, date_trunc('month', d.deal_date)::date FROM deals d, unnest(reports) r
    WHERE d.project_id = ANY(ids)
$$;

CREATE FUNCTION rollup_mark_deal_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- only what the appraisal reads of a deal (not its wait: due_at, escalations, view…)
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT r, date_trunc('month', c.day)::date
        FROM new_rows n JOIN old_rows o ON o.project_id = n.project_id,
             LATERAL (VALUES (n.deal_date), (o.deal_date)) c(day), unnest(ARRAY['deals', 'money']) r
        WHERE (n.department, n.deal_date, n.value, n.commission, n.confirmed_at IS NULL, n.recorded_by,
               n.expected_revenue, n.budget)
              IS DISTINCT FROM
              (o.department, o.deal_date, o.value, o.commission, o.confirmed_at IS NULL, o.recorded_by,
               o.expected_revenue, o.budget);
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT r, date_trunc('month', n.deal_date)::date FROM new_rows n, unnest(ARRAY['deals', 'money']) r;
    ELSE
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT r, date_trunc('month', o.deal_date)::date FROM old_rows o, unnest(ARRAY['deals', 'money']) r;
    END IF;
    RETURN NULL;
END $$;

-- deal_parts: their deals' months; project_costs: their projects' deal months (money)
CREATE FUNCTION rollup_mark_deal_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    reports text[] := CASE WHEN TG_TABLE_NAME = 'deal_parts' THEN ARRAY['deals'] ELSE ARRAY['money'] END;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM rollup_mark_deals_of(array_agg(DISTINCT project_id), reports) FROM new_rows;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM rollup_mark_deals_of(array_agg(DISTINCT project_id), reports) FROM old_rows;
    END IF;
    RETURN NULL;
END $$;

-- customer_follow_ups: the months of when they happened
CREATE FUNCTION rollup_mark_follow_ups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'follow_ups', m FROM new_rows x, rollup_months_of(x.happened_at) m;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'follow_ups', m FROM old_rows x, rollup_months_of(x.happened_at) m;
    END IF;
    RETURN NULL;
END $$;

-- customer_changes: the months of the customers returned to the pool
CREATE FUNCTION rollup_mark_pooled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'follow_ups', m FROM new_rows x, rollup_months_of(x.at) m WHERE x.kind = 'pooled';
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'follow_ups', m FROM old_rows x, rollup_months_of(x.at) m WHERE x.kind = 'pooled';
    END IF;
    RETURN NULL;
END $$;

-- A customer moved to another department: the months of its follow-ups and pool returns.
CREATE FUNCTION rollup_mark_customer_department() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_marks (report, month)
    SELECT DISTINCT 'follow_ups', m FROM (
        SELECT f.happened_at AS at FROM customer_follow_ups f
        WHERE f.customer_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                                WHERE n.department IS DISTINCT FROM o.department)
        UNION ALL
        SELECT ch.at FROM customer_changes ch
        WHERE ch.kind = 'pooled' AND ch.customer_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                                                        WHERE n.department IS DISTINCT FROM o.department)
    ) x, rollup_months_of(x.at) m;
    RETURN NULL;
END $$;

-- A user whose role changed: only agents' follow-ups are appraised.
CREATE FUNCTION rollup_mark_user_role() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollup_marks (report, month)
    SELECT DISTINCT 'follow_ups', m FROM customer_follow_ups f, rollup_months_of(f.happened_at) m
    WHERE f.by_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.role IS DISTINCT FROM o.role);
    RETURN NULL;
END $$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('deals', 'rollup_mark_deal_rows'), ('deal_parts', 'rollup_mark_deal_facts'),
                                   ('project_costs', 'rollup_mark_deal_facts'),
                                   ('customer_follow_ups', 'rollup_mark_follow_ups'),
                                   ('customer_changes', 'rollup_mark_pooled')) v(tbl, fn)
    LOOP
        EXECUTE format('CREATE TRIGGER %1$s_rollup_insert AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %2$I()', t.tbl, t.fn);
        EXECUTE format('CREATE TRIGGER %1$s_rollup_update AFTER UPDATE ON %1$I REFERENCING OLD TABLE AS old_rows '
                       'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %2$I()', t.tbl, t.fn);
        EXECUTE format('CREATE TRIGGER %1$s_rollup_delete AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %2$I()', t.tbl, t.fn);
        EXECUTE format('CREATE TRIGGER %1$s_rollup_truncate AFTER TRUNCATE ON %1$I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION rollup_forget()', t.tbl);
    END LOOP;
END $$;
CREATE TRIGGER customer_master_rollup_update AFTER UPDATE ON customer_master REFERENCING OLD TABLE AS old_rows
    NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_customer_department();
CREATE TRIGGER users_rollup_update AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows
    NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_user_role();
CREATE INDEX customer_follow_ups_by ON customer_follow_ups (by_id);
