"""/metrics is not public: JINDU_METRICS_TOKEN (what Prometheus sends), or an operations or
auditor user's token; anyone else gets the JSON 401 or 403 (api/metrics.py)."""

from __future__ import annotations

import httpx

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from tests.api.conftest import assert_error


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_metrics_answer_operations_and_auditors_only(api, users):
    assert_error(await api.http.get("/metrics"), 401, "unauthorized")
    assert_error(await api.http.get("/metrics", headers=bearer("not-a-token")), 401, "unauthorized")
    for role in ("agent", "dept_head", "executive", "customer"):
        assert_error(await api.http.get("/metrics", headers=users[role].headers), 403, "forbidden")
    for role in ("operations", "auditor"):
        r = await api.http.get("/metrics", headers=users[role].headers)
        assert r.status_code == 200 and "jindu_http_requests_total" in r.text, role


async def test_the_metrics_token_lets_prometheus_scrape(api, local_env, pool, cipher):
    app = create_app(Settings(metrics_token="s3cret-scrape"), client=local_env.client, pool=pool, cipher=cipher,
                     policy=ProjectPolicy())  # fmt: skip
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as http:
            r = await http.get("/metrics", headers=bearer("s3cret-scrape"))
            assert r.status_code == 200 and "jindu_business_metrics_up 1.0" in r.text
            assert_error(await http.get("/metrics", headers=bearer("s3cret-scrap")), 401, "unauthorized")
            assert_error(await http.get("/metrics"), 401, "unauthorized")
    # Unset, the same token is just an unknown one.
    assert_error(await api.http.get("/metrics", headers=bearer("s3cret-scrape")), 401, "unauthorized")
