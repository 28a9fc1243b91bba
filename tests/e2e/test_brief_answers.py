"""`Prefer: return=minimal` (api/routes/actions.py): a project action answers with what its workflow
update answered once the steps were recorded — the project's id, stage and last step number —
without reading the project back; the default answer stays the whole project. Idempotent
retries replay the first answer; refusals read as ever."""

from __future__ import annotations

from typing import Any

import pytest

import api.project_view
from api.routes.actions import prefers_minimal

INTAKE = {"customer": {"name": "陈杰"}, "channel": "phone", "requirement": "Rent a flat",
          "business_type": "property_sale"}  # fmt: skip
ASSESSMENT = {"in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 30, "budget": "5000"}
BRIEF = {"Prefer": "return=minimal"}


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The project ids whose record the API read back for a view."""
    read: list[str] = []
    record = api.project_view.project_record

    async def counted(pool: Any, project_id: str, **kw: Any) -> Any:
        read.append(project_id)
        return await record(pool, project_id, **kw)

    monkeypatch.setattr(api.project_view, "project_record", counted)
    return read


async def test_a_brief_answer_is_what_was_recorded_without_reading_it_back(stack, reads):
    team = await stack.team()
    agent, head = team["agent"].headers, team["dept_head"].headers
    r = await stack.http.post("/v1/projects", json=INTAKE, headers=agent)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    reads.clear()

    r = await stack.http.post(f"/v1/projects/{pid}/assessment", json=ASSESSMENT, headers={**agent, **BRIEF})
    assert r.status_code == 200, r.text
    assert r.headers["preference-applied"] == "return=minimal"
    answer = r.json()
    assert set(answer) == {"id", "stage", "seq"} and answer["id"] == pid
    assert answer["stage"] == "initiation_approval"
    assert reads == []  # nothing read back for it

    view = (await stack.http.get(f"/v1/projects/{pid}", headers=agent)).json()
    assert view["stage"] == answer["stage"]
    assert max(e["seq"] for e in view["history"]) == answer["seq"]

    # without the preference (or asking for the representation) the answer is the project
    reads.clear()
    r = await stack.http.post(f"/v1/projects/{pid}/decisions", json={"gate": "initiation", "decision": "approve"},
                              headers={**head, "Prefer": "return=representation"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert "preference-applied" not in r.headers
    assert r.json()["stage"] == "planning" and r.json()["history"] and reads == [pid]


async def test_a_retried_brief_action_applies_once_and_replays_its_answer(stack):
    team = await stack.team()
    agent, head = team["agent"].headers, team["dept_head"].headers
    pid = (await stack.http.post("/v1/projects", json=INTAKE, headers=agent)).json()["id"]
    assert (await stack.http.post(f"/v1/projects/{pid}/assessment", json=ASSESSMENT, headers=agent)).status_code == 200
    decide, body = f"/v1/projects/{pid}/decisions", {"gate": "initiation", "decision": "approve"}
    keyed = {**head, **BRIEF, "Idempotency-Key": "decide-1"}

    first = await stack.http.post(decide, json=body, headers=keyed)
    again = await stack.http.post(decide, json=body, headers=keyed)
    plain = await stack.http.post(decide, json=body, headers={**head, "Idempotency-Key": "decide-1"})
    assert first.status_code == again.status_code == plain.status_code == 200, (first.text, again.text)
    assert first.json() == again.json() == plain.json() and first.json()["stage"] == "planning"
    assert again.headers["idempotent-replayed"] == "true"

    history = (await stack.http.get(f"/v1/projects/{pid}", headers=head)).json()["history"]
    decided = [e for e in history if e["kind"] == "decision" and e["data"].get("gate") == "initiation"]
    assert len(decided) == 1, history

    # a refusal reads as ever: the gate is decided, so a new decision on it is 409
    refused = await stack.http.post(decide, json=body, headers={**head, **BRIEF})
    assert refused.status_code == 409 and refused.json()["error"]["code"]
    assert "preference-applied" not in refused.headers


async def test_a_brief_intake_answers_the_started_project(stack, reads):
    agent = (await stack.team())["agent"].headers
    pid = "brief-intake-1"
    r = await stack.http.post("/v1/projects", json={**INTAKE, "id": pid}, headers={**agent, **BRIEF})
    assert r.status_code == 201, r.text
    assert r.headers["preference-applied"] == "return=minimal"
    assert r.json() == {"id": pid, "stage": "assessment", "seq": r.json()["seq"]} and r.json()["seq"] >= 1
    again = await stack.http.post("/v1/projects", json={**INTAKE, "id": pid}, headers={**agent, **BRIEF})
    assert again.status_code == 200 and again.json() == r.json(), again.text  # the same project, unchanged
    assert reads == []
    view = (await stack.http.get(f"/v1/projects/{pid}", headers=agent)).json()
    assert view["stage"] == "assessment" and max(e["seq"] for e in view["history"]) == r.json()["seq"]


@pytest.mark.parametrize(("header", "minimal"), [
    ("return=minimal", True), ('return="minimal"', True), ("RETURN=Minimal", True),
    ("wait=10, return=minimal; foo=bar", True), ("respond-async,return=minimal", True),
    ("return=representation", False), ("returns=minimal", False), ("minimal", False), ("", False), (None, False),
])  # fmt: skip
def test_which_prefer_headers_ask_for_a_brief_answer(header: str | None, minimal: bool) -> None:
    assert prefers_minimal(header) is minimal
