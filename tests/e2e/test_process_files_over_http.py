"""Files in process forms over HTTP (issue 15): a real file is uploaded first (the attachments'
rules: type from the bytes, the policy's limits, stored by content hash), its id sent in an
`attachment` field of the form or of a task's fields; only the sender's own upload is taken
(another's is 403, a name or unknown id 422, and either refusal starts or binds nothing); the
file is then read by whoever may see the instance and nobody else."""

from __future__ import annotations

import hashlib

import pytest

from store import process_templates
from tests.api.test_attachments import EXE
from tests.e2e.test_processes_over_http import act, start
from tests.e2e.test_rejections_over_http import assert_error
from tests.process_files import a_pdf, process_files, upload

__all__ = ["process_files"]
FORM = {"amount": "300", "category": "差旅", "purpose": "出差"}


@pytest.fixture(scope="module")
async def shipped(stack):  # type: ignore[no-untyped-def]
    await process_templates.load_dir(stack.pool)


@pytest.mark.usefixtures("shipped")
async def test_an_expense_takes_only_its_applicants_own_upload_and_shows_it_to_who_may_see_it(stack, process_files):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    colleague, stranger = await stack.person("agent", agent.department), await stack.person("agent", "别的部门")
    theirs = await upload(stack, colleague, "同事的发票.pdf")
    data = a_pdf()
    mine = await upload(stack, agent, "发票-0001.pdf", data)
    assert await upload(stack, agent, "again.pdf", data) == mine  # the same bytes again: the same upload
    assert_error(await stack.http.post("/v1/attachments", headers=agent.headers,
                                       files={"file": ("x.pdf", EXE, "application/pdf")}), 422, "invalid")  # fmt: skip
    assert_error(await stack.http.post("/v1/attachments", headers=team["customer"].headers,
                                       files={"file": ("x.pdf", a_pdf(), "application/pdf")}), 403)  # fmt: skip

    before = await stack.pool.fetchval("SELECT count(*) FROM processes WHERE applicant_id = $1", agent.id)
    await start(stack, agent, "expense", {**FORM, "receipts": [theirs]}, 403)
    await start(stack, agent, "expense", {**FORM, "receipts": [mine, theirs]}, 403)
    await start(stack, agent, "expense", {**FORM, "receipts": ["发票.pdf"]}, 422)
    await start(stack, agent, "expense", {**FORM, "receipts": ["att-0123456789abcdef"]}, 422)
    assert await stack.pool.fetchval("SELECT count(*) FROM processes WHERE applicant_id = $1", agent.id) == before
    assert await stack.pool.fetch("SELECT id FROM attachments WHERE process_id IS NOT NULL AND id = ANY($1)",
                                  [mine, theirs]) == []  # fmt: skip

    pid = (await start(stack, agent, "expense", {**FORM, "receipts": [mine]}))["id"]
    view = (await stack.http.get(f"/v1/processes/{pid}", headers=head.headers)).json()
    assert view["form"]["receipts"] == [mine] and [f["name"] for f in view["files"]] == ["发票-0001.pdf"]
    got = await stack.http.get(f"/v1/attachments/{mine}", headers=head.headers)
    assert got.status_code == 200 and got.content == data and "attachment;" in got.headers["content-disposition"]
    digest = hashlib.sha256(data).hexdigest()
    assert (process_files / digest[:2] / digest).read_bytes() == data  # by content hash, outside Temporal
    assert_error(await stack.http.get(f"/v1/attachments/{mine}", headers=stranger.headers), 403)
    assert_error(await stack.http.get(f"/v1/attachments/{theirs}", headers=agent.headers), 403)  # not sent yet
    await start(stack, agent, "expense", {**FORM, "receipts": [mine]}, 403)  # sent with another process already
    await act(stack, pid, head, "approve")


@pytest.mark.usefixtures("shipped", "process_files")
async def test_a_task_sends_its_file_and_a_refused_task_keeps_nothing(stack):
    team = await stack.team()
    owner, auditor = team["agent"], team["auditor"]
    pid = (await start(stack, auditor, "audit-rectification", {"finding": "合同未归档", "owner": owner.name}))["id"]
    proof = await upload(stack, owner, "归档清单.pdf")
    strays = await upload(stack, auditor, "底稿.pdf")
    await act(stack, pid, owner, "complete", 403, fields={"measures": "已补归档", "proof": [strays]})
    await act(stack, pid, auditor, "complete", 403, fields={"measures": "x", "proof": [strays]})  # not the owner
    assert await stack.pool.fetchval("SELECT process_id FROM attachments WHERE id = $1", strays) is None
    await act(stack, pid, owner, "complete", fields={"measures": "已补归档", "proof": [proof]})
    got = await stack.http.get(f"/v1/attachments/{proof}", headers=auditor.headers)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
