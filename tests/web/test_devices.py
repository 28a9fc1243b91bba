"""登录设备 (issue 17): a session renews while used, its owner sees each device and ends one
or all others, and operations' deactivation ends them all; against the real app."""

from __future__ import annotations

from datetime import timedelta

from store.sessions import _hash, end_all_sessions, live_sessions, session_user, start_session
from tests.web.conftest import csrf_of


async def test_a_session_renews_while_used_up_to_its_hard_end(stack):
    person = await stack.person("agent", "sales")
    sid = await start_session(stack.pool, person.id, timedelta(hours=1), hard=timedelta(days=30))
    await stack.pool.execute("UPDATE web_sessions SET expires_at = now() + interval '1 minute' WHERE id_hash = $1",
                             _hash(sid))
    assert (await session_user(stack.pool, sid)).id == person.id
    left = await stack.pool.fetchval("SELECT expires_at - now() FROM web_sessions WHERE id_hash = $1", _hash(sid))
    assert timedelta(minutes=59) < left <= timedelta(hours=1)  # renewed by the use
    await stack.pool.execute("UPDATE web_sessions SET hard_expires_at = now() + interval '5 minutes' "
                             "WHERE id_hash = $1", _hash(sid))
    await session_user(stack.pool, sid)
    left = await stack.pool.fetchval("SELECT expires_at - now() FROM web_sessions WHERE id_hash = $1", _hash(sid))
    assert left <= timedelta(minutes=5)  # never past the hard end


async def test_a_person_ends_another_device_and_then_all_others(stack, browserless):
    person = await stack.person("agent", "sales")
    laptop, phone, tablet = await browserless(person), await browserless(person), await browserless(person)
    page = await laptop.http.get("/account/devices")
    assert page.status_code == 200 and page.text.count("data-ref=") == 3
    assert "登录设备" in page.text and "当前设备" in page.text
    phone_sid = phone.http.cookies["jindu_session"]
    phone_ref = next(d.ref for d in await live_sessions(stack.pool, person.id, phone_sid) if d.current)
    r = await laptop.http.post("/account/devices/end", data={"ref": phone_ref, "csrf": csrf_of(page.text)})
    assert r.status_code == 303
    assert (await phone.http.get("/")).status_code == 303  # signed out: sent to /signin
    assert (await tablet.http.get("/")).status_code == 200
    r = await laptop.http.post("/account/devices/end-all", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/account/devices?ended=1"
    assert (await tablet.http.get("/")).status_code == 303
    assert (await laptop.http.get("/")).status_code == 200  # the one asking stays


async def test_operations_end_every_session_of_a_person(stack, browserless):
    person = await stack.person("customer")
    one, two = await browserless(person), await browserless(person)
    assert await end_all_sessions(stack.pool, person.id, by="operations") == 2
    assert (await one.http.get("/")).status_code == 303 and (await two.http.get("/")).status_code == 303


async def test_operations_sign_a_person_out_everywhere_from_the_users_page(stack, browserless):
    person, ops = await stack.person("agent", "sales"), await stack.person("operations")
    theirs, mine = await browserless(person), await browserless(ops)
    page = await mine.http.get("/users")
    assert "退出所有设备" in page.text
    r = await mine.http.post(f"/users/{person.id}/signout", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 303 and "done=signout" in r.headers["location"]
    assert (await theirs.http.get("/")).status_code == 303
    kinds = await stack.pool.fetch("SELECT kind, by_name FROM user_events WHERE user_id = $1", person.id)
    assert ("sessions_ended", ops.name) in [(k["kind"], k["by_name"]) for k in kinds]
    api = await stack.http.post(f"/v1/users/{person.id}/signout", headers=person.headers)
    assert api.status_code == 403  # operations only


def test_a_device_reads_as_browser_and_system():
    from web.routes.devices import device_label

    assert device_label("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile MicroMessenger/8.0") == \
        "WeChat · iPhone"
    assert device_label("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120 Safari/537.36 Edg/120") == \
        "Edge · Windows"
    assert device_label("curl/8") == ""
