"""Escalation policy as data: JINDU_POLICY_FILE changes SLAs for new projects, no code change."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from api.app import create_app
from domain.calendar import DatesTable, WorkCalendar
from domain.policy import CalendarPolicy
from jindu.holidays import official_dates
from jindu.settings import Settings
from store.intake import published_years
from worker import build_worker


def test_a_bad_policy_file_names_itself(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text('{"slas": {"assessment": {"working_days": "soon"}}}')
    with pytest.raises(ValueError, match=str(path)):
        Settings(policy_file=path).policy()
    path.write_text("{not json")
    with pytest.raises(ValueError, match="policy file"):
        Settings(policy_file=path).policy()


async def test_policy_file_sets_the_assessment_sla_of_new_projects(stack, tmp_path):
    """The worker and the API read the same JINDU_POLICY_FILE; a new project records the
    worker's policy once (its `setup` activity) and decides on it."""
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({
        "calendar": {"cutoff_hour": 17},
        "slas": {"assessment": {"working_days": 1, "chain": [{"after_working_days": 0, "action": "remind"}]}},
    }))
    settings = Settings(task_queue=f"policy-{uuid.uuid4().hex[:6]}", policy_file=path)
    app = create_app(settings, client=stack.client, pool=stack.pool, cipher=stack.app.state.cipher)
    agent = await stack.person("agent", "policy-dept")
    async with build_worker(stack.client, pool=stack.pool, task_queue=settings.task_queue, policy=settings.policy()):
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jindu.test") as http:
                before = datetime.now(UTC)
                r = await http.post("/v1/projects", headers=agent.headers, json={
                    "customer": {"name": "周明"}, "channel": "phone", "requirement": "Refinance",
                    "business_type": "finance"})
                assert r.status_code == 201, r.text
                await stack.client.get_workflow_handle(f"project-{r.json()['id']}").terminate("test over")
    due = datetime.fromisoformat(r.json()["pending"]["due_at"])
    # Counted on the official dates of the project's start year, with the file's cut-off.
    year = before.astimezone(ZoneInfo("Asia/Shanghai")).year
    official = DatesTable(official_dates(year, await published_years(stack.pool)))
    expected = WorkCalendar(CalendarPolicy(cutoff_hour=17), official).add_working_days(before, 1)
    assert due == expected
    assert due.astimezone(ZoneInfo("Asia/Shanghai")).hour == 17
