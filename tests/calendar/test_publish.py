"""Publishing a newly published year (docs/calendar.md): only operations may, through the API
or `jindu calendar publish`; running projects record it, new ones start with it, and a
repeat changes nothing. Real API, worker, PostgreSQL and Temporal dev server."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from pathlib import Path

from domain.calendar import YearDates
from store.people import By, deactivate
from tests.fixtures_stack import STACK_TASK_QUEUE
from workflows.project import ProjectWorkflow

YEAR = 2027
DATES = {"holidays": ["2027-01-01", "2027-02-08"], "workdays": ["2027-02-06"]}


async def intake(stack, agent) -> str:
    body = {"id": f"cal-{uuid.uuid4().hex[:8]}", "channel": "phone", "business_type": "loan",
            "requirement": "贷款咨询", "customer": {"name": "李雷"}}  # fmt: skip
    r = await stack.http.post("/v1/projects", json=body, headers=agent.headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def calendar_of(stack, project_id: str) -> dict[int, YearDates]:
    state = await stack.client.get_workflow_handle(f"project-{project_id}").query(ProjectWorkflow.state)
    return state.calendar.years


async def published_events(stack, project_id: str) -> list[dict]:
    rows = await stack.pool.fetch("SELECT data FROM events WHERE project_id = $1 AND kind = 'calendar_published'",
                                  project_id)  # fmt: skip
    return [json.loads(r["data"]) if isinstance(r["data"], str) else r["data"] for r in rows]


async def test_operations_publish_a_year_to_running_and_new_projects(stack):
    team = await stack.team()
    running = await intake(stack, team["agent"])
    assert YEAR not in await calendar_of(stack, running)

    r = await stack.http.put(f"/v1/calendar/{YEAR}", json=DATES, headers=team["dept_head"].headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = await stack.http.put(f"/v1/calendar/{YEAR}", json={"holidays": ["2028-01-03"]},
                             headers=team["operations"].headers)  # fmt: skip
    assert r.status_code == 422
    r = await stack.http.put(f"/v1/calendar/{YEAR}", json={"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]},
                             headers=team["operations"].headers)  # fmt: skip
    assert r.status_code == 422
    assert await published_events(stack, running) == []

    r = await stack.http.put(f"/v1/calendar/{YEAR}", json=DATES, headers=team["operations"].headers)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["updated"] >= 1 and report["failed"] == []
    years = await calendar_of(stack, running)
    assert [d.isoformat() for d in years[YEAR].holidays] == DATES["holidays"]
    [event] = await published_events(stack, running)
    assert event["year"] == YEAR and event["holidays"] == DATES["holidays"]

    again = await stack.http.put(f"/v1/calendar/{YEAR}", json=DATES, headers=team["operations"].headers)
    assert again.status_code == 200 and again.json()["updated"] == 0
    assert len(await published_events(stack, running)) == 1  # a repeat records nothing

    later = await intake(stack, team["agent"])
    assert (await calendar_of(stack, later))[YEAR] == years[YEAR]  # new projects start with it
    listed = await stack.http.get("/v1/calendar", headers=team["agent"].headers)
    assert listed.status_code == 200 and listed.json()[str(YEAR)]["holidays"] == DATES["holidays"]


async def test_the_command_publishes_for_a_named_operations_user(stack, pg_url, local_env, tmp_path):
    team = await stack.team()
    project = await intake(stack, team["agent"])
    dates = tmp_path / "2028.json"
    dates.write_text(json.dumps({"holidays": ["2028-01-03"], "workdays": []}))
    env = {**os.environ, "JINDU_DATABASE_URL": pg_url, "JINDU_TASK_QUEUE": STACK_TASK_QUEUE,
           "JINDU_TEMPORAL_ADDRESS": local_env.client.service_client.config.target_host}  # fmt: skip
    jindu = str(Path(sys.executable).with_name("jindu"))

    async def run(*args: str) -> tuple[int, str]:
        child = await asyncio.create_subprocess_exec(jindu, "calendar", *args, env=env,
                                                     stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        out, _ = await child.communicate()
        return child.returncode or 0, out.decode()

    code, out = await run("publish", "2028", "--file", str(dates), "--by", team["agent"].name)
    assert code == 2 and "no active operations user" in out
    retired = await stack.person("operations")
    await deactivate(stack.pool, retired.id, By(name=team["operations"].name, user_id=team["operations"].id), "left")
    code, out = await run("publish", "2028", "--file", str(dates), "--by", retired.name)
    assert code == 2 and f"no active operations user named {retired.name!r}" in out
    assert 2028 not in await calendar_of(stack, project)  # refused: nothing published
    code, out = await run("publish", "2028", "--file", str(dates), "--by", team["operations"].name)
    assert code == 0, out
    assert "published 2028" in out and "failed 0" in out
    assert [d.isoformat() for d in (await calendar_of(stack, project))[2028].holidays] == ["2028-01-03"]
    code, out = await run("show")
    assert code == 0 and "2028: 1 holidays" in out
