"""The dispatcher handles a claimed batch of notices with a constant number of SQL statements
(issue 16): 3 notices and 12 cost the same, and every notice and delivery ends as the one-by-one
dispatcher left it — sent, to the same people, each in their language, approvals with buttons
bound to their readers. A bad notice in a batch is retried and given up alone.

On a database of its own, so that a company-wide role's fallback reaches known people only."""

from __future__ import annotations

import asyncio
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from activities.channels import RenderedMessage, Router
from activities.channels.log import LogChannel
from activities.outbox import Outbox
from domain.models import Role
from domain.steps import Notice
from store import action_links, records
from store.contacts import set_contact
from store.db import migrate
from store.embedded import drop_database, ensure_database
from store.recipients import Addressing, addressees, candidates
from store.users import create_user
from tests.perf.counting import StatementCounter, counting_pool

pytestmark = pytest.mark.asyncio(loop_scope="session")
DUE = "2026-03-05T09:00:00+00:00"
PUBLIC = "http://jindu.test"


class Kept:
    """A channel that keeps what it sends: a group robot, or a personal one (each person's own message)."""

    def __init__(self, name: str, group: bool) -> None:
        self.name, self.group = name, group
        self.sent: list[RenderedMessage] = []

    async def send(self, message: RenderedMessage) -> None:
        self.sent.append(message)


# name: (role, department, lang, chose e-mail, deactivated)
PEOPLE = {
    "Head Anna": ("dept_head", "sales", "en", True, False), "Head Li": ("dept_head", "sales", "zh", False, False),
    "Head Gone": ("dept_head", "sales", "zh", False, True), "Head Chen": ("dept_head", "east", "zh", False, False),
    "Agent Wang": ("agent", "sales", "en", True, False),
    "Ops Olga": ("operations", "north", "en", True, False), "Ops Zhou": ("operations", "east", "zh", False, False),
    "Ops Gone": ("operations", "east", "zh", False, True),
    "Exec Eve": ("executive", "north", "en", True, False), "Exec Zhao": ("executive", None, "zh", False, False),
    "CS Gone": ("customer_service", "west", "zh", False, True), "CS Xiao": ("customer_service", "east", "zh", False,
                                                                          False),
}  # fmt: skip


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def office(pg_url, cipher):
    """A database of its own with PEOPLE, behind a pool that counts statements; and their ids."""
    name = f"jindu_outbox_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(pg_url, name)
    await migrate(url)
    counter = StatementCounter()
    pool = await counting_pool(url, counter, max_size=4)
    ids = {}
    for person, (role, dept, lang, mail, gone) in PEOPLE.items():
        user, _ = await create_user(pool, name=person, role=role, department=dept)
        await set_contact(pool, user.id, cipher, mobile=None, email=f"{user.id}@example.com" if mail else None,
                          channels=["email"] if mail else [], lang=lang)  # fmt: skip
        if gone:
            await pool.execute("UPDATE users SET deactivated_at = now() WHERE id = $1", user.id)
        ids[person] = user.id
    try:
        yield pool, counter, ids
    finally:
        await pool.close()
        await drop_database(pg_url, name)


def kinds(pid: str, ids: dict[str, str]) -> list[tuple[Notice, list[str]]]:
    """Notices of every way of addressing, each with the people it reaches (by name)."""
    approval = {"project_id": pid, "gate": "plan", "due_at": DUE}
    escalation = {"project_id": pid, "what": "approval", "assignee": "dept_head@sales", "due_at": DUE}
    return [
        (Notice(seq=0, kind="assigned", key="notify.assigned.approval", to_role=Role.dept_head, department="sales",
                params=approval), ["Head Anna", "Head Li"]),  # a role in a department; the one gone left out
        (Notice(seq=0, kind="assigned", key="notify.assigned.acceptance", to_role=Role.agent,
                to_user_id=ids["Agent Wang"], department="sales", params={"project_id": pid, "due_at": DUE}),
         ["Agent Wang"]),  # a named user
        (Notice(seq=0, kind="escalation", key="notify.escalation", to_role=Role.operations, department="south",
                params=escalation), ["Ops Olga", "Ops Zhou"]),  # company-wide, nobody there: all of the role
        (Notice(seq=0, kind="escalation", key="notify.escalation", to_role=Role.executive, department="north",
                params=escalation), ["Exec Eve", "Exec Zhao"]),  # company-wide: the department's and the unplaced
        (Notice(seq=0, kind="escalation", key="notify.escalation", to_role=Role.customer_service, department="west",
                params=escalation), []),  # its only one left: nobody, not the whole company
        (Notice(seq=0, kind="assigned", key="notify.assigned.approval", to_role=Role.dept_head, department="east",
                params=approval), ["Head Chen"]),
    ]  # fmt: skip


def expected(notice_id: str, reached: list[str], ids: dict[str, str]) -> dict[str, tuple]:
    """Its deliveries as the one-by-one dispatcher booked them: the log and the robot in the
    company's language (the robot naming those who chose no channel), an e-mail per person who
    chose one, in theirs."""
    mail = [p for p in reached if PEOPLE[p][3]]
    robot = [p for p in reached if not PEOPLE[p][3]]
    out = {"log": ("log", "zh", reached, "sent", 1)}
    if robot or not reached:
        out["robot"] = ("robot", "zh", robot, "sent", 1)
    for p in mail:
        out[f"email:{ids[p]}"] = ("email", PEOPLE[p][2], [p], "sent", 1)
    return out


async def dispatched(pool, counter, ids, cipher, size: int) -> int:
    """Queue `size` notices of every kind, drain them in one batch; check every outcome; the statements."""
    pid = f"p-{uuid.uuid4().hex[:8]}"
    made = kinds(pid, ids)
    notices = [(made[i % len(made)][0].model_copy(update={"seq": i + 1}), made[i % len(made)][1]) for i in range(size)]
    async with pool.acquire() as conn:
        await records.enqueue(conn, pid, [n for n, _ in notices])
    robot, mail = Kept("robot", group=True), Kept("email", group=False)
    box = Outbox(pool, Router([LogChannel(), robot, mail]), cipher, tz=ZoneInfo("Asia/Shanghai"), public_url=PUBLIC)
    counter.reset()
    assert await box.drain(pid) == size
    statements = counter.count

    for notice, reached in notices:
        notice_id = notice.notice_id(pid)
        row = await pool.fetchrow("SELECT sent_at, failed_at, attempts, last_error FROM outbox WHERE id = $1",
                                  notice_id)  # fmt: skip
        assert row["sent_at"] is not None and row["failed_at"] is None, notice_id
        assert (row["attempts"], row["last_error"]) == (1, None)
        booked = await pool.fetch("SELECT delivery, channel, lang, recipients, state, attempts "
                                  "FROM notification_deliveries WHERE outbox_id = $1", notice_id)  # fmt: skip
        assert {r["delivery"]: tuple(r)[1:] for r in booked} == expected(notice_id, reached, ids), notice_id
        sent = {r["channel"] for r in await pool.fetch("SELECT channel FROM deliveries WHERE outbox_id = $1",
                                                       notice_id)}  # fmt: skip
        assert sent == set(expected(notice_id, reached, ids))
    approvals = {n.notice_id(pid) for n, _ in notices if n.key == "notify.assigned.approval"}
    for message in robot.sent + mail.sent:
        assert len(message.buttons) == (3 if message.key in approvals else 1), message.subject
        for button in message.buttons[:-1]:  # approve and reject: bound to exactly who reads this message
            link = await action_links.find(pool, button.url.rsplit("/", 1)[1])
            assert link is not None and link.user_ids == [ids[r.name] for r in message.recipients]
    for message in mail.sent:
        [person] = message.recipients
        assert message.lang == PEOPLE[person.name][2] == person.lang
    assert len(mail.sent) == sum(len([p for p in reached if PEOPLE[p][3]]) for _, reached in notices)
    return statements


async def test_a_batch_costs_the_same_statements_whatever_its_size(office, cipher):
    pool, counter, ids = office
    await dispatched(pool, counter, ids, cipher, 3)  # asyncpg reads the types its statements use, once
    small = await dispatched(pool, counter, ids, cipher, 3)
    large = await dispatched(pool, counter, ids, cipher, 12)
    assert small == large, (small, large)
    assert large <= 10, large  # claim, people, briefs, plan, due, links, sent, settle, the empty claim


async def alone(pool, to_role: Role, to_user_id: str | None, department: str | None) -> list[str]:
    """The names one notice reaches when it is read on its own."""
    to = Addressing(to_role, to_user_id, department)
    return [u["name"] for u in addressees(await candidates(pool, [to]), to)]


async def test_the_single_notice_rule_is_the_batch_rule(office):
    pool, _, ids = office
    for notice, reached in kinds("p-rule", ids):
        named = await alone(pool, notice.to_role, notice.to_user_id, notice.department)
        # The deactivated stay addressed (their contacts drop them), so nobody else is reached instead.
        assert [n for n in named if not PEOPLE[n][4]] == reached, notice
    assert await alone(pool, Role.customer_service, None, "west") == ["CS Gone"]


async def test_a_bad_notice_is_retried_and_given_up_alone(office, cipher):
    pool, _, ids = office
    pid = f"p-{uuid.uuid4().hex[:8]}"
    made = kinds(pid, ids)
    unreadable = made[1][0].model_copy(update={"seq": 3, "params": {"project_id": pid, "due_at": "next week"}})
    async with pool.acquire() as conn:
        await records.enqueue(conn, pid, [made[0][0].model_copy(update={"seq": 1}),
                                          made[1][0].model_copy(update={"seq": 2}), unreadable])  # fmt: skip
    await pool.execute("INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role) "
                       "VALUES ($1, $2, 4, 'info', 'notify.escalation', '{}'::jsonb, 'janitor')",
                       f"{pid}:4:info:janitor", pid)  # an unknown role  # fmt: skip
    robot = Kept("robot", group=True)
    box = Outbox(pool, Router([LogChannel(), robot]), cipher, tz=ZoneInfo("Asia/Shanghai"), public_url=PUBLIC,
                 max_attempts=2)  # fmt: skip
    bad = [unreadable.notice_id(pid), f"{pid}:4:info:janitor"]
    for attempt in (1, 2):
        assert await box.drain(pid) == (4 if attempt == 1 else 2)
        rows = {r["id"]: r for r in await pool.fetch("SELECT * FROM outbox WHERE project_id = $1", pid)}
        assert [rows[i]["sent_at"] is not None for i in sorted(rows) if i not in bad] == [True, True]
        assert len(robot.sent) == 2, "the good notices went out once, the first time"
        for notice_id in bad:
            assert rows[notice_id]["sent_at"] is None and rows[notice_id]["attempts"] == attempt
            assert rows[notice_id]["last_error"].startswith("ValueError")
            assert (rows[notice_id]["failed_at"] is not None) == (attempt == 2), "given up after max_attempts"
        assert await pool.fetchval("SELECT count(*) FROM notification_deliveries WHERE outbox_id = ANY($1)", bad) == 0
        await pool.execute("UPDATE outbox SET next_attempt_at = now() WHERE id = ANY($1)", bad)  # its backoff elapsed


async def test_once_woken_the_loop_gathers_the_notices_right_behind_into_one_batch(office, cipher):
    pool, _, ids = office
    pid = f"p-{uuid.uuid4().hex[:8]}"
    [(first, _), (second, _)] = kinds(pid, ids)[:2]
    box = Outbox(pool, Router([LogChannel()]), cipher, tz=ZoneInfo("Asia/Shanghai"), public_url=PUBLIC,
                 poll_seconds=60, gather_seconds=30)  # fmt: skip
    started = time.monotonic()
    assert await box.drain(pid) == 0 and time.monotonic() - started < 10, "drain itself never gathers"
    box.gather_seconds = 2.0
    stop = asyncio.Event()
    running = asyncio.create_task(box.run(stop))
    await asyncio.sleep(0.2)  # its first pass found nothing; it waits to be woken
    for notice in (first.model_copy(update={"seq": 1}), second.model_copy(update={"seq": 2})):
        async with pool.acquire() as conn:
            await records.enqueue(conn, pid, [notice])
        box.wake()  # as the record activity does after each record
        await asyncio.sleep(0.3)  # ungathered, the loop would have sent the first alone by now
    while await pool.fetchval("SELECT count(*) FROM outbox WHERE project_id = $1 AND sent_at IS NULL", pid):
        assert time.monotonic() - started < 30
        await asyncio.sleep(0.05)
    stop.set()
    await running
    # One statement planned both: they share its transaction's time.
    planned = await pool.fetch("SELECT DISTINCT created_at FROM notification_deliveries WHERE project_id = $1", pid)
    assert len(planned) == 1
