"""Tokens and users: 401s in the contract's JSON, hashes at rest, store-side rules."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from domain.errors import Conflict, Invalid
from store.users import create_user, user_by_name, user_by_token

from .conftest import assert_error


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer "}])
async def test_missing_or_unknown_token_is_401_json(api, headers):
    for method, path in [("GET", "/v1/projects"), ("GET", "/v1/tasks"), ("GET", "/v1/projects/anything"),
                         ("POST", "/v1/projects/anything/decisions"), ("POST", "/v1/tasks/x/complete")]:
        r = await api.http.request(method, path, headers=headers, json={})
        assert_error(r, 401, "unauthorized")
        assert r.headers["www-authenticate"] == "Bearer"


async def test_a_valid_token_identifies_its_user(api, users):
    r = await api.http.get("/v1/tasks", headers=users["dept_head"].headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"items": []}


async def test_create_user_stores_only_the_token_hash(api):
    name = f"agent-{uuid.uuid4().hex[:8]}"
    user, token = await create_user(api.pool, name=name, role="agent", department="sales")
    assert len(token) >= 40
    row = await api.pool.fetchrow("SELECT * FROM users WHERE id = $1", user.id)
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in [str(v) for v in row.values()]
    assert (row["name"], row["role"], row["department"]) == (name, "agent", "sales")
    assert await user_by_token(api.pool, token) == user
    assert await user_by_name(api.pool, name) == user
    assert await user_by_token(api.pool, token + "x") is None
    assert uuid.UUID(user.id)


async def test_duplicate_names_and_missing_departments_are_refused(api):
    name = f"head-{uuid.uuid4().hex[:8]}"
    await create_user(api.pool, name=name, role="dept_head", department="sales")
    with pytest.raises(Conflict):
        await create_user(api.pool, name=name, role="executive")
    with pytest.raises(Invalid):
        await create_user(api.pool, name=f"a-{uuid.uuid4().hex[:8]}", role="agent")
    with pytest.raises(Invalid):
        await create_user(api.pool, name=f"h-{uuid.uuid4().hex[:8]}", role="dept_head", department="  ")
    with pytest.raises(Invalid):
        await create_user(api.pool, name=f"x-{uuid.uuid4().hex[:8]}", role="boss")
    executive, _ = await create_user(api.pool, name=f"e-{uuid.uuid4().hex[:8]}", role="executive")
    assert executive.department is None
    assert await api.pool.fetchval("SELECT count(*) FROM users WHERE name = $1", name) == 1


async def test_an_actions_refusals_come_in_one_order(api, users):
    """Who calls (401), whether they see the project (404, 403), their role (403), then the
    path, the key and the body (422): a customer's stranger is told 404 whatever they send."""
    agent, head, customer = users["agent"], users["dept_head"], users["customer"]
    stranger = await api.person("dept_head", f"other-{uuid.uuid4().hex[:6]}")
    decide = f"/v1/projects/{await api.insert_project(department=agent.department, agent=agent)}/decisions"
    r = await api.http.post(decide, headers=stranger.headers, json={})
    assert "belongs to department" in assert_error(r, 403, "forbidden")["message"]
    r = await api.http.post(decide, headers=agent.headers, json={})
    assert "may decide approval gates" in assert_error(r, 403, "forbidden")["message"]
    assert_error(await api.http.post(decide, headers=customer.headers, json={}), 404, "not_found")
    r = await api.http.post("/v1/projects/no-such-project/decisions", headers=agent.headers, json={})
    assert_error(r, 404, "not_found")
    malformed = {**agent.headers, "Idempotency-Key": "a key"}
    r = await api.http.post("/v1/projects/bad%20id/decisions", headers=malformed, json={})
    assert "may decide approval gates" in assert_error(r, 403, "forbidden")["message"]
    r = await api.http.post("/v1/projects/bad%20id/decisions", headers={**head.headers, "Idempotency-Key": "a key"},
                            json={})  # fmt: skip
    fields = [d["field"] for d in assert_error(r, 422, "invalid")["details"]]
    assert len(fields) == 4 and "project_id" in fields[0] and "Idempotency-Key" in fields[1], fields
