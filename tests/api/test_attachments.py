"""Attachments over HTTP on the real app, PostgreSQL and (for results) the real workflow:
upload, type from the bytes, limits, who may download, results carrying `attachment_ids`,
disposal with the customer's data. Files land in a temporary data dir."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import uuid
import zipfile
from datetime import date, timedelta

import httpx
import pytest
import pytest_asyncio

from api.app import create_app
from domain.attachments import AttachmentPolicy
from domain.commands import CustomerIn
from domain.models import Stage
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.files import files_of

from .conftest import API_TASK_QUEUE, Api, assert_error

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
                       "AAAABJRU5ErkJggg==")  # a 1×1 photo
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + \
    b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$" + \
    b"\x00" * 64 + b"PE\x00\x00L\x01"
LIMITS = AttachmentPolicy(max_file_bytes=64 * 1024, max_project_bytes=96 * 1024, max_project_files=4)


def docx(macros: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", "<w:document/>")
        if macros:
            z.writestr("word/vbaProject.bin", b"\x00" * 16)
    return out.getvalue()


@contextlib.asynccontextmanager
async def app_with_files(local_env, pool, cipher, data_dir):
    """The app with its files in `data_dir` and the tests' small limits."""
    settings = Settings(task_queue=API_TASK_QUEUE, data_dir=data_dir)
    app = create_app(settings, client=local_env.client, pool=pool, cipher=cipher,
                     policy=ProjectPolicy(attachments=LIMITS))  # fmt: skip
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jindu.test") as http:
            yield Api(http, app, pool, cipher)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def files_api(local_env, pool, cipher, tmp_path_factory):
    async with app_with_files(local_env, pool, cipher, tmp_path_factory.mktemp("jindu-data")) as api:
        yield api


async def upload(api, who, pid, name, data, kind="results", content_type="application/octet-stream"):
    return await api.http.post(f"/v1/projects/{pid}/attachments", headers=who.headers,
                               files={"file": (name, data, content_type)}, data={"kind": kind})  # fmt: skip


async def test_upload_then_download_by_whoever_may_see_the_project(files_api, users):
    api, agent, customer = files_api, users["agent"], users["customer"]
    pid = await api.insert_project(department=agent.department, agent=agent, stage=Stage.execution, customer=customer)
    r = await upload(api, agent, pid, "合同第二版.png", PNG, content_type="application/pdf")
    assert r.status_code == 201, r.text
    att = r.json()
    assert set(att) >= {"id", "name", "size", "sha256", "content_type", "kind"}
    assert (att["name"], att["size"], att["content_type"], att["kind"]) == ("合同第二版.png", len(PNG), "image/png",
                                                                            "results")  # fmt: skip
    assert att["sha256"] == hashlib.sha256(PNG).hexdigest()
    stored = files_api.app.state.settings.data_dir / "attachments" / att["sha256"][:2] / att["sha256"]
    assert stored.read_bytes() == PNG  # by content hash under the data dir

    for who in (agent, users["dept_head"], users["executive"], users["operations"], users["auditor"], customer):
        got = await api.http.get(f"/v1/attachments/{att['id']}", headers=who.headers)
        assert got.status_code == 200, (who.role, got.text)
        assert got.content == PNG
        assert got.headers["content-type"] == "image/png"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith("attachment;")
        assert "filename*=UTF-8''%E5%90%88" in got.headers["content-disposition"]

    stranger = await api.person("customer")
    assert_error(await api.http.get(f"/v1/attachments/{att['id']}", headers=stranger.headers), 403, "forbidden")
    other_agent = await api.person("agent", f"dept-{uuid.uuid4().hex[:6]}")
    assert_error(await api.http.get(f"/v1/attachments/{att['id']}", headers=other_agent.headers), 403, "forbidden")
    assert_error(await api.http.get("/v1/attachments/att-0000000000000000", headers=agent.headers), 404, "not_found")
    listed = (await api.http.get(f"/v1/projects/{pid}/attachments", headers=customer.headers)).json()
    assert [a["id"] for a in listed] == [att["id"]]


async def test_the_type_comes_from_the_bytes_not_the_name(files_api, users):
    api, agent = files_api, users["agent"]
    pid = await api.insert_project(department=agent.department, agent=agent, stage=Stage.execution)
    for name, data in (("invoice.pdf", EXE), ("photo.jpg", b"<html><script>alert(1)</script></html>"),
                       ("report.docx", docx(macros=True)), ("empty.pdf", b"")):  # fmt: skip
        assert_error(await upload(api, agent, pid, name, data), 422, "invalid")
    assert (await upload(api, agent, pid, "scan.pdf", PDF)).json()["content_type"] == "application/pdf"
    assert (await upload(api, agent, pid, "plan.docx", docx())).json()["content_type"].endswith(
        "wordprocessingml.document")
    count = await api.pool.fetchval("SELECT count(*) FROM attachments WHERE project_id = $1", pid)
    assert count == 2  # nothing of the refused ones


async def test_limits_per_file_and_per_project_are_422(files_api, users):
    api, agent = files_api, users["agent"]
    pid = await api.insert_project(department=agent.department, agent=agent, stage=Stage.execution)
    big = PDF + b"%" * (LIMITS.max_file_bytes + 1)
    assert "at most 64 KB" in assert_error(await upload(api, agent, pid, "big.pdf", big), 422, "invalid")["message"]
    half = PDF + b"%" * (40 * 1024)
    assert (await upload(api, agent, pid, "a.pdf", half)).status_code == 201
    assert (await upload(api, agent, pid, "b.pdf", half + b"1")).status_code == 201
    assert_error(await upload(api, agent, pid, "c.pdf", half + b"2"), 422, "invalid")  # 96 KiB per project
    assert (await upload(api, agent, pid, "d.png", PNG)).status_code == 201
    assert (await upload(api, agent, pid, "e.pdf", PDF)).status_code == 201
    assert_error(await upload(api, agent, pid, "f.pdf", PDF + b"3"), 422, "invalid")  # 4 files per project


async def test_who_may_upload_what(files_api, users):
    api, agent, customer = files_api, users["agent"], users["customer"]
    pid = await api.insert_project(department=agent.department, agent=agent, stage=Stage.customer_acceptance,
                                   customer=customer)  # fmt: skip
    assert (await upload(api, customer, pid, "签字.png", PNG, kind="acceptance")).status_code == 201
    assert_error(await upload(api, customer, pid, "r.png", PNG, kind="results"), 403, "forbidden")
    assert_error(await upload(api, users["auditor"], pid, "r.png", PNG), 403, "forbidden")
    assert_error(await upload(api, agent, pid, "r.png", PNG, kind="nonsense"), 422, "invalid")
    work = (await upload(api, agent, pid, "work.png", PNG, kind="work_record")).json()
    # Working papers stay with the staff (RULES §visibility).
    assert_error(await api.http.get(f"/v1/attachments/{work['id']}", headers=customer.headers), 403, "forbidden")
    done = await api.insert_project(department=agent.department, agent=agent, stage=Stage.completed)
    assert_error(await upload(api, agent, done, "late.png", PNG), 409, "wrong_stage")


async def test_disposal_of_the_customer_disposes_of_their_documents(files_api, users):
    api, agent, ops = files_api, users["agent"], users["operations"]
    pid = await api.insert_project(department=agent.department, agent=agent, stage=Stage.customer_acceptance,
                                   customer_data=CustomerIn(name="李雷", phone="13800001111"))  # fmt: skip
    unique = PNG + uuid.uuid4().bytes  # PNG readers ignore trailing bytes; a blob of its own
    att = (await upload(api, agent, pid, "signed.png", unique, kind="acceptance")).json()
    await api.pool.execute("UPDATE projects SET stage = 'completed' WHERE id = $1", pid)
    files = files_of(api.app.state.settings)
    assert await files.exists(att["sha256"])
    r = await api.http.post(f"/v1/projects/{pid}/customer/dispose", headers=ops.headers)
    assert r.status_code == 200, r.text
    assert not await files.exists(att["sha256"])
    assert_error(await api.http.get(f"/v1/attachments/{att['id']}", headers=ops.headers), 404, "not_found")
    row = await api.pool.fetchrow("SELECT a.disposed_at, c.phone_index FROM attachments a JOIN customers c "
                                  "USING (project_id) WHERE a.id = $1", att["id"])  # fmt: skip
    assert row["disposed_at"] is not None and row["phone_index"] is None


ASSESSMENT = {"in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 20, "budget": "5000"}


@pytest.mark.usefixtures("worker")
async def test_results_and_acceptance_carry_attachment_ids(files_api, users):
    api, agent, head, customer = files_api, users["agent"], users["dept_head"], users["customer"]
    body = {"customer": {"name": "韩梅梅", "phone": "13912345678", "user": customer.name}, "channel": "online",
            "requirement": "购买学区房", "business_type": "real_estate"}  # fmt: skip
    pid = (await api.http.post("/v1/projects", json=body, headers=agent.headers)).json()["id"]
    p = f"/v1/projects/{pid}"

    async def ok(path, who, payload):
        r = await api.http.post(path, json=payload, headers=who.headers)
        assert r.status_code == 200, r.text
        return r.json()

    await ok(f"{p}/assessment", agent, ASSESSMENT)
    await ok(f"{p}/decisions", head, {"gate": "initiation", "decision": "approve"})
    await ok(f"{p}/plan", agent, {"goals": "g", "responsibilities": "r", "milestones": [
        {"name": "m", "due_date": (date.today() + timedelta(days=5)).isoformat()}]})
    await ok(f"{p}/decisions", head, {"gate": "plan", "decision": "approve"})
    doc = (await upload(api, agent, pid, "合同第二版.pdf", PDF)).json()
    elsewhere = await api.insert_project(department=agent.department, agent=agent, stage=Stage.execution)
    foreign = (await upload(api, agent, elsewhere, "other.pdf", PDF)).json()

    bad = {"summary": "合同第二版", "attachment_ids": [foreign["id"]]}
    assert foreign["id"] in assert_error(await api.http.post(f"{p}/results", json=bad, headers=agent.headers),
                                         422, "invalid")["message"]  # fmt: skip
    malformed = {"summary": "x", "attachment_ids": ["../../etc/passwd"]}
    assert_error(await api.http.post(f"{p}/results", json=malformed, headers=agent.headers), 422, "invalid")
    view = await ok(f"{p}/results", agent, {"summary": "合同第二版", "attachments": ["合同第二版.pdf"],
                                            "attachment_ids": [doc["id"]]})  # fmt: skip
    assert view["stage"] == "result_review"
    await ok(f"{p}/decisions", head, {"gate": "result_review", "decision": "approve"})
    seen = (await api.http.get(p, headers=customer.headers)).json()  # what the customer is asked to accept
    [put] = [e for e in seen["history"] if e["kind"] == "results_submitted"]
    assert put["data"]["attachment_ids"] == [doc["id"]]
    photo = (await upload(api, customer, pid, "验收确认书.png", PNG, kind="acceptance")).json()
    await ok(f"{p}/acceptance", customer, {"accepted": True, "rating": 5, "attachment_ids": [photo["id"]]})

    data = {r["kind"]: r["data"] for r in await api.pool.fetch(
        "SELECT kind, data FROM events WHERE project_id = $1 AND kind IN ('results_submitted', 'accepted')", pid)}
    assert data["results_submitted"]["attachment_ids"] == [doc["id"]]
    assert data["accepted"]["attachment_ids"] == [photo["id"]]
    plain = await api.pool.fetchval("SELECT data FROM events WHERE project_id = $1 AND kind = 'assessment'", pid)
    assert "attachment_ids" not in plain  # steps without documents store what they always did
