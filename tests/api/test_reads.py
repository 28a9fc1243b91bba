"""GET /v1/projects and /v1/projects/{id} on read-model rows inserted directly."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.commands import CustomerIn
from domain.models import Gate, Role, Stage
from domain.project import Kpis

from .conftest import assert_error, pending

WANG = CustomerIn(name="王小明", phone="13812345678", email="wxm@example.com", company="上海置业")


async def department_with_projects(api, n: int = 5):
    dept = f"dept-{uuid.uuid4().hex[:8]}"
    agent = await api.person("agent", dept)
    base = datetime.now(UTC) - timedelta(days=1)
    stages = [Stage.assessment, Stage.execution, Stage.execution, Stage.planning, Stage.completed]
    ids = []
    for i in range(n):
        ids.append(await api.insert_project(
            department=dept, agent=agent, stage=stages[i % len(stages)], overdue=i == 1, warning=i in (1, 2),
            updated_at=base + timedelta(minutes=i), kpis=Kpis(completion_rate=50.0 + i),
            pending=pending("approval", Role.dept_head, dept, timedelta(days=4), gate=Gate.plan) if i == 3 else None,
            customer_data=WANG))
    return dept, agent, ids


async def test_list_filters_and_pages(api):
    dept, agent, ids = await department_with_projects(api)
    executive = await api.person("executive")
    get = lambda **params: api.http.get("/v1/projects", params={"department": dept, **params},  # noqa: E731
                                        headers=executive.headers)

    page = (await get()).json()
    assert page["total"] == 5 and page["limit"] == 20 and page["offset"] == 0
    assert [i["id"] for i in page["items"]] == ids[::-1]  # most recently changed first

    first, second, third = [(await get(limit=2, offset=o)).json() for o in (0, 2, 4)]
    assert [i["id"] for i in first["items"] + second["items"] + third["items"]] == ids[::-1]
    assert first["total"] == second["total"] == third["total"] == 5 and len(third["items"]) == 1
    assert (await get(offset=10)).json() == {"items": [], "total": 5, "limit": 20, "offset": 10, "next_cursor": None}

    assert {i["id"] for i in (await get(stage="execution")).json()["items"]} == {ids[1], ids[2]}
    assert [i["id"] for i in (await get(overdue="true")).json()["items"]] == [ids[1]]
    assert {i["id"] for i in (await get(warning="true")).json()["items"]} == {ids[1], ids[2]}
    assert {i["id"] for i in (await get(warning="false")).json()["items"]} == {ids[0], ids[3], ids[4]}
    assert [i["id"] for i in (await get(stage="execution", overdue="false")).json()["items"]] == [ids[2]]

    item = next(i for i in page["items"] if i["id"] == ids[3])
    assert item["stage"] == "planning" and item["department"] == dept and item["agent_name"] == agent.name
    assert item["pending"]["kind"] == "approval" and item["pending"]["gate"] == "plan"
    assert item["pending"]["role"] == "dept_head" and item["pending"]["due_at"]
    assert item["kpis"]["completion_rate"] == 53.0
    assert set(item) == {"id", "stage", "department", "business_type", "agent_name", "risk_level", "pending",
                         "overdue", "warning", "kpis", "created_at", "updated_at"}


async def test_lists_never_carry_personal_data(api):
    dept, _, _ = await department_with_projects(api, 2)
    executive = await api.person("executive")
    r = await api.http.get("/v1/projects", params={"department": dept}, headers=executive.headers)
    assert r.status_code == 200 and len(r.json()["items"]) == 2
    for secret in ("王小明", "13812345678", "wxm@example.com", "上海置业", "A flat near schools"):
        assert secret not in r.text


async def test_department_staff_see_only_their_department(api):
    dept_a, agent_a, ids_a = await department_with_projects(api, 2)
    dept_b, agent_b, ids_b = await department_with_projects(api, 2)
    head_a = await api.person("dept_head", dept_a)
    for who in (agent_a, head_a):
        listed = (await api.http.get("/v1/projects", params={"limit": 100}, headers=who.headers)).json()
        assert {i["department"] for i in listed["items"]} == {dept_a}
        assert listed["total"] == 2
        r = await api.http.get("/v1/projects", params={"department": dept_b}, headers=who.headers)
        assert_error(r, 403, "forbidden")
    for role in ("executive", "operations", "auditor"):
        who = await api.person(role)
        for dept, ids in ((dept_a, ids_a), (dept_b, ids_b)):
            listed = (await api.http.get("/v1/projects", params={"department": dept}, headers=who.headers)).json()
            assert {i["id"] for i in listed["items"]} == set(ids)
    customer = await api.person("customer")
    assert_error(await api.http.get("/v1/projects", headers=customer.headers), 403, "forbidden")


async def test_project_view_shows_state_history_and_customer_data_by_role(api, users):
    dept = users["agent"].department
    due = pending("approval", Role.dept_head, dept, timedelta(days=2), gate=Gate.initiation)
    pid = await api.insert_project(department=dept, agent=users["agent"], customer=users["customer"],
                                   stage=Stage.initiation_approval, pending=due, customer_data=WANG,
                                   events=[("intake", ""), ("assessment", "looks fine"), ("stage_changed", "")])
    full = {"name": "王小明", "phone": "13812345678", "email": "wxm@example.com", "company": "上海置业"}
    for role in ("agent", "dept_head", "executive", "operations", "customer"):
        r = await api.http.get(f"/v1/projects/{pid}", headers=users[role].headers)
        assert r.status_code == 200, (role, r.text)
        view = r.json()
        assert {k: view["customer"][k] for k in full} == full and view["customer"]["masked"] is False, role

    view = (await api.http.get(f"/v1/projects/{pid}", headers=users["auditor"].headers)).json()
    assert view["customer"]["masked"] is True
    assert view["customer"]["name"] == "王**"
    assert view["customer"]["phone"] == "138****5678"
    assert view["customer"]["email"] == "w**@example.com"
    assert view["customer"]["company"] == "上***"
    for secret in full.values():
        assert secret not in (await api.http.get(f"/v1/projects/{pid}", headers=users["auditor"].headers)).text

    assert view["id"] == pid and view["stage"] == "initiation_approval" and view["department"] == dept
    assert view["pending"]["role"] == "dept_head" and view["pending"]["gate"] == "initiation"
    assert view["pending"]["due_at"] and view["agent_name"] == users["agent"].name
    assert [(e["seq"], e["kind"], e["comment"]) for e in view["history"]] == [
        (1, "intake", ""), (2, "assessment", "looks fine"), (3, "stage_changed", "")]
    assert view["history"][1]["actor_name"] == users["agent"].name and view["history"][1]["actor_role"] == "agent"
    assert view["history"][2]["data"] == {"seq": 3}
    for key in ("milestones", "kpis", "approvals", "tasks", "warning"):
        assert key in view


async def test_a_project_without_customer_data_has_no_customer(api, users):
    pid = await api.insert_project(department=users["agent"].department, agent=users["agent"])
    view = (await api.http.get(f"/v1/projects/{pid}", headers=users["agent"].headers)).json()
    assert view["customer"] is None and view["history"] == []
