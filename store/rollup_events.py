"""The facts the period rollups read, derived again from the audit trail (`events`) for
`jindu rollups rebuild` (issue 16; store/rollups.py, jindu/cli_rollups.py).

Each statement below builds, set-based, one temporary table named like the fact table it
stands for, from the live (not superseded) steps, as store/facts.py writes them step by step:

- approvals: every `decision` step (gate, decision, at, step key);
- milestones: the names and due days of each project's last `plan_submitted` step (a new plan
  replaces the old one and clears what was done), done on the last day a later
  `weekly_report` or `results_submitted` step's `milestones_done` gives the name;
- ratings: every `accepted` and `rated` step; warnings: every `warning_raised` step;
- projects: the agent of the `intake` step, the stage of the last `stage_changed` step, the
  cycle deviation of the last `kpis_updated` or `warning_cleared` step, whether the first
  result-review `decision` approved, and the weekly reports sent on time (`weekly_report`).

Three figures have no step and are read from the read model's row (`projects`): the
department and the start instant (written once when the project is claimed at intake; the
intake step names neither: it is recorded by the workflow a moment later), and the weeks a
report was due (a week met by a report has no step: the workflow's weekly tick records only
a missed week). A project claimed whose intake step is not recorded yet keeps the row's agent.

`shadow()` makes the temporary tables the ones the reports' own statements read in this
transaction: PostgreSQL searches `pg_temp` first, and a changed `search_path` makes it parse
statements prepared earlier on the connection again. Deals, their parts, costs and
follow-ups (store/appraisal_rollups.py) are rebuilt from their own tables: they are steps of
other workflows' records or new steps (docs/production.md).
"""

from __future__ import annotations

import asyncpg

LIVE = "superseded_at IS NULL"

DERIVED = (
    f"""CREATE TEMP TABLE approvals ON COMMIT DROP AS
    SELECT step_key, project_id, data->>'gate' AS gate, data->>'decision' AS decision, at
    FROM events WHERE kind = 'decision' AND {LIVE}""",
    f"""CREATE TEMP TABLE ratings ON COMMIT DROP AS
    SELECT step_key, project_id, (data->>'rating')::integer AS rating, at
    FROM events WHERE kind IN ('accepted', 'rated') AND data ? 'rating' AND {LIVE}""",
    f"""CREATE TEMP TABLE warnings ON COMMIT DROP AS
    SELECT step_key, project_id, 'raised'::text AS kind, at FROM events WHERE kind = 'warning_raised' AND {LIVE}""",
    f"""CREATE TEMP TABLE milestones ON COMMIT DROP AS
    WITH plan AS (
        SELECT DISTINCT ON (project_id) project_id, seq, data FROM events
        WHERE kind = 'plan_submitted' AND {LIVE} ORDER BY project_id, seq DESC),
    named AS (
        SELECT DISTINCT ON (p.project_id, m.value->>'name') p.project_id, m.value->>'name' AS name,
               (m.value->>'due_date')::date AS due_date
        FROM plan p, jsonb_array_elements(p.data->'milestones') WITH ORDINALITY m(value, n)
        ORDER BY p.project_id, m.value->>'name', m.n DESC),
    done AS (
        SELECT DISTINCT ON (e.project_id, d.key) e.project_id, d.key AS name, (d.value #>> '{{}}')::date AS done_on
        FROM events e JOIN plan p ON p.project_id = e.project_id AND e.seq > p.seq,
             jsonb_each(e.data->'milestones_done') d
        WHERE e.kind IN ('weekly_report', 'results_submitted') AND e.{LIVE}
          AND jsonb_typeof(e.data->'milestones_done') = 'object'
        ORDER BY e.project_id, d.key, e.seq DESC)
    SELECT n.project_id, n.name, n.due_date, d.done_on FROM named n LEFT JOIN done d USING (project_id, name)""",
    f"""CREATE TEMP TABLE projects ON COMMIT DROP AS
    WITH intake AS (
        SELECT DISTINCT ON (project_id) project_id, actor_id, actor_name FROM events
        WHERE kind = 'intake' AND {LIVE} ORDER BY project_id, seq),
    stage AS (
        SELECT DISTINCT ON (project_id) project_id, data->>'to' AS stage FROM events
        WHERE kind = 'stage_changed' AND {LIVE} ORDER BY project_id, seq DESC),
    kpis AS (
        SELECT DISTINCT ON (project_id) project_id, (data->>'cycle_deviation_rate')::float8 AS cycle_deviation_rate
        FROM events WHERE kind IN ('kpis_updated', 'warning_cleared') AND {LIVE} ORDER BY project_id, seq DESC),
    review AS (
        SELECT DISTINCT ON (project_id) project_id, data->>'decision' = 'approve' AS passed FROM events
        WHERE kind = 'decision' AND data->>'gate' = 'result_review' AND {LIVE} ORDER BY project_id, seq),
    reports AS (
        SELECT project_id, count(*) FILTER (WHERE coalesce((data->>'on_time')::boolean, true))::integer AS on_time
        FROM events WHERE kind = 'weekly_report' AND {LIVE} GROUP BY project_id)
    SELECT r.id, r.created_at, r.department, coalesce(i.actor_id, r.agent_id) AS agent_id,
           coalesce(i.actor_name, r.agent_name) AS agent_name, coalesce(s.stage, 'intake') AS stage,
           k.cycle_deviation_rate, v.passed AS kpi_first_review_passed, r.kpi_reports_due,
           coalesce(w.on_time, 0) AS kpi_reports_on_time
    FROM public.projects r LEFT JOIN intake i ON i.project_id = r.id LEFT JOIN stage s ON s.project_id = r.id
    LEFT JOIN kpis k ON k.project_id = r.id LEFT JOIN review v ON v.project_id = r.id
    LEFT JOIN reports w ON w.project_id = r.id""",
    "CREATE INDEX ON pg_temp.projects (created_at)",
    "CREATE INDEX ON pg_temp.projects (id)",
    "CREATE INDEX ON pg_temp.milestones (due_date)",
    "CREATE INDEX ON pg_temp.milestones (project_id)",
    "CREATE INDEX ON pg_temp.ratings (project_id)",
    "CREATE INDEX ON pg_temp.warnings (project_id)",
    "CREATE INDEX ON pg_temp.approvals (at) WHERE gate = 'result_review'",
    "CREATE INDEX ON pg_temp.approvals (project_id, at, step_key) WHERE gate = 'result_review'",
    "ANALYZE pg_temp.projects, pg_temp.milestones, pg_temp.ratings, pg_temp.warnings, pg_temp.approvals",
)


async def shadow(conn: asyncpg.Connection) -> None:
    """Within the open transaction: the facts derived from `events` stand for the fact tables
    until it ends (module docstring)."""
    for sql in DERIVED:
        await conn.execute(sql)
    await conn.execute("SELECT set_config('search_path', 'pg_temp, ' || current_setting('search_path'), true)")
