"""Literal templates, people and commands for the pure process tests (no Temporal, no database)."""

from __future__ import annotations

from typing import Any

from domain.models import Actor, Role
from domain.process_flow import ProcessOutcome, begin
from domain.process_models import ProcessActionIn, ProcessCommand, ProcessStart, ProcessState
from domain.process_rules import act
from domain.process_template import ProcessTemplate, parse
from tests.domain.lifecycle_data import AGENT, BOSS, DATES, HEAD, MONDAY, OPS, POLICY, ctx

FINANCE = Actor(user_id="u-qian", name="Qian Yu", role=Role.dept_head, department="finance")
LEGAL = Actor(user_id="u-he", name="He Ping", role=Role.dept_head, department="legal")
CLERK = Actor(user_id="u-sun", name="Sun Li", role=Role.agent, department="finance")
AUDITOR = Actor(user_id="u-aud", name="Zhou Shen", role=Role.auditor)
PEOPLE = {p.name: p for p in (AGENT, HEAD, BOSS, OPS, FINANCE, LEGAL, CLERK, AUDITOR) if p.name}

EXPENSE: dict[str, Any] = {
    "key": "expense", "name": "费用报销",
    "form": [{"key": "amount", "label": "金额", "type": "money", "required": True},
             {"key": "purpose", "label": "事由", "type": "text", "required": True}],
    "nodes": [
        {"id": "head", "type": "approval", "approvers": [{"level": 1}], "sla": {"working_days": 1}},
        {"id": "finance", "type": "approval", "approvers": [{"department_head": "finance"}],
         "sla": {"working_days": 2}},
        {"id": "big", "type": "condition", "when": "amount > 50000", "else": "end"},
        {"id": "boss", "type": "approval", "approvers": [{"role": "executive"}], "sla": {"working_hours": 4},
         "timeout": "auto_approve"},
    ],
}  # fmt: skip


def template(data: dict[str, Any] | None = None, **changes: Any) -> ProcessTemplate:
    return parse({**(data or EXPENSE), **changes})


def flow(t: ProcessTemplate | None = None, form: dict[str, Any] | None = None,
         applicant: Actor = AGENT) -> ProcessStart:  # fmt: skip
    return ProcessStart(process_id="pr-0001", template=t or template(), applicant=applicant, people=PEOPLE,
                        form=form or {"amount": "800", "purpose": "出差"}, started_at=MONDAY, policy=POLICY,
                        calendar=DATES)  # fmt: skip


def started(f: ProcessStart) -> ProcessOutcome:
    return begin(f, ctx())


def cmd(who: Actor, action: str, person: Actor | None = None, **body: Any) -> ProcessCommand:
    return ProcessCommand(actor=who, body=ProcessActionIn(action=action, **body), person=person)  # type: ignore[arg-type]


def do(f: ProcessStart, s: ProcessState, who: Actor, action: str, person: Actor | None = None,
       **body: Any) -> ProcessOutcome:  # fmt: skip
    return act(f, s, cmd(who, action, person, **body), ctx())


def kinds(out: ProcessOutcome) -> list[str]:
    return [s.kind for s in out.steps]
