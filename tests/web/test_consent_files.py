"""A consent's signed scans (issue 14; 001 客户信息管理 §3) over HTTP and in the workspace: the
recorder's own uploads (`POST /v1/attachments`, type from the bytes) sent as `attachment_ids`;
an unknown id is 422 and another person's upload 403, and either records nothing; the files
are listed on `GET /v1/customers/{id}` and the card, downloaded by whoever may see the
customer and nobody else; retention never prunes an upload a consent holds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from store.retention import prune_unsent_uploads
from tests.e2e.test_rejections_over_http import assert_error
from tests.process_files import a_pdf, process_files, upload
from tests.web.conftest import csrf_of
from tests.web.helpers import call

__all__ = ["process_files"]
LONG_AGO = datetime(2001, 1, 1, tzinfo=UTC)


def consent(**more: object) -> dict[str, object]:
    return {"recipient": "上海银行", "scope": ["contact"], "nda_reference": "NDA-2026-88",
            "signed_at": "2026-11-02T10:00:00+08:00", **more}  # fmt: skip


async def test_a_consent_keeps_its_own_scans_and_shows_them_to_who_may_see_the_customer(stack, process_files,
                                                                                        browserless):  # fmt: skip
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    colleague, stranger = await stack.person("agent", agent.department), await stack.person("agent", "别的部门")
    cid = (await call(stack, "POST", "/v1/customers", agent,
                      {"name": "周扫描", "phone": f"137{uuid.uuid4().int % 10**8:08d}"}, 201))["id"]  # fmt: skip
    path = f"/v1/customers/{cid}/consents"
    data = a_pdf()
    mine = await upload(stack, agent, "授权书.pdf", data)
    theirs = await upload(stack, colleague, "同事的.pdf")
    assert_error(await stack.http.post(path, json=consent(attachment_ids=[mine, theirs]), headers=agent.headers), 403)
    assert_error(await stack.http.post(path, json=consent(attachment_ids=["att-0123456789abcdef"]),
                                       headers=agent.headers), 422)  # fmt: skip
    assert_error(await stack.http.post(path, json=consent(attachment_ids=["授权书.pdf"]), headers=agent.headers), 422)
    assert await stack.pool.fetchval("SELECT count(*) FROM customer_consents WHERE customer_id = $1", cid) == 0
    assert await stack.pool.fetchval("SELECT consent_id FROM attachments WHERE id = $1", mine) is None

    made = await call(stack, "POST", path, agent, consent(attachment_ids=[mine, mine]), 201)
    card = await call(stack, "GET", f"/v1/customers/{cid}", head)
    [shown] = card["consents"]
    assert shown["id"] == made["id"] and shown["attachment_ids"] == [mine]
    files = [(f["id"], f["name"], f["content_type"]) for f in shown["files"]]
    assert files == [(mine, "授权书.pdf", "application/pdf")]
    got = await stack.http.get(f"/v1/attachments/{mine}", headers=head.headers)
    assert got.status_code == 200 and got.content == data
    assert_error(await stack.http.get(f"/v1/attachments/{mine}", headers=stranger.headers), 403)
    assert_error(await stack.http.get(f"/v1/attachments/{mine}", headers=colleague.headers), 403)
    assert_error(await stack.http.post(path, json=consent(attachment_ids=[mine]), headers=agent.headers), 403)

    # Retention: an unsent upload of the same age goes, the consent's scan and its bytes stay.
    stray = await upload(stack, agent, "没发出的.pdf")
    await stack.pool.execute("UPDATE attachments SET uploaded_at = $2 WHERE id = ANY($1)", [mine, stray],
                             LONG_AGO)  # fmt: skip
    await prune_unsent_uploads(stack.pool, stack.app.state.files, datetime(2001, 1, 2, tzinfo=UTC), 100)
    left = {r["id"] for r in await stack.pool.fetch("SELECT id FROM attachments WHERE id = ANY($1)", [mine, stray])}
    assert left == {mine}
    assert (await stack.http.get(f"/v1/attachments/{mine}", headers=agent.headers)).content == data

    # The workspace: the card links the scan; the consent form takes a photo as the visitor's own upload.
    v = await browserless(agent)
    page = await v.http.get(f"/customers/{cid}")
    assert f'href="/files/{mine}"' in page.text and 'capture="environment"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    csrf = csrf_of(page.text)
    photo = a_pdf()
    r = await v.http.post(f"/customers/{cid}/actions/consent",
                          data={**consent(scope="contact"), "signed_at": "2026-11-03T09:00", "confirm": "yes",
                                "csrf": csrf, "recipient": "安居律师事务所"},
                          files={"attachment_ids": ("保密协议.jpg", photo, "image/jpeg")})  # fmt: skip
    assert r.status_code == 303, r.text[:2000]
    row = await stack.pool.fetchrow("SELECT c.attachment_ids, a.name, a.content_type, a.uploaded_by FROM "
                                    "customer_consents c JOIN attachments a ON a.consent_id = c.id "
                                    "WHERE c.customer_id = $1 AND c.recipient = '安居律师事务所'", cid)  # fmt: skip
    assert (row["name"], row["content_type"], row["uploaded_by"]) == ("保密协议.jpg", "application/pdf", agent.id)
    shown_files = (await v.http.get(f"/customers/{cid}")).text
    assert f'href="/files/{row["attachment_ids"][0]}"' in shown_files
    assert (await v.http.get(f"/files/{mine}")).content == data
