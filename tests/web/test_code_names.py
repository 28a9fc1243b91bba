"""Departments and business types by name (issue 17): operations name codes through the API
or `jindu names`; pages show the name in the reader's language, the API keeps the codes."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


async def _cli(pg_url: str, *args: str) -> tuple[int, str]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", "names", *args, env={**os.environ, "JINDU_DATABASE_URL": pg_url}, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)  # fmt: skip
    out, _ = await asyncio.wait_for(child.communicate(), 60)
    return child.returncode or 0, out.decode()


async def test_codes_read_as_names_on_pages_in_both_languages(stack, browserless, pg_url):
    team = await stack.team()
    ops, agent, dept = team["operations"], team["agent"], team["agent"].department
    kind = f"bt_{uuid.uuid4().hex[:6]}"
    code, out = await _cli(pg_url, "set", "business-type", kind, "--zh", "二手房买卖", "--en", "Resale homes")
    assert code == 0 and "二手房买卖 / Resale homes" in out, out

    body = {"name_zh": "二手房事业部", "name_en": "Resale division"}
    refused = await stack.http.put(f"/v1/departments/{dept}", json=body, headers=agent.headers)
    assert refused.status_code == 403, refused.text
    for bad_code, bad_body in (("has space", body), (dept, {"name_zh": "", "name_en": "x"})):
        bad = await stack.http.put(f"/v1/departments/{bad_code}", json=bad_body, headers=ops.headers)
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid", bad.text
    named = await stack.http.put(f"/v1/departments/{dept}", json=body, headers=ops.headers)
    assert named.status_code == 200 and named.json()["code"] == dept
    listed = (await stack.http.get("/v1/business-types", headers=agent.headers)).json()
    assert {"code": kind, "name_zh": "二手房买卖", "name_en": "Resale homes", "active": True} in listed

    v = await browserless(agent)
    intake = (await v.http.get("/projects/new")).text
    assert f'<option value="{kind}">二手房买卖</option>' in intake and 'value="real_estate">房产中介' in intake
    r = await stack.http.post("/v1/projects", headers=agent.headers, json={
        "customer": {"name": "王小明", "phone": "13812345678"}, "channel": "visit", "requirement": "两居室",
        "business_type": kind})  # fmt: skip
    assert r.status_code == 201 and r.json()["business_type"] == kind  # the API keeps the code
    pid = r.json()["id"]
    zh = (await v.http.get(f"/projects/{pid}")).text
    assert "二手房事业部" in zh and f"· {dept}" not in zh and f">{dept}<" not in zh
    en = (await v.http.get(f"/projects/{pid}?lang=en")).text
    assert "Resale division" in en and "二手房事业部" not in en
    listing = (await v.http.get("/projects?lang=en")).text
    assert "<td>Resale division</td>" in listing
