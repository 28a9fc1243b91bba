"""Safe operator actions on users, through the API and `jindu user …`: list, deactivate,
reactivate, rotate a token, sign-in links, contacts; each recorded as done by someone."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

from tests.api.conftest import assert_error

ROOT = Path(__file__).resolve().parents[2]


async def test_operations_deactivate_reactivate_and_everything_is_recorded(api, users):
    ops, agent = users["operations"], users["agent"]
    assert (await api.http.get("/v1/tasks", headers=agent.headers)).status_code == 200

    listed = await api.http.get("/v1/users", params={"role": "agent", "active": "true", "department": agent.department},
                                headers=ops.headers)  # fmt: skip
    assert listed.status_code == 200
    assert agent.name in [u["name"] for u in listed.json()["items"]]
    assert all(set(u) >= {"has_mobile", "has_email"} and "mobile" not in u for u in listed.json()["items"])

    r = await api.http.post(f"/v1/users/{agent.id}/deactivate", json={"reason": "left the company"},
                            headers=ops.headers)
    assert r.status_code == 200 and r.json()["active"] is False
    assert_error(await api.http.get("/v1/tasks", headers=agent.headers), 401, "unauthorized")
    assert_error(await api.http.post(f"/v1/users/{agent.id}/deactivate", headers=ops.headers), 409, "already_decided")

    r = await api.http.post(f"/v1/users/{agent.id}/reactivate", headers=ops.headers)
    assert r.status_code == 200 and r.json()["active"] is True
    assert (await api.http.get("/v1/tasks", headers=agent.headers)).status_code == 200

    detail = (await api.http.get(f"/v1/users/{agent.id}", headers=ops.headers)).json()
    events = [(e["kind"], e["by_name"], e["by_user_id"], e["reason"]) for e in detail["events"]]
    assert events[:2] == [("reactivated", ops.name, ops.id, ""), ("deactivated", ops.name, ops.id, "left the company")]


async def test_rotating_a_token_retires_the_old_one(api, users):
    ops, head = users["operations"], users["dept_head"]
    r = await api.http.post(f"/v1/users/{head.id}/rotate-token", json={"reason": "leaked"}, headers=ops.headers)
    assert r.status_code == 200
    new = r.json()["token"]
    assert_error(await api.http.get("/v1/tasks", headers=head.headers), 401, "unauthorized")
    assert (await api.http.get("/v1/tasks", headers={"Authorization": f"Bearer {new}"})).status_code == 200


async def test_only_operations_manage_users_and_bad_input_changes_nothing(api, users):
    ops = users["operations"]
    for role in ("agent", "dept_head", "executive", "customer", "auditor"):
        who = users[role]
        assert_error(await api.http.get("/v1/users", headers=who.headers), 403, "forbidden")
        assert_error(await api.http.post(f"/v1/users/{ops.id}/deactivate", headers=who.headers), 403, "forbidden")
    assert_error(await api.http.post(f"/v1/users/{ops.id}/deactivate", headers=ops.headers), 409, "conflict")
    assert_error(await api.http.post("/v1/users/nobody/rotate-token", headers=ops.headers), 404, "not_found")
    agent = users["agent"]
    for bad in ('{"reason": "x\\u0000y"}', '{"reason": "%s"}' % ("r" * 1001), '{"reason": "\\ud800"}',
                '{"extra": 1}'):
        r = await api.http.post(f"/v1/users/{agent.id}/deactivate", content=bad,
                                headers={**ops.headers, "Content-Type": "application/json"})
        assert_error(r, 422, "invalid")
    assert (await api.http.get("/v1/tasks", headers=agent.headers)).status_code == 200


async def test_contacts_are_set_by_the_person_or_operations_and_stored_encrypted(api, users):
    agent, customer, ops = users["agent"], users["customer"], users["operations"]
    body = {"mobile": "13812345678", "email": "wang@example.com", "channels": ["wecom", "email"], "lang": "zh"}
    r = await api.http.put(f"/v1/users/{agent.id}/contact", json=body, headers=agent.headers)
    assert r.status_code == 200 and r.json()["has_mobile"] and r.json()["channels"] == ["email", "wecom"]
    raw = await api.pool.fetchrow("SELECT mobile_enc, email_enc FROM users WHERE id = $1", agent.id)
    assert b"13812345678" not in raw["mobile_enc"] and b"wang@" not in raw["email_enc"]
    assert_error(await api.http.put(f"/v1/users/{agent.id}/contact", json=body, headers=customer.headers),
                 403, "forbidden")
    for bad in ({"mobile": "call me"}, {"email": "nope"}, {"channels": ["sms"]}, {"channels": ["email"]},
                {"lang": "fr"}):
        assert_error(await api.http.put(f"/v1/users/{agent.id}/contact", json=bad, headers=ops.headers),
                     422, "invalid")
    assert (await api.pool.fetchval("SELECT channels FROM users WHERE id = $1", agent.id)) == ["email", "wecom"]


def _jindu(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "user", *args], env=env, capture_output=True, text=True,
                          timeout=60, cwd=ROOT)


async def test_the_cli_creates_with_a_link_lists_deactivates_and_rotates(api, pg_url):
    from store.crypto import new_data_key

    env = {**os.environ, "JINDU_DATABASE_URL": pg_url, "JINDU_DATA_KEY": new_data_key(),
           "JINDU_PUBLIC_URL": "https://jindu.example.com"}
    name = f"Wang {uuid.uuid4().hex[:6]}"

    def run(*args: str) -> subprocess.CompletedProcess:
        done = _jindu(list(args), env)
        assert done.returncode == 0, done.stderr
        return done

    created = await asyncio.to_thread(run, "create", "--name", name, "--role", "agent", "--department", "sales",
                                      "--mobile", "13900001111", "--channels", "dingtalk")
    lines = created.stdout.strip().splitlines()
    token, link_line = lines[-1], lines[-2]
    assert " " not in token and len(token) > 30
    assert "https://jindu.example.com/signin/link?code=" in link_line
    assert (await api.http.get("/v1/tasks", headers={"Authorization": f"Bearer {token}"})).status_code == 200

    listed = (await asyncio.to_thread(run, "list", "--role", "agent")).stdout
    assert any(line.startswith(f"{name}\tagent\tsales\tactive\tdingtalk\t") for line in listed.splitlines())

    await asyncio.to_thread(run, "deactivate", "--name", name, "--reason", "on leave")
    assert (await api.http.get("/v1/tasks", headers={"Authorization": f"Bearer {token}"})).status_code == 401
    await asyncio.to_thread(run, "reactivate", "--name", name)
    rotated = (await asyncio.to_thread(run, "rotate-token", "--name", name)).stdout.strip().splitlines()[-1]
    assert (await api.http.get("/v1/tasks", headers={"Authorization": f"Bearer {token}"})).status_code == 401
    assert (await api.http.get("/v1/tasks", headers={"Authorization": f"Bearer {rotated}"})).status_code == 200
    kinds = [r["kind"] for r in await api.pool.fetch(
        "SELECT e.kind FROM user_events e JOIN users u ON u.id = e.user_id WHERE u.name = $1 ORDER BY e.id", name)]
    assert kinds == ["created", "signin_link_issued", "deactivated", "reactivated", "token_rotated"]
    by = await api.pool.fetchval("SELECT DISTINCT by_name FROM user_events e JOIN users u ON u.id = e.user_id "
                                 "WHERE u.name = $1", name)
    assert by.startswith("cli:")
    missing = await asyncio.to_thread(_jindu, ["deactivate", "--name", "nobody here"], env)
    assert missing.returncode == 2 and "no user named 'nobody here'" in missing.stderr
