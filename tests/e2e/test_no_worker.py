"""With no worker running, an action answers 503 within the configured time instead of hanging."""

from __future__ import annotations

import time

import httpx

from api.app import create_app
from jindu.settings import Settings


async def test_an_action_without_a_worker_is_a_clear_503(stack):
    settings = Settings(task_queue="no-worker-polls-this", update_timeout_seconds=1)
    app = create_app(settings, client=stack.client, pool=stack.pool, cipher=stack.app.state.cipher)
    agent = await stack.person("agent", "no-worker-dept")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jindu.test") as http:
            began = time.monotonic()
            r = await http.post("/v1/projects", headers=agent.headers, json={
                "id": f"nw-{agent.name}", "customer": {"name": "孙丽"}, "channel": "phone",
                "requirement": "Sell a shop", "business_type": "real_estate"})
    assert time.monotonic() - began < 10
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "unavailable"
    assert "no worker answered within 1 s" in r.json()["error"]["message"]
    assert r.json()["error"]["may_have_applied"] is True and r.headers["retry-after"]
    await stack.client.get_workflow_handle(f"project-nw-{agent.name}").terminate("test over")
