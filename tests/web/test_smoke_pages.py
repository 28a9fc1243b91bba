async def test_pages_render_for_each_role(stack, browserless):
    team = await stack.team()
    r = await stack.http.post("/v1/projects", headers=team["agent"].headers, json={
        "customer": {"name": "王小明", "phone": "13812345678", "user": team["customer"].name},
        "channel": "visit", "requirement": "两居室", "business_type": "real_estate"})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for role, person in team.items():
        v = await browserless(person)
        for path in ("/", f"/projects/{pid}", "/projects", "/dashboard", "/kpis", "/users", "/me", "/projects/new"):
            page = await v.http.get(path)
            assert page.status_code in (200, 403, 404), (role, path, page.status_code, page.text[:2000])
            assert "Traceback" not in page.text
