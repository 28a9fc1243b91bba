"""/metrics carries the business figures, read from PostgreSQL at scrape time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from domain.models import Stage
from domain.policy import ProjectPolicy
from jindu.settings import Settings


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


SCRAPE_TOKEN = "prometheus-scrape-token"


async def scrape(app) -> dict:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as http:
        r = await http.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert r.status_code == 200
    return samples(r.text)


async def test_business_gauges_and_counters_after_a_seeded_set_of_projects(api, local_env, pool, cipher):
    dept = f"metrics-{uuid.uuid4().hex[:6]}"
    agent = await api.person("agent", dept)
    p1 = await api.insert_project(department=dept, agent=agent, stage=Stage.execution, overdue=True,
                                  events=[("escalation", "late"), ("escalation", "later")])
    await api.insert_project(department=dept, agent=agent, stage=Stage.execution, warning=True)
    await api.insert_project(department=dept, agent=agent, stage=Stage.planning, overdue=True, warning=True)
    await api.insert_project(department=dept, agent=agent, stage=Stage.completed)
    now = datetime.now(UTC)
    for i, status in enumerate(("open", "open", "done")):
        await pool.execute(
            """INSERT INTO rectification_tasks (id, project_id, source, description, owner_user_id, owner_name,
                   owner_role, department, created_at, due_at, status) VALUES ($1, $2, 'review_rejection', 'fix',
                   $3, $4, 'agent', $5, $6, $7, $8)""",
            f"{p1}-t{i}", p1, agent.id, agent.name, dept, now, now + timedelta(days=3), status)
    channel = f"wecom-{uuid.uuid4().hex[:4]}"
    for _ in range(3):
        await pool.execute("INSERT INTO notification_failures (channel, error) VALUES ($1, 'errcode 45009')", channel)

    app = create_app(Settings(metrics_cache_seconds=0, metrics_token=SCRAPE_TOKEN), client=local_env.client,
                     pool=pool, cipher=cipher, policy=ProjectPolicy())
    async with app.router.lifespan_context(app):
        # An action, so the update latency histogram has a sample.
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as http:
            await http.post("/v1/projects", json={}, headers={"Authorization": f"Bearer {agent.token}"})
        got = await scrape(app)
    d = (("department", dept),)
    assert got[("jindu_projects", (("department", dept), ("stage", "execution")))] == 2
    assert got[("jindu_projects", (("department", dept), ("stage", "planning")))] == 1
    assert got[("jindu_projects", (("department", dept), ("stage", "completed")))] == 1
    assert got[("jindu_projects_overdue", d)] == 2
    assert got[("jindu_projects_warning", d)] == 2
    assert got[("jindu_rectification_tasks_open", d)] == 2
    assert got[("jindu_escalations_total", d)] == 2
    assert got[("jindu_notification_failures_total", (("channel", channel),))] == 3
    assert got[("jindu_business_metrics_up", ())] == 1
    assert got[("jindu_api_update_duration_seconds_count", (("outcome", "4xx"), ("route", "/v1/projects")))] == 1


async def test_the_figures_are_cached_between_scrapes(api, local_env, pool, cipher):
    dept = f"cached-{uuid.uuid4().hex[:6]}"
    agent = await api.person("agent", dept)
    await api.insert_project(department=dept, agent=agent, stage=Stage.execution)
    app = create_app(Settings(metrics_cache_seconds=300, metrics_token=SCRAPE_TOKEN), client=local_env.client,
                     pool=pool, cipher=cipher, policy=ProjectPolicy())
    key = ("jindu_projects", (("department", dept), ("stage", "execution")))
    async with app.router.lifespan_context(app):
        assert (await scrape(app))[key] == 1
        await api.insert_project(department=dept, agent=agent, stage=Stage.execution)
        assert (await scrape(app))[key] == 1
        app.state.metrics.business.taken_at -= 301
        assert (await scrape(app))[key] == 2
