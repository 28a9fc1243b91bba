"""Queries per request are bounded by a constant (issue 16): every API route and page that
reads lists, inboxes, KPIs or reports sends as many SQL statements at 24 projects as at 96.

The counts come from the app's own pool (tests/perf/counting.py); each figure is the least
of three requests, so a connection the pool opens meanwhile does not count against a route.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")

YEAR = f"{datetime.now(UTC).year}"
ROUTES = [
    ("ops", "/v1/projects"), ("ops", "/v1/projects?stage=completed"), ("ops", "/v1/projects?overdue=false"),
    ("head", "/v1/projects?warning=false"), ("ops", "PROJECT"),
    ("agent", "/v1/tasks"), ("head", "/v1/tasks"), ("agent", "/v1/tasks/context"), ("web-agent", "/"),
    ("exec", "/v1/dashboard"), ("web-exec", "/dashboard"),
    ("exec", "/v1/kpis"), ("exec", "/v1/kpis?group_by=agent"), ("head", f"/v1/kpis?group_by=month&period={YEAR}"),
    ("web-exec", "/kpis"),
    ("exec", f"/v1/appraisal?period={YEAR}"), ("head", f"/v1/appraisal?period={YEAR}"),
    ("exec", f"/v1/appraisal?period={YEAR}&format=xlsx"), ("web-exec", f"/appraisal?period={YEAR}"),
    ("exec", f"/v1/service-kpis?period={YEAR}"), ("ops", "/v1/complaints"), ("ops", "/v1/users"),
    ("ops", "/metrics"),  # /metrics needs a token (operations, auditor or JINDU_METRICS_TOKEN)
    ("ops", "/v1/customers"), ("agent", "/v1/customers"), ("head", "/v1/customers?due=true"),
    ("web-agent", "/customers"), ("exec", "/v1/deals/figures"), ("head", "/v1/deals/figures"),
    ("web-exec", "/deals"),
]  # fmt: skip


async def statements(data, who: str, path: str) -> int:
    if path == "PROJECT":
        path = "/v1/projects/" + await data.pool.fetchval(
            "SELECT id FROM projects WHERE stage = 'completed' ORDER BY created_at DESC LIMIT 1")
    client = data.web.get(who, data.http)
    headers = {"Authorization": f"Bearer {data.tokens[who]}"} if who in data.tokens else {}
    counts = []
    for _ in range(3):
        data.counter.reset()
        r = await client.get(path, headers=headers)
        assert r.status_code == 200, (path, r.text[:300])
        counts.append(data.counter.count)
    return min(counts)


async def test_statements_per_request_do_not_grow_with_the_data(dataset):
    await dataset.grow(24)
    small = {(who, path): await statements(dataset, who, path) for who, path in ROUTES}
    items = len((await dataset.http.get("/v1/tasks", headers={
        "Authorization": f"Bearer {dataset.tokens['agent']}"})).json()["items"])  # fmt: skip
    await dataset.grow(96)
    large = {(who, path): await statements(dataset, who, path) for who, path in ROUTES}
    more = len((await dataset.http.get("/v1/tasks", headers={
        "Authorization": f"Bearer {dataset.tokens['agent']}"})).json()["items"])  # fmt: skip
    assert more > items > 0, "the agent's inbox grows with the data"
    listed = (await dataset.http.get("/v1/customers", params={"limit": 100}, headers={
        "Authorization": f"Bearer {dataset.tokens['ops']}"})).json()["items"]  # fmt: skip
    assert len(listed) > 24, "the customer master grows with the data too"
    grew = {route: (small[route], large[route]) for route in ROUTES if large[route] > small[route]}
    assert not grew, f"statements per request grew with the data: {grew}"
    assert max(large.values()) <= 15, large
