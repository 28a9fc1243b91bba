"""Nothing valid-looking can freeze a project (issue 6): a NUL, a lone surrogate, a control
character, an over-long string or an oversized list in any field of any action is 422 with
the field named, and changes nothing — no row, no event, no history in Temporal. The same
input sent straight to the workflow (`temporal workflow update`) is rejected there."""

from __future__ import annotations

import uuid

from domain.text import NAME_MAX
from tests.e2e.bad_input_data import (
    ACTIONS,
    bad_bodies,
    raw,
    records_of,
)


async def test_bad_text_and_oversized_lists_in_every_action_are_422_and_change_nothing(stack, in_rectification):
    pid, task_id, team = in_rectification
    before = await records_of(stack, pid)
    sent = 0
    for name, action in ACTIONS.items():
        path = action.path.format(p=f"/v1/projects/{pid}", task=task_id)
        for where, what, body in bad_bodies(action):
            r = await stack.http.request(action.method, path, content=raw(body), headers={
                **team[action.who].headers, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
            context = f"{name} {where}: {what}"
            assert r.status_code == 422, (context, r.text)
            error = r.json()["error"]
            assert error["code"] == "invalid" and error["message"], context
            fields = {d["field"] for d in error["details"]}
            assert fields == {f"body.{where}"}, (context, error["details"])
            assert "\ud800" not in r.text and "\x00" not in r.text  # the input is not echoed
            sent += 1
    assert sent >= 130
    assert await records_of(stack, pid) == before


async def test_bad_query_path_and_header_values_are_422_never_500(stack, in_rectification):
    pid, task_id, team = in_rectification
    ops, head = team["operations"].headers, team["dept_head"].headers
    before = await records_of(stack, pid)
    for url, headers in [
        ("/v1/projects?department=%00", ops),
        ("/v1/projects?department=a%1Bb", ops),
        (f"/v1/projects?department={'d' * (NAME_MAX + 1)}", ops),
        ("/v1/projects?offset=9223372036854775808", ops),
        ("/v1/projects?offset=100001", ops),
        ("/v1/projects?offset=-1", ops),
        ("/v1/projects?limit=0", ops),
        ("/v1/projects?limit=101", ops),
        ("/v1/projects?overdue=%00", ops),
        ("/v1/kpis?department=%00", ops),
        ("/v1/kpis?agent=%00", ops),
        ("/v1/kpis?period=%00", ops),
        ("/v1/projects/bad%00id", ops),
        (f"/v1/projects/{'p' * 65}", ops),
        ("/v1/projects/bad%1Bid/decisions", head),
    ]:
        method = "POST" if url.endswith("/decisions") else "GET"
        r = await stack.http.request(method, url, headers=headers, json={"gate": "plan", "decision": "approve"})
        assert r.status_code == 422, (url, r.text)
        assert r.json()["error"]["code"] == "invalid", url
    r = await stack.http.post(f"/v1/tasks/{'t' * 101}/complete", headers=team["agent"].headers,
                              json={"resolution": "r"})
    assert r.status_code == 422, r.text
    for key in ("has space", "k" * 201, "ключ"):
        r = await stack.http.post(f"/v1/projects/{pid}/cancel", json={"reason": "r"},
                                  headers={**ops, "Idempotency-Key": key.encode()})
        assert r.status_code == 422, (key, r.text)
    assert await records_of(stack, pid) == before


async def test_a_required_text_of_only_white_space_is_422_and_changes_nothing(stack, in_rectification):
    pid, task_id, team = in_rectification
    before = await records_of(stack, pid)
    for path, who, body, where in [
        (f"/v1/tasks/{task_id}/complete", "agent", {"resolution": " \n\t "}, "body.resolution"),
        (f"/v1/projects/{pid}/cancel", "operations", {"reason": "\u3000 "}, "body.reason"),
        (f"/v1/projects/{pid}/reassign", "operations", {"target": "pending", "to": team["agent"].name,
                                                         "reason": "   "}, "body.reason"),
    ]:
        r = await stack.http.post(path, json=body, headers=team[who].headers)
        assert r.status_code == 422, (path, r.text)
        assert [d["field"] for d in r.json()["error"]["details"]] == [where]
        assert "blank" in r.json()["error"]["details"][0]["message"]
    assert await records_of(stack, pid) == before
