"""A burst of HTTP actions across many projects, by clients that retry like careful people.

Each action is retried on 5xx and on connection errors with the same `Idempotency-Key`
(DESIGN: a retry with the same key applies nothing twice and answers the original outcome).
A core without the header may answer a retry of an applied action with 409: after an
answer that left the outcome unknown, that 409 counts as "applied before".
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx

RETRYABLE = frozenset({500, 502, 503, 504})


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer (connection refused/reset, timeout)
    at: float
    code: str | None = None
    retry_after: str | None = None


@dataclass
class Outcomes:
    answers: list[Answer] = field(default_factory=list)
    done: int = 0  # actions completed (2xx, or 409 after an unknown outcome)
    failed: list[str] = field(default_factory=list)

    def statuses(self, since: float = 0, until: float = float("inf")) -> Counter:
        return Counter(a.status for a in self.answers if since <= a.at <= until)


@dataclass
class Team:
    agent: dict[str, str]
    head: dict[str, str]


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def act(http: httpx.AsyncClient, outcomes: Outcomes, path: str, token: str, body: dict,
              ok: tuple[int, ...] = (200, 201), deadline: float = 150) -> None:
    key = uuid.uuid4().hex
    headers = {**_headers(token), "Idempotency-Key": key}
    unknown = False
    give_up = time.monotonic() + deadline
    while True:
        try:
            r = await http.post(path, json=body, headers=headers)
        except httpx.TransportError:
            outcomes.answers.append(Answer(None, time.monotonic()))
            unknown = True
        else:
            code = r.json().get("error", {}).get("code") if r.status_code >= 400 else None
            outcomes.answers.append(Answer(r.status_code, time.monotonic(), code, r.headers.get("retry-after")))
            if r.status_code in ok or (r.status_code == 409 and unknown):
                outcomes.done += 1
                return
            if r.status_code not in RETRYABLE:
                outcomes.failed.append(f"POST {path}: {r.status_code} {r.text[:300]}")
                return
            unknown = True
        if time.monotonic() > give_up:
            outcomes.failed.append(f"POST {path}: gave up after {deadline:.0f} s")
            return
        await asyncio.sleep(0.3)


def project_actions(project_id: str, team: Team) -> list[tuple[str, str, dict]]:
    """Intake to execution with one weekly report: six actions, each one update or start."""
    base = f"/v1/projects/{project_id}"
    today = date.today()
    return [
        ("/v1/projects", team.agent["token"], {
            "id": project_id, "channel": "phone", "business_type": "property_sale",
            "requirement": "Rent a flat near the office", "customer": {"name": "陈杰", "phone": "13800000000"}}),
        (f"{base}/assessment", team.agent["token"], {
            "in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 30, "budget": "5000"}),
        (f"{base}/decisions", team.head["token"], {"gate": "initiation", "decision": "approve"}),
        (f"{base}/plan", team.agent["token"], {
            "goals": "Sign a lease", "responsibilities": "the agent", "milestones": [
                {"name": "viewings", "due_date": (today + timedelta(days=20)).isoformat()},
                {"name": "lease", "due_date": (today + timedelta(days=40)).isoformat()}]}),
        (f"{base}/decisions", team.head["token"], {"gate": "plan", "decision": "approve"}),
        (f"{base}/reports", team.agent["token"], {
            "progress": "3 viewings", "problems": "", "next_week_plan": "more viewings",
            "completed_milestones": []}),
    ]  # fmt: skip


FINAL_STAGE = "execution"


async def run_burst(api_url: str, team: Team, project_ids: list[str], outcomes: Outcomes) -> None:
    """Every project's actions in order; projects concurrently."""
    async with httpx.AsyncClient(base_url=api_url, timeout=httpx.Timeout(15, connect=3)) as http:
        async def one(project_id: str) -> None:
            for path, token, body in project_actions(project_id, team):
                await act(http, outcomes, path, token, body)

        await asyncio.gather(*(one(p) for p in project_ids))


async def stages(api_url: str, team: Team, project_ids: list[str]) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=api_url, timeout=15) as http:
        async def one(project_id: str) -> str:
            r = await http.get(f"/v1/projects/{project_id}", headers=_headers(team.agent["token"]))
            return r.json()["stage"] if r.status_code == 200 else f"HTTP {r.status_code}"

        return dict(zip(project_ids, await asyncio.gather(*(one(p) for p in project_ids)), strict=True))


async def when_done(outcomes: Outcomes, fraction: float, total: int, timeout: float = 60) -> None:
    """Until `fraction` of the burst's `total` actions have completed: the moment to inject a fault."""
    deadline = time.monotonic() + timeout
    while outcomes.done < fraction * total:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {outcomes.done} of {total} actions done in {timeout:.0f} s")
        await asyncio.sleep(0.05)
