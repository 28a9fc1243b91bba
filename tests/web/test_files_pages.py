"""Documents and 档案查询 in the workspace, on the real stack: a customer sends the signed
confirmation's photo with their acceptance from the page, staff download it, another
customer cannot; a disguised executable is refused on the results form; the archive page
finds the project and the auditor downloads its ZIP. Files land in a temporary data dir."""

from __future__ import annotations

import asyncio
import io
import zipfile

import pytest
import pytest_asyncio

from tests.api.test_attachments import EXE, PNG

from .conftest import csrf_of
from .helpers import project_at


@pytest_asyncio.fixture(loop_scope="session")
async def data_dir(stack, tmp_path):
    """The stack's app keeps this test's files in a temporary data dir."""
    before = stack.app.state.settings
    stack.app.state.settings = before.model_copy(update={"data_dir": tmp_path})
    yield tmp_path
    stack.app.state.settings = before


async def stage_of(stack, pid: str, want: str | None = None) -> str:
    for _ in range(100):
        stage = await stack.pool.fetchval("SELECT stage FROM projects WHERE id = $1", pid)
        if want is None or stage == want:
            return stage
        await asyncio.sleep(0.1)
    return stage


async def send_form(visitor, page_path: str, action: str, data: dict, files: list[tuple[str, bytes]]):
    page = await visitor.http.get(page_path)
    assert page.status_code == 200, page.text
    return await visitor.http.post(action, data={**data, "csrf": csrf_of(page.text)},
                                   files=[("files", (name, body, "application/octet-stream")) for name, body in files])


@pytest.mark.usefixtures("data_dir")
async def test_customer_sends_the_signed_confirmation_with_the_acceptance(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "customer_acceptance")
    customer = await browserless(team["customer"])
    page = (await customer.http.get(f"/projects/{pid}")).text
    assert f'action="/projects/{pid}/actions/acceptance/with-files"' in page
    assert 'enctype="multipart/form-data"' in page and 'accept="image/*" capture="environment"' in page
    assert "<label>验收确认书：用手机拍照上传<input" in page  # the camera's label names its field

    r = await send_form(customer, f"/projects/{pid}", f"/projects/{pid}/actions/acceptance/with-files",
                        {"accepted": "true", "rating": "5"}, [("验收确认书.jpg", PNG), ("", b"")])
    assert r.status_code == 303, r.text
    assert await stage_of(stack, pid, "completed") == "completed"
    [row] = await stack.pool.fetch("SELECT id, kind, name, content_type FROM attachments WHERE project_id = $1", pid)
    assert (row["kind"], row["name"], row["content_type"]) == ("acceptance", "验收确认书.jpg", "image/png")
    data = await stack.pool.fetchval("SELECT data FROM events WHERE project_id = $1 AND kind = 'accepted'", pid)
    assert data["attachment_ids"] == [row["id"]]

    staff = await browserless(team["dept_head"])
    assert f'href="/files/{row["id"]}"' in (await staff.http.get(f"/projects/{pid}")).text
    got = await staff.http.get(f"/files/{row['id']}")
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert (await customer.http.get(f"/files/{row['id']}")).status_code == 200
    stranger = await browserless(await stack.person("customer"))
    assert (await stranger.http.get(f"/files/{row['id']}")).status_code == 403

    auditor = await browserless(team["auditor"])
    found = (await auditor.http.get("/archive", params={"q": "学区两居室", "agent": team["agent"].name})).text
    assert f'data-project="{pid}"' in found and f'href="/archive/{pid}.zip"' in found
    z = await auditor.http.get(f"/archive/{pid}.zip")
    assert z.status_code == 200, z.text
    with zipfile.ZipFile(io.BytesIO(z.content)) as bundle:
        assert bundle.read(f"documents/{row['id']}-验收确认书.jpg") == PNG
        assert "index.json" in bundle.namelist()
    other_agent = await browserless(await stack.person("agent", "dept-elsewhere"))
    assert f'data-project="{pid}"' not in (await other_agent.http.get("/archive", params={"q": "学区两居室"})).text
    assert (await (await browserless(team["agent"])).http.get(f"/archive/{pid}.zip")).status_code == 403


@pytest.mark.usefixtures("data_dir")
async def test_a_disguised_executable_is_refused_and_nothing_changes(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "execution")
    agent = await browserless(team["agent"])
    r = await send_form(agent, f"/projects/{pid}", f"/projects/{pid}/actions/results/with-files",
                        {"summary": "合同第二版"}, [("合同第二版.pdf", EXE)])
    assert r.status_code == 422, r.text
    assert "合同第二版" in r.text  # the form comes back with what was typed
    assert await stage_of(stack, pid) == "execution"
    assert await stack.pool.fetchval("SELECT count(*) FROM attachments WHERE project_id = $1", pid) == 0
