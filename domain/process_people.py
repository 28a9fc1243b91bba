"""Who a process node waits on (issue 15): approvers resolved against the applicant, the
template's named people and the form, as slots of roles, departments and people.

- `{"role": R}`: R in the applicant's department for department roles (agent, dept_head), or
  in `department`; company-wide roles (executive, operations, auditor) anywhere.
- `{"level": N}`: N levels above the applicant on agent → dept_head → executive (RULES
  §Deadlines and escalation); an executive's level is the executive.
- `{"user": NAME}`, `{"person_field": KEY}`: that person (the API looks names up when the
  process starts, so the workflow carries them in `ProcessStart.people`).
- `{"department_head": DEPT}`: the dept_head of DEPT.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.errors import Invalid
from domain.models import ESCALATION_LADDER, Actor, Role
from domain.process_models import Slot
from domain.process_template import Approver

DEPARTMENT_ROLES = (Role.agent, Role.dept_head)


def above(role: Role, levels: int) -> Role:
    """`levels` up the ladder from `role`; roles off it count as a dept_head."""
    start = ESCALATION_LADDER.index(role) if role in ESCALATION_LADDER else 1
    return ESCALATION_LADDER[min(start + levels, len(ESCALATION_LADDER) - 1)]


def person_named(a: Approver, form: Mapping[str, Any]) -> str | None:
    if a.user is not None:
        return a.user
    if a.person_field is not None:
        value = form.get(a.person_field)
        return str(value) if value else None
    return None


def resolve(a: Approver, slot_id: str, applicant: Actor, form: Mapping[str, Any],
            people: Mapping[str, Actor]) -> Slot:  # fmt: skip
    """The slot an approver stands for; Invalid when it names nobody Jindu knows."""
    if a.person_field is not None or a.user is not None:
        name = person_named(a, form)
        person = people.get(name or "")
        if person is None:
            if name:
                raise Invalid(f'no user named "{name}"', "no_one_named", who=name)
            raise Invalid(f"form.{a.person_field}: a person is required", "person_needed")
        return Slot(id=slot_id, role=person.role, department=person.department, user_id=person.user_id,
                    user_name=person.name)  # fmt: skip
    if a.department_head is not None:
        return Slot(id=slot_id, role=Role.dept_head, department=a.department_head)
    role = Role(a.role) if a.role is not None else above(applicant.role, a.level or 1)
    department = a.department or (applicant.department if role in DEPARTMENT_ROLES else None)
    if role in DEPARTMENT_ROLES and department is None:
        raise Invalid(f"the applicant has no department to find a {role.value} in",
                      "applicant_no_department", role=role.value)
    return Slot(id=slot_id, role=role, department=department if role in DEPARTMENT_ROLES else None)


def people_named(approvers: list[Approver], form: Mapping[str, Any]) -> list[str]:
    """The names the API must look up before starting (template users and form persons)."""
    return [n for a in approvers if (n := person_named(a, form))]
