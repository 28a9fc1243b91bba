"""Escalation policy as data: JINDU_POLICY_FILE changes SLAs for new projects, no code change."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from api.app import create_app
from domain.calendar import DatesTable, WorkCalendar
from domain.policy import CalendarPolicy
from jindu.holidays import official_dates
from jindu.settings import Settings
from tests.fixtures_stack import STACK_TASK_QUEUE


def test_a_bad_policy_file_names_itself(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text('{"slas": {"assessment": {"working_days": "soon"}}}')
    with pytest.raises(ValueError, match=str(path)):
        Settings(policy_file=path).policy()
    path.write_text("{not json")
    with pytest.raises(ValueError, match="policy file"):
        Settings(policy_file=path).policy()


async def test_policy_file_sets_the_assessment_sla_of_new_projects(stack, tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({
        "calendar": {"cutoff_hour": 17},
        "slas": {"assessment": {"working_days": 1, "chain": [{"after_working_days": 0, "action": "remind"}]}},
    }))
    settings = Settings(task_queue=STACK_TASK_QUEUE, policy_file=path)
    app = create_app(settings, client=stack.client, pool=stack.pool, cipher=stack.app.state.cipher)
    agent = await stack.person("agent", "policy-dept")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jindu.test") as http:
            before = datetime.now(UTC)
            r = await http.post("/v1/projects", headers=agent.headers, json={
                "customer": {"name": "周明"}, "channel": "phone", "requirement": "Refinance",
                "business_type": "finance"})
    assert r.status_code == 201, r.text
    due = datetime.fromisoformat(r.json()["pending"]["due_at"])
    # Counted on the official dates the project started with (its start input).
    official = DatesTable(official_dates(before.astimezone(ZoneInfo("Asia/Shanghai")).year))
    expected = WorkCalendar(CalendarPolicy(cutoff_hour=17), official).add_working_days(before, 1)
    assert due == expected
    assert due.astimezone(ZoneInfo("Asia/Shanghai")).hour == 17
