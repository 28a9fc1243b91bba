"""客户 in the workspace (issue 14): an agent's list shows their own customer and the pool,
in Chinese by default; a customer is refused; the grade filter applies; the card shows the
follow-up timeline to those who may see the customer."""

from __future__ import annotations


async def test_the_customer_list_shows_own_and_pooled_customers(stack, browserless):
    team = await stack.team()
    agent = team["agent"]
    r = await stack.http.post("/v1/customers", headers=agent.headers, json={
        "name": "韩梅梅", "phone": "139 0000 7777", "source": "walk_in", "grade": "A", "company": "梅梅贸易"})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    v = await browserless(agent)
    page = await v.http.get("/customers")
    assert page.status_code == 200, page.text[:2000]
    assert "客户" in page.text and "韩梅梅" in page.text and f'data-customer="{cid}"' in page.text
    assert 'href="/customers"' in page.text  # in the navigation
    assert "韩梅梅" not in (await v.http.get("/customers?grade=D")).text
    outsider = await browserless(await stack.person("agent", "dept-elsewhere"))
    assert "韩梅梅" not in (await outsider.http.get("/customers")).text
    refused = await (await browserless(team["customer"])).http.get("/customers")
    assert refused.status_code == 403 and "韩梅梅" not in refused.text

    r = await stack.http.post(f"/v1/customers/{cid}/follow-ups", headers=agent.headers,
                              json={"way": "call", "content": "约周六看房"})
    assert r.status_code in (200, 201), r.text
    card = await v.http.get(f"/customers/{cid}")
    assert card.status_code == 200 and "约周六看房" in card.text and "跟进记录" in card.text
    assert "139" in card.text and "梅梅贸易" in card.text
    assert (await outsider.http.get(f"/customers/{cid}")).status_code == 404
