"""Finding a customer by phone or e-mail in the workspace (issue 14): the list's search box
looks a caller up through the blind index — however the number is written — within what the
reader may see; an unknown number finds nothing; something not a phone is refused (422)."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from tests.web.helpers import call


async def test_an_agent_finds_a_caller_by_phone_however_written(stack, browserless):
    team = await stack.team()
    agent = team["agent"]
    number = "139" + str(uuid.uuid4().int)[:8]
    email = f"{uuid.uuid4().hex[:8]}@Example.com"
    found = await call(stack, "POST", "/v1/customers", agent, {"name": "韦小宝", "phone": number, "email": email}, 201)
    await call(stack, "POST", "/v1/customers", agent, {"name": "双儿", "phone": "139" + str(uuid.uuid4().int)[:8]}, 201)
    v = await browserless(agent)
    listing = (await v.http.get("/customers")).text
    assert 'name="q"' in listing and "按电话或邮箱查找" in listing

    spaced = quote(f"+86 {number[:3]} {number[3:7]}-{number[7:]}")
    page = await v.http.get(f"/customers?q={spaced}")
    assert page.status_code == 200 and page.text.count("data-customer=") == 1, page.text[:2000]
    assert f'data-customer="{found["id"]}"' in page.text and "双儿" not in page.text
    by_mail = await v.http.get(f"/customers?q={quote(email.upper())}")
    assert f'data-customer="{found["id"]}"' in by_mail.text and by_mail.text.count("data-customer=") == 1

    unknown = await v.http.get("/customers?q=13800000000")
    assert unknown.status_code == 200 and "data-customer=" not in unknown.text and "暂无客户" in unknown.text
    outsider = await browserless(await stack.person("agent", f"dept-{uuid.uuid4().hex[:6]}"))
    assert "data-customer=" not in (await outsider.http.get(f"/customers?q={number}")).text
    bad = await v.http.get("/customers?q=not-a-phone")
    assert bad.status_code == 422 and "data-customer=" not in bad.text
