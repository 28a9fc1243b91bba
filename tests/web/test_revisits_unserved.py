"""The users page warns operations when the policy gives revisit rounds to customer service 客服
(`revisit.assignee`, issue 14) and a department's rounds would wait in nobody's inbox until they
escalate: no active customer-service user of its own, and none for the whole company. On a
database of its own, so that who is there is known; the real app and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest_asyncio

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.db import create_pool, migrate
from store.embedded import drop_database, ensure_database
from store.users import create_user
from tests.fixtures_stack import STACK_TASK_QUEUE
from tests.web.conftest import Visitor

WARNING = 'id="revisits-unserved"'


@pytest_asyncio.fixture(loop_scope="session")
async def own_pool(pg_url):
    name = f"jindu_unstaffed_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(pg_url, name)
    await migrate(url)
    pool = await create_pool(url, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()
        await drop_database(pg_url, name)


async def users_page(stack, pool, cipher, policy: ProjectPolicy, token: str, lang: str = "zh") -> str:
    app = create_app(Settings(task_queue=STACK_TASK_QUEUE), client=stack.client, pool=pool, cipher=cipher,
                     policy=policy)  # fmt: skip
    v = Visitor(app)
    try:
        assert (await v.sign_in_with_token(token)).status_code == 303
        r = await v.http.get(f"/users?lang={lang}")
        assert r.status_code == 200, r.text[:2000]
        return r.text
    finally:
        await v.close()


def warning(page: str) -> str:
    return page.split(WARNING, 1)[1].split("</div>", 1)[0] if WARNING in page else ""


async def test_operations_are_warned_of_departments_no_customer_service_would_serve(stack, own_pool, cipher):
    _, ops = await create_user(own_pool, name="Ops Liu", role="operations", department=None)
    for name, dept in (("Agent East", "east"), ("Agent West", "west"), ("Agent Gone", "north")):
        agent, _ = await create_user(own_pool, name=name, role="agent", department=dept)
    await own_pool.execute("UPDATE users SET deactivated_at = now() WHERE id = $1", agent.id)  # north: nobody's work
    to_service = ProjectPolicy(revisit={"assignee": "customer_service"})
    shown = warning(await users_page(stack, own_pool, cipher, to_service, ops))
    assert "：east、west。" in shown and "north" not in shown and "无人处理" in shown
    english = warning(await users_page(stack, own_pool, cipher, to_service, ops, "en"))
    assert "east, west." in english and "nobody’s inbox" in english
    assert WARNING not in await users_page(stack, own_pool, cipher, ProjectPolicy(), ops)  # rounds go to agents

    gone, _ = await create_user(own_pool, name="CS Gone", role="customer_service", department="east")
    await own_pool.execute("UPDATE users SET deactivated_at = now() WHERE id = $1", gone.id)
    await create_user(own_pool, name="CS Wang", role="customer_service", department="west")
    shown = warning(await users_page(stack, own_pool, cipher, to_service, ops))
    assert "：east。" in shown and "west" not in shown  # a deactivated one serves nobody; west is served
    await create_user(own_pool, name="CS Company", role="customer_service", department=None)
    assert WARNING not in await users_page(stack, own_pool, cipher, to_service, ops)  # the whole company's serves east
