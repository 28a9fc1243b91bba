"""Inputs that answered 5xx on the live API, kept as plain requests so they stay fixed.

Found by the fuzz test or reported in issue 6; each must answer 4xx (422 for a value the
API cannot store or page to), never 5xx.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.faults.burst import Outcomes, Team, act, project_actions

KNOWN = {
    "paging past int64": ("agent", "GET", "/v1/projects?offset=9223372036854775808", None),
    "NUL in the requirement": ("agent", "POST", "/v1/projects", {
        "channel": "visit", "business_type": "x", "requirement": "a\u0000b", "customer": {"name": "Chen"}}),
    "NUL in a measure's owner": ("dept_head", "POST", "/v1/projects/{project_id}/warning-analysis", {
        "cause": "people", "analysis": "short of staff",
        "measures": [{"description": "hire", "owner": "\u0000", "deadline_working_days": 5}]}),
    "NUL in a weekly report": ("agent", "POST", "/v1/projects/{project_id}/reports", {
        "progress": "\u0000", "problems": "", "next_week_plan": "more", "completed_milestones": []}),
}  # fmt: skip


@pytest.mark.parametrize("name", list(KNOWN))
async def test_known_bad_input_is_not_a_server_error(fuzz_target, name):
    role, method, path, body = KNOWN[name]
    headers = {"Authorization": f"Bearer {fuzz_target.tokens[role]}"}
    async with httpx.AsyncClient(base_url=fuzz_target.api_url, timeout=30) as http:
        # A project of its own: a bad input may leave it unable to record anything more.
        project_id = f"known-{uuid.uuid4().hex[:8]}"
        if "{project_id}" in path:
            team = Team(agent={"token": fuzz_target.tokens["agent"]}, head={"token": fuzz_target.tokens["dept_head"]})
            outcomes = Outcomes()
            for action_path, token, action_body in project_actions(project_id, team):
                await act(http, outcomes, action_path, token, action_body, deadline=30)
            assert outcomes.failed == []
        response = await http.request(method, path.format(project_id=project_id), json=body, headers=headers)
    assert response.status_code < 500, f"{response.status_code} {response.text[:300]}"
