"""用户管理 staffing (issue 17): operations create a person (who signs in with the link shown
once), move an agent to another department and add a department, in the workspace and over
the API, with the CLI's rules; nobody else may."""

from __future__ import annotations

import re
import uuid
from argparse import Namespace

import pytest

from domain.errors import Invalid
from jindu.cli_users import _move, _signout
from tests.web.conftest import csrf_of

LINK = re.compile(r"/signin/link\?code=([\w-]+)")


async def test_operations_create_a_person_who_signs_in_with_the_link(stack, browserless):
    ops = await browserless(await stack.person("operations"))
    page = await ops.http.get("/users")
    name = f"新人{uuid.uuid4().hex[:4]}"
    made = await ops.http.post("/staff/new", data={"name": name, "role": "agent", "department": "sales",
                                                   "email": f"{uuid.uuid4().hex[:6]}@example.com",
                                                   "csrf": csrf_of(page.text)})  # fmt: skip
    assert made.status_code == 200 and "用户已创建" in made.text, made.text[-800:]
    code = LINK.search(made.text).group(1)
    newcomer = await browserless()
    assert (await newcomer.sign_in_with_code(code)).status_code == 303
    assert name in (await newcomer.http.get("/")).text
    again = await ops.http.post("/staff/new", data={"name": name, "role": "agent", "department": "sales",
                                                    "csrf": csrf_of(page.text)})  # fmt: skip
    assert again.status_code == 409  # a name is unique, as for `jindu user create`
    no_dept = await ops.http.post("/staff/new", data={"name": name + "2", "role": "dept_head",
                                                      "csrf": csrf_of(page.text)})  # fmt: skip
    assert no_dept.status_code == 422 and "jindu_session" in ops.http.cookies


async def test_operations_add_a_department_and_move_an_agent_into_it(stack, browserless):
    ops = await browserless(await stack.person("operations"))
    agent = await stack.person("agent", "sales")
    page = await ops.http.get("/users")
    code = f"d{uuid.uuid4().hex[:6]}"
    form = {"code": code, "name_zh": "二手房部", "name_en": "Resale", "csrf": csrf_of(page.text)}
    added = await ops.http.post("/staff/departments", data=form)
    assert added.status_code == 200 and "部门已保存" in added.text and "二手房部" in added.text
    moved = await ops.http.post(f"/staff/{agent.id}/department", data={"department": code,
                                                                       "csrf": csrf_of(page.text)})  # fmt: skip
    assert moved.status_code == 200 and "部门已调整" in moved.text
    assert await stack.pool.fetchval("SELECT department FROM users WHERE id = $1", agent.id) == code
    executive = await stack.person("executive")
    refused = await ops.http.post(f"/staff/{executive.id}/department", data={"department": code,
                                                                             "csrf": csrf_of(page.text)})  # fmt: skip
    assert refused.status_code == 422


async def test_the_api_creates_and_moves_for_operations_only(stack):
    ops, agent = await stack.person("operations"), await stack.person("agent", "sales")
    body = {"name": f"api-{uuid.uuid4().hex[:6]}", "role": "customer", "email": "c@example.com"}
    assert (await stack.http.post("/v1/users", json=body, headers=agent.headers)).status_code == 403
    made = await stack.http.post("/v1/users", json=body, headers=ops.headers)
    assert made.status_code == 201 and made.json()["user"]["has_email"] and made.json()["token"]
    moved = await stack.http.post(f"/v1/users/{agent.id}/move", json={"department": "rentals"}, headers=ops.headers)
    assert moved.status_code == 200 and moved.json()["department"] == "rentals"
    kinds = [r["kind"] for r in await stack.pool.fetch("SELECT kind FROM user_events WHERE user_id = $1", agent.id)]
    assert "moved" in kinds


async def test_the_cli_moves_and_signs_out_with_the_same_rules(stack, browserless, capsys):
    agent, customer = await stack.person("agent", "sales"), await stack.person("customer")
    theirs = await browserless(agent)
    await _move(stack.pool, None, Namespace(name=agent.name, department="rentals", reason="调岗"))
    await _signout(stack.pool, None, Namespace(name=agent.name, reason=""))
    out = capsys.readouterr().out
    assert f"moved '{agent.name}' to rentals" in out and "out of 1 session(s)" in out
    assert (await theirs.http.get("/")).status_code == 303
    with pytest.raises(Invalid):
        await _move(stack.pool, None, Namespace(name=customer.name, department="rentals", reason=""))
