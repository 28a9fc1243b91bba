-- Period reports at 100,000 projects (issue 16): each closed month's KPI and appraisal
-- figures are summed once into rollup rows (store/rollups.py), and every write that could
-- change a month's figures marks that month in the same transaction, by the triggers
-- below, whoever writes (the record activity, store/fencing.py's supersession, a tool).
-- A report sums the rollups of its fresh months, recomputes marked or missing ones, and
-- reads the current month live. `jindu rollups rebuild` recomputes everything.

-- A month whose figures may have changed since its rollup was computed: appended by every
-- writer (never updated, so writers never wait on each other), deleted by the recompute.
-- `report`: kpis (projects by start month), milestones (by due month), reviews (first
-- result reviews by decision month). Months of instants are the UTC months of the instant
-- ± 14 h: whatever the company's time zone, its local month is one of them.
CREATE TABLE rollup_marks (
    report text NOT NULL,
    month  date NOT NULL
);
CREATE INDEX rollup_marks_month ON rollup_marks (report, month);

-- A month's rollup: computed for one time zone (milestones, by date: ''), valid until marked, and
-- until `stable_until` (KPIs count key nodes due by today: the next due day changes them).
CREATE TABLE rollup_months (
    report       text NOT NULL,
    tz           text NOT NULL,
    month        date NOT NULL,
    computed_at  timestamptz NOT NULL DEFAULT now(),
    stable_until date NOT NULL DEFAULT 'infinity',
    PRIMARY KEY (report, tz, month)
);

-- KPIs of the projects started in a month, by department and agent: sums and counts only.
CREATE TABLE kpi_rollups (
    tz              text NOT NULL,
    month           date NOT NULL,
    department      text,
    agent_name      text,
    projects        integer NOT NULL,
    deviation_sum   numeric,
    deviations      integer NOT NULL,
    reviewed        integer NOT NULL,
    passed          integer NOT NULL,
    reports_due     bigint NOT NULL,
    reports_on_time bigint NOT NULL,
    due             integer NOT NULL,
    done            integer NOT NULL,
    ratings         integer NOT NULL,
    rating_sum      bigint NOT NULL,
    raised          integer NOT NULL
);
CREATE INDEX kpi_rollups_month ON kpi_rollups (tz, month);

-- Key nodes due in a month, by who holds the project and the month each was done (NULL:
-- not done): a period's "done by its end" is the sum of the done months before its end.
CREATE TABLE milestone_rollups (
    tz         text NOT NULL,
    month      date NOT NULL,
    department text,
    user_id    text,
    done_month date,
    milestones integer NOT NULL
);
CREATE INDEX milestone_rollups_month ON milestone_rollups (tz, month);

-- First result reviews decided in a month (local), by who holds the project.
CREATE TABLE review_rollups (
    tz         text NOT NULL,
    month      date NOT NULL,
    department text,
    user_id    text,
    reviews    integer NOT NULL,
    passed     integer NOT NULL
);
CREATE INDEX review_rollups_month ON review_rollups (tz, month);

CREATE FUNCTION rollup_months_of(at timestamptz) RETURNS SETOF date LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT date_trunc('month', (at AT TIME ZONE 'UTC') + h * interval '1 hour')::date
    FROM unnest(ARRAY[-14, 14]) h
$$;

-- The start months of the projects in `ids`.
CREATE FUNCTION rollup_mark_started(ids text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO rollup_marks (report, month)
    SELECT DISTINCT 'kpis', m FROM projects p, rollup_months_of(p.created_at) m WHERE p.id = ANY(ids)
$$;

-- Every month of the projects' key nodes and result reviews (who holds them changed).
CREATE FUNCTION rollup_mark_held(ids text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO rollup_marks (report, month)
    SELECT DISTINCT 'milestones', date_trunc('month', m.due_date)::date FROM milestones m
    WHERE m.project_id = ANY(ids)
    UNION
    SELECT DISTINCT 'reviews', mo FROM approvals a, rollup_months_of(a.at) mo
    WHERE a.project_id = ANY(ids) AND a.gate = 'result_review'
$$;

CREATE FUNCTION rollup_mark_projects() RETURNS trigger LANGUAGE plpgsql AS $$
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
        PERFORM rollup_mark_held(array_agg(n.id)) FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.department, n.agent_id, n.stage IN ('declined', 'cancelled'))
              IS DISTINCT FROM (o.department, o.agent_id, o.stage IN ('declined', 'cancelled'))
        HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END $$;

-- milestones: their due months, and their projects' start months
CREATE FUNCTION rollup_mark_milestones() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'milestones', date_trunc('month', due_date)::date FROM new_rows;
        PERFORM rollup_mark_started(array_agg(DISTINCT project_id)) FROM new_rows;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'milestones', date_trunc('month', due_date)::date FROM old_rows;
        PERFORM rollup_mark_started(array_agg(DISTINCT project_id)) FROM old_rows;
    END IF;
    RETURN NULL;
END $$;

-- ratings, warnings: their projects' start months
CREATE FUNCTION rollup_mark_project_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM rollup_mark_started(array_agg(DISTINCT project_id)) FROM new_rows;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM rollup_mark_started(array_agg(DISTINCT project_id)) FROM old_rows;
    END IF;
    RETURN NULL;
END $$;

-- approvals: a result review added or removed can make another one of its project the first
CREATE FUNCTION rollup_mark_approvals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'reviews', m FROM new_rows n, rollup_months_of(n.at) m WHERE n.gate = 'result_review';
        PERFORM rollup_mark_held(array_agg(DISTINCT project_id)) FROM new_rows WHERE gate = 'result_review'
        HAVING count(*) > 0;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_marks (report, month)
        SELECT DISTINCT 'reviews', m FROM old_rows o, rollup_months_of(o.at) m WHERE o.gate = 'result_review';
        PERFORM rollup_mark_held(array_agg(DISTINCT project_id)) FROM old_rows WHERE gate = 'result_review'
        HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END $$;

-- A table emptied (tests, a restore): every rollup is recomputed.
CREATE FUNCTION rollup_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM rollup_months;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('projects', 'rollup_mark_projects'), ('milestones', 'rollup_mark_milestones'),
                                   ('ratings', 'rollup_mark_project_facts'), ('warnings', 'rollup_mark_project_facts'),
                                   ('approvals', 'rollup_mark_approvals')) v(tbl, fn)
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
