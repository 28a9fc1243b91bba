"""Signing in by oneself (issue 17), against the real app and PostgreSQL: a person asks for
a link with their e-mail and finds it in their mailbox (the suite's SMTP server); the answer
never tells whether the address exists; a link works once; repeated bad sign-ins are 429
with Retry-After, counted in PostgreSQL."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import uuid

import httpx
import pytest_asyncio
from aiosmtpd.controller import Controller

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.contacts import set_contact
from tests.fixtures_stack import STACK_TASK_QUEUE
from tests.web.conftest import csrf_of

LINK = re.compile(r"https?://\S+/signin/link\?code=[\w-]+")


class Mailbox:
    def __init__(self) -> None:
        self.mails: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = mail.get_body(("plain",)).get_content()
        self.mails.append(f"To: {mail['To']}\nSubject: {mail['Subject']}\n\n{text}")
        return "250 OK"


@pytest_asyncio.fixture(loop_scope="session")
async def mailed(stack, cipher):
    """The app with e-mail to a real SMTP server on loopback, and its mailbox."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings = Settings(task_queue=STACK_TASK_QUEUE, smtp_host="127.0.0.1", smtp_port=port,
                        smtp_from="jindu@example.com", signin_limit=3, signin_limit_per_client=4)
    app = create_app(settings, client=stack.client, pool=stack.pool, cipher=cipher, policy=ProjectPolicy())
    yield app, box
    controller.stop()


def browser(app, address: str) -> httpx.AsyncClient:
    """One browser, from its own loopback address (the limits count per client address)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)),
                             base_url="http://jindu.test", follow_redirects=False)


async def ask(http: httpx.AsyncClient, address: str) -> httpx.Response:
    page = await http.get("/signin")
    return await http.post("/signin/request", data={"address": address, "csrf": csrf_of(page.text)})


async def mail_to(box: Mailbox, address: str) -> str:
    for _ in range(100):
        found = [m for m in box.mails if address in m]
        if found:
            return found[-1]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no mail to {address}")


async def test_a_person_gets_a_link_by_email_and_it_works_once(stack, cipher, mailed):
    app, box = mailed
    person = await stack.person("agent", "sales")
    address = f"p{uuid.uuid4().hex[:8]}@example.com"
    await set_contact(stack.pool, person.id, cipher, mobile=None, email=address, channels=[], lang="zh")
    async with browser(app, "127.0.0.61") as http:
        forged = await http.post("/signin/request", data={"address": address, "csrf": "guess"})
        assert forged.status_code == 403  # the sign-in forms' double-submit token
        answer = await ask(http, address.upper())  # as typed: case does not matter
        nobody = await ask(http, "nobody-" + address)
        assert answer.status_code == nobody.status_code == 200
        assert "请查收登录链接" in answer.text
        assert answer.text == nobody.text  # the same page either way
        mail = await mail_to(box, address)
        assert "Subject: 进度工作台登录链接" in mail and person.name in mail
        assert len([m for m in box.mails if address in m]) == 1  # the forged request sent nothing
        assert not any("nobody-" + address in m for m in box.mails)
        link = LINK.search(mail).group(0)
        code = link.split("code=")[1]
        page = await http.get(f"/signin/link?code={code}")
        signed = await http.post("/signin/link", data={"code": code, "csrf": csrf_of(page.text), "remember": "1"})
        assert signed.status_code == 303, signed.text
        assert "max-age=2592000" in signed.headers["set-cookie"].lower()  # kept 30 days on this device
        assert (await http.get("/")).status_code == 200
    async with browser(app, "127.0.0.62") as other:
        page = await other.get(f"/signin/link?code={code}")
        again = await other.post("/signin/link", data={"code": code, "csrf": csrf_of(page.text)})
        assert again.status_code == 401  # single use


async def test_repeated_bad_signins_are_429_with_retry_after(stack, mailed):
    app, _ = mailed
    async with browser(app, "127.0.0.63") as http:
        statuses = []
        for _ in range(5):
            page = await http.get("/signin")
            r = await http.post("/signin", data={"token": "wrong-" + uuid.uuid4().hex, "csrf": csrf_of(page.text)})
            statuses.append(r.status_code)
        assert statuses == [401, 401, 401, 401, 429]
        assert 1 <= int(r.headers["Retry-After"]) <= 15 * 60
        assert "登录尝试过于频繁" in r.text
    other_process = create_app(app.state.settings, client=stack.client, pool=stack.pool, cipher=app.state.cipher,
                               policy=ProjectPolicy())  # another API process: the count is in PostgreSQL
    async with browser(other_process, "127.0.0.63") as http:
        page = await http.get("/signin")
        r = await http.post("/signin", data={"token": "wrong", "csrf": csrf_of(page.text)})
        assert r.status_code == 429
    async with browser(app, "127.0.0.64") as elsewhere:  # another address is not held up
        page = await elsewhere.get("/signin")
        r = await elsewhere.post("/signin", data={"token": "wrong", "csrf": csrf_of(page.text)})
        assert r.status_code == 401


async def test_asking_for_one_address_too_often_is_429(stack, mailed):
    app, _ = mailed
    typed = f"someone-{uuid.uuid4().hex[:6]}@example.com"
    statuses = []
    for n in range(4):  # from different addresses: the limit is on what was typed
        async with browser(app, f"127.0.0.{70 + n}") as http:
            statuses.append((await ask(http, typed)).status_code)
    assert statuses == [200, 200, 200, 429]


async def test_a_mobile_saved_before_the_index_is_found_as_typed(stack, cipher, mailed):
    from store.contacts import contact_by_address, index_addresses

    person = await stack.person("customer")
    mobile = "139" + str(uuid.uuid4().int)[:8]
    await set_contact(stack.pool, person.id, cipher, mobile=mobile, email=None, channels=[], lang="zh")
    await stack.pool.execute("UPDATE users SET mobile_blind = NULL WHERE id = $1", person.id)  # as before 0670
    assert await contact_by_address(stack.pool, mobile, cipher) is None
    assert await index_addresses(stack.pool, cipher) >= 1
    found = await contact_by_address(stack.pool, f"+86 {mobile[:3]}-{mobile[3:7]} {mobile[7:]}", cipher)
    assert found is not None and found.user_id == person.id
