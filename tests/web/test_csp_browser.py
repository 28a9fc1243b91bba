"""The security headers in a real Chromium (api/security_headers.py): the workspace pages and
the API docs run with no Content-Security-Policy violation, and no page renders inside a frame
of another page (clickjacking). Real HTTP (uvicorn), worker, Temporal and PostgreSQL."""

from __future__ import annotations

from tests.web.helpers import project_at
from tests.web.test_browser import sign_in_with_link


def watch_csp(page) -> list[str]:
    """Console lines Chromium writes when the policy refuses something."""
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return refused


async def test_workspace_pages_break_no_policy(stack, live, page_of):
    team = await stack.team()
    pid = await project_at(stack, team, "customer_acceptance")
    for who, paths in (("operations", ["/", f"/projects/{pid}", "/projects", "/dashboard", "/kpis?group_by=agent",
                                       "/users", "/complaints", "/me"]),
                       ("customer", ["/", f"/projects/{pid}", "/complaints"]),
                       ("dept_head", ["/", f"/projects/{pid}", "/appraisal", "/suggestions"])):  # fmt: skip
        page = await page_of()
        refused = watch_csp(page)
        await sign_in_with_link(page, live, stack.pool, team[who])
        for path in paths:
            response = await page.goto(path)
            assert response.status == 200, (who, path, response.status)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            await page.wait_for_load_state("load")
        assert refused == [], (who, refused)


async def test_docs_break_no_policy(live, page_of):
    page = await page_of()
    refused = watch_csp(page)
    await page.goto("/docs")
    await page.locator(".opblock-tag", has_text="projects").first.wait_for()
    assert [line for line in refused if "script" in line] == []  # Swagger UI starts from a file


async def test_no_page_renders_inside_a_frame(live, page_of):
    page = await page_of()
    await page.goto("/signin")
    # Another page (here about:blank-like content) framing the sign-in page: Chromium refuses it.
    await page.set_content(f'<iframe id="f" src="{live.url}/signin"></iframe>')
    frame = page.frame_locator("#f")
    await page.wait_for_timeout(1000)
    assert await frame.locator("input[name=token]").count() == 0
