"""档案查询 over HTTP: archived projects found by Chinese text, phone, agent, type and date,
scoped per role, paged by keyset; a bundle with its documents; the auditor's ZIP export.
Projects are archived by the archive activity's own SQL (store/archive.py) on read-model rows."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest_asyncio

from domain.commands import CustomerIn
from domain.models import Stage
from store import archive

from .conftest import assert_error
from .test_attachments import PDF, app_with_files, upload


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def files_api(local_env, pool, cipher, tmp_path_factory):
    async with app_with_files(local_env, pool, cipher, tmp_path_factory.mktemp("jindu-archive")) as api:
        yield api


async def archived(api, *, agent, requirement: str, results: str, customer=None, phone: str | None = None,
                   business_type: str = "real_estate", documents: tuple[bytes, ...] = (),
                   at: datetime | None = None) -> str:  # fmt: skip
    pid = await api.insert_project(department=agent.department, agent=agent, stage=Stage.customer_acceptance,
                                   customer=customer, events=[("results_submitted", "")],
                                   customer_data=CustomerIn(name="客户", phone=phone) if phone else None)  # fmt: skip
    for data in documents:
        assert (await upload(api, agent, pid, "合同.pdf", data)).status_code == 201
    async with api.pool.acquire() as db, db.transaction():
        await db.execute("UPDATE projects SET requirement = $2, business_type = $3, stage = 'completed', "
                         "updated_at = $4 WHERE id = $1", pid, requirement, business_type,
                         at or datetime.now(UTC))  # fmt: skip
        await db.execute("INSERT INTO result_submissions (step_key, project_id, submission, summary, at) "
                         "VALUES ($1, $2, 1, $3, now())", f"{pid}:1", pid, results)  # fmt: skip
        await archive.archive(db, pid, f"{pid}:archive")
    return pid


async def found(api, who, **params) -> list[str]:
    r = await api.http.get("/v1/archive", params=params, headers=who.headers)
    assert r.status_code == 200, r.text
    return [i["project_id"] for i in r.json()["items"]]


@pytest_asyncio.fixture(loop_scope="session")
async def shelf(files_api, users):
    """Three archived projects of one department, one of another, each with a word of its own."""
    api, agent, customer = files_api, users["agent"], users["customer"]
    tag = uuid.uuid4().hex[:6]
    other = await api.person("agent", f"dept-{uuid.uuid4().hex[:6]}")
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    school = await archived(api, agent=agent, requirement=f"购买学区房 {tag}，预算三百万", results="合同第二版已签",
                            customer=customer, phone=phone, documents=(PDF + tag.encode(),))  # fmt: skip
    loan = await archived(api, agent=agent, requirement=f"办理经营贷款 {tag}", results="银行批复", business_type="loan",
                          at=datetime.now(UTC) - timedelta(days=40))  # fmt: skip
    job = await archived(api, agent=agent, requirement=f"Find a job in logistics {tag}", results="Offer signed",
                         business_type="talent")  # fmt: skip
    away = await archived(api, agent=other, requirement=f"购买学区房 {tag} 另一部门", results="合同第二版")
    return {"tag": tag, "phone": phone, "school": school, "loan": loan, "job": job, "away": away, "other": other}


async def test_chinese_text_without_a_dictionary(files_api, users, shelf):
    api, auditor, tag = files_api, users["auditor"], shelf["tag"]
    assert set(await found(api, auditor, q=f"学区 {tag}")) == {shelf["school"], shelf["away"]}
    assert await found(api, auditor, q=f"合同第二版已签 {tag}") == [shelf["school"]]  # result summaries too
    assert await found(api, auditor, q=f"贷款 {tag}") == [shelf["loan"]]
    assert await found(api, auditor, q=f"LOGISTICS {tag}") == [shelf["job"]]
    assert await found(api, auditor, q=f"学区房 贷款 {tag}") == []  # every word must occur


async def test_phone_agent_type_and_dates(files_api, users, shelf):
    api, auditor, agent, tag = files_api, users["auditor"], users["agent"], shelf["tag"]
    spaced = f"+86 {shelf['phone'][:3]} {shelf['phone'][3:7]}-{shelf['phone'][7:]}"
    assert await found(api, auditor, phone=spaced) == [shelf["school"]]  # the blind index of the normalised phone
    assert await found(api, auditor, q=spaced) == [shelf["school"]]  # typed in the one search box
    numbered = await archived(api, agent=agent, requirement=f"预算 {shelf['phone']} 元", results="-")
    assert set(await found(api, auditor, q=shelf["phone"])) == {shelf["school"], numbered}  # phone or text
    assert_error(await api.http.get("/v1/archive", params={"phone": "abc"}, headers=auditor.headers), 422, "invalid")
    assert set(await found(api, auditor, q=tag, agent=agent.name)) == {shelf["school"], shelf["loan"], shelf["job"]}
    assert await found(api, auditor, q=tag, agent=shelf["other"].id) == [shelf["away"]]
    assert await found(api, auditor, q=tag, business_type="loan") == [shelf["loan"]]
    today = date.today()
    recent = await found(api, auditor, q=tag, **{"from": (today - timedelta(days=7)).isoformat(),
                                                 "to": (today + timedelta(days=1)).isoformat()})  # fmt: skip
    assert shelf["loan"] not in recent and shelf["school"] in recent
    old = await found(api, auditor, q=tag, to=(today - timedelta(days=30)).isoformat())
    assert old == [shelf["loan"]]


async def test_scope_per_role(files_api, users, shelf):
    api, tag = files_api, shelf["tag"]
    mine = {shelf["school"], shelf["loan"], shelf["job"]}
    for role in ("agent", "dept_head"):
        assert set(await found(api, users[role], q=tag)) == mine  # their department's only
    for role in ("executive", "operations", "auditor"):
        assert set(await found(api, users[role], q=tag)) == mine | {shelf["away"]}
    assert await found(api, users["customer"], q=tag) == [shelf["school"]]  # their own
    assert await found(api, await api.person("customer"), q=tag) == []


async def test_keyset_pages(files_api, users, shelf):
    api, auditor = files_api, users["auditor"]
    first = (await api.http.get("/v1/archive", params={"q": shelf["tag"], "limit": 2}, headers=auditor.headers)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = await found(api, auditor, q=shelf["tag"], limit=2, after=first["next_cursor"])
    assert len(rest) == 2 and not {i["project_id"] for i in first["items"]} & set(rest)
    assert_error(await api.http.get("/v1/archive", params={"after": "nonsense"}, headers=auditor.headers), 422,
                 "invalid")  # fmt: skip


async def test_bundle_with_documents_and_zip_export(files_api, users, shelf):
    api, auditor, pid = files_api, users["auditor"], shelf["school"]
    r = await api.http.get(f"/v1/projects/{pid}/archive", headers=auditor.headers)
    assert r.status_code == 200, r.text
    bundle = r.json()
    assert bundle["project_id"] == pid and bundle["summary"]["requirement"].startswith("购买学区房")
    [doc] = bundle["documents"]
    assert doc["name"] == "合同.pdf" and doc["kind"] == "results"
    assert_error(await api.http.get(f"/v1/projects/{pid}/archive", headers=users["customer"].headers), 403, "forbidden")
    running = await api.insert_project(department=users["agent"].department, agent=users["agent"])
    assert_error(await api.http.get(f"/v1/projects/{running}/archive", headers=auditor.headers), 404, "not_found")

    z = await api.http.get(f"/v1/projects/{pid}/archive.zip", headers=auditor.headers)
    assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(z.content)) as archive_zip:
        names = set(archive_zip.namelist())
        assert {"index.json", "index.txt", f"documents/{doc['id']}-合同.pdf"} <= names
        index = json.loads(archive_zip.read("index.json"))
        assert index["documents"][0]["path"] == f"documents/{doc['id']}-合同.pdf"
        assert archive_zip.read(index["documents"][0]["path"]) == PDF + shelf["tag"].encode()
        assert "合同.pdf" in archive_zip.read("index.txt").decode()
    for role in ("agent", "customer"):
        got = await api.http.get(f"/v1/projects/{pid}/archive.zip", headers=users[role].headers)
        assert_error(got, 403, "forbidden")
