"""A process template: a flow the company writes down (004 intro 1–3; issue 15), as data.

`{key, name, form: [...], nodes: [...]}`. Nodes run in order; a `condition` node jumps
forward (`then` / `else`: a node id, "next" or "end"), any node may end the flow after it
(`next: "end"`) or jump forward (`next: <id>`). Approvers are `{"role": R}` (in the
applicant's department for agents and dept_heads, or `department`), `{"level": N}` (N up
the ladder agent → dept_head → executive from the applicant), `{"user": NAME}`,
`{"department_head": DEPT}`, or `{"person_field": KEY}` (the person named in the form).
Each node may have a deadline (`sla`, the policy's SLA shapes), an escalation chain after
it, and a timeout action.

`parse` answers the template or `TemplateInvalid` with errors that point at the node
(`nodes[3].approvers: unknown role "hr"`). Versions are numbered by the store: a running
instance carries its own copy of the template in its workflow input.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from domain.flaws import Flaw, of_pydantic
from domain.models import Role
from domain.policy import EscalationStep
from domain.process_conditions import APPLICANT_NAMES, ConditionError, check
from domain.sla import Duration
from domain.text import Name, ShortText

KEY_PATTERN = r"^[a-z][a-z0-9_-]{1,63}$"
NODE_ID_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$"
FieldType = Literal["text", "number", "money", "date", "choice", "person", "department", "attachment"]
Mode = Literal["all", "any", "sequence"]  # 会签, 或签, 依次
TimeoutAction = Literal["remind", "escalate", "auto_approve", "auto_reject"]
ROLES = {r.value for r in Role if r != Role.customer}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormField(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    label: Name
    type: FieldType = "text"
    required: bool = False
    options: list[Name] | None = Field(default=None, max_length=50)

    @model_validator(mode="after")
    def _options(self) -> FormField:
        if (self.type == "choice") != bool(self.options):
            raise PydanticCustomError("choice_options", "options: a choice field needs options, and only a choice "
                                      "field has them")  # fmt: skip
        if self.key in APPLICANT_NAMES:
            raise PydanticCustomError("reserved_key", f'key: "{self.key}" is reserved for the applicant')
        return self


class Approver(Strict):
    """Exactly one of role, level, user, department_head, person_field."""

    role: str | None = None
    department: Name | None = Field(default=None, description="With `role`: that department instead of the applicant's")
    level: int | None = Field(default=None, ge=1, le=2)
    user: Name | None = None
    department_head: Name | None = None
    person_field: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Approver:
        kinds = ("role", "level", "user", "department_head", "person_field")
        given = [k for k in kinds if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError("approver_one", "an approver is one of role, level, user, department_head "
                                      "or person_field")  # fmt: skip
        if self.department is not None and self.role is None:
            raise PydanticCustomError("department_with_role", "department goes with role")
        return self


class NodeSla(Duration):
    """The node's deadline in one unit (domain/sla.py), counted from when it is reached."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _one_unit(self) -> NodeSla:
        if sum(v is not None for v in (self.working_days, self.working_hours, self.minutes)) != 1:
            raise PydanticCustomError("sla_one_unit", "a deadline is one of working_days, working_hours or minutes")
        return self


Target = Annotated[str, Field(pattern=r"^([a-z][a-z0-9_-]{0,31}|next|end)$")]


class Node(Strict):
    id: str | None = Field(default=None, pattern=NODE_ID_PATTERN)
    name: Name | None = None
    next: Target = "next"


def _known_roles(approvers: list[Approver]) -> list[Approver]:
    for a in approvers:
        if a.role is not None and a.role not in ROLES:
            raise PydanticCustomError("unknown_role", f'unknown role "{a.role}"')
    return approvers


class Waiting(Node):
    """A node that waits on people: its deadline and what happens when it passes."""

    sla: NodeSla | None = None
    escalation: list[EscalationStep] = Field(default_factory=list, max_length=5)
    timeout: TimeoutAction = "remind"

    @model_validator(mode="after")
    def _timed(self) -> Waiting:
        if self.sla is None and (self.escalation or self.timeout != "remind"):
            raise PydanticCustomError("sla_needed", "sla: escalation and timeout need a deadline")
        return self


class ApprovalNode(Waiting):
    type: Literal["approval"]
    approvers: list[Approver] = Field(min_length=1, max_length=20)
    mode: Mode = "any"

    _roles = field_validator("approvers")(_known_roles)


class TaskNode(Waiting):
    type: Literal["task"]
    approvers: list[Approver] = Field(min_length=1, max_length=1, description="Who does it (one)")
    fields: list[FormField] = Field(default_factory=list, max_length=30, description="What they fill in")

    _roles = field_validator("approvers")(_known_roles)

    @model_validator(mode="after")
    def _no_auto(self) -> TaskNode:
        if self.timeout in ("auto_approve", "auto_reject"):
            raise PydanticCustomError("task_no_auto", "timeout: a task is not decided by the clock")
        return self


class ConditionNode(Node):
    type: Literal["condition"]
    when: str = Field(min_length=1, max_length=500)
    then: Target = "next"
    otherwise: Target = Field(default="next", alias="else")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CcNode(Node):
    type: Literal["cc"]
    approvers: list[Approver] = Field(min_length=1, max_length=20, description="Who is told")

    _roles = field_validator("approvers")(_known_roles)


AnyNode = Annotated[ApprovalNode | TaskNode | ConditionNode | CcNode, Field(discriminator="type")]


class ProcessTemplate(Strict):
    key: str = Field(pattern=KEY_PATTERN)
    name: Name
    description: ShortText | None = None
    starters: list[str] = Field(default_factory=lambda: sorted(ROLES), description="Roles that may start it")
    form: list[FormField] = Field(default_factory=list, max_length=40)
    nodes: list[AnyNode] = Field(min_length=1, max_length=50)
    version: int = Field(default=0, ge=0, description="Set by the store when uploaded")

    @field_validator("starters")
    @classmethod
    def _starters(cls, roles: list[str]) -> list[str]:
        _known_roles([Approver(role=r) for r in roles])
        return roles

    @model_validator(mode="before")
    @classmethod
    def _ids(cls, data: Any) -> Any:
        """Nodes without an id get `n<position>` (1-based), so returns and jumps can name them."""
        if isinstance(data, dict) and isinstance(data.get("nodes"), list):
            nodes = [dict(n, id=n.get("id") or f"n{i}") if isinstance(n, dict) else n
                     for i, n in enumerate(data["nodes"], start=1)]  # fmt: skip
            data = {**data, "nodes": nodes}
        return data

    def node(self, node_id: str) -> AnyNode:
        return next(n for n in self.nodes if n.id == node_id)

    def index(self, node_id: str) -> int:
        return next(i for i, n in enumerate(self.nodes) if n.id == node_id)

    def field(self, key: str) -> FormField | None:
        return next((f for f in self.form if f.key == key), None)


def _problems(t: ProcessTemplate) -> list[Flaw]:
    """What the node models alone cannot see: ids, jumps, conditions and form references."""
    found: list[Flaw] = []
    ids = [n.id for n in t.nodes]
    keys = [f.key for f in t.form]
    if len(set(keys)) != len(keys):
        found.append(Flaw("keys_unique", "form", detail="keys must be unique"))
    names = [*keys, *APPLICANT_NAMES]
    for i, n in enumerate(t.nodes):
        where = f"nodes[{i}]"
        if isinstance(n, TaskNode):  # what a task fills in, later conditions may read
            names += [f.key for f in n.fields]
        if ids.count(n.id) > 1:
            found.append(Flaw("id_twice", f"{where}.id", detail=f'"{n.id}" is used twice'))
        targets = [("next", n.next)]
        if isinstance(n, ConditionNode):
            targets += [("then", n.then), ("else", n.otherwise)]
            try:
                check(n.when, names)
            except ConditionError as err:
                found.append(Flaw("condition", f"{where}.when", detail=str(err)))
        for attr, target in targets:
            if target not in ("next", "end") and (target not in ids or ids.index(target) <= i):
                found.append(Flaw("not_after", f"{where}.{attr}", detail=f'"{target}" is not a node after this one'))
        for j, a in enumerate(getattr(n, "approvers", [])):
            f = t.field(a.person_field) if a.person_field else None
            if a.person_field and (f is None or f.type != "person"):
                found.append(Flaw("not_person_field", f"{where}.approvers[{j}]",
                                  detail=f'"{a.person_field}" is not a person field of the form'))  # fmt: skip
    if not any(isinstance(n, (ApprovalNode, TaskNode)) for n in t.nodes):
        found.append(Flaw("needs_work_node", "nodes", detail="a process needs at least one approval or task"))
    return found


class TemplateInvalid(ValueError):
    """`errors` as `path: message` in English (the API's message); `flaws` the same, by kind
    and place, for a reader in any language (domain/flaws.py)."""

    def __init__(self, errors: list[str], flaws: list[Flaw] | None = None) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.flaws = flaws if flaws is not None else [Flaw("invalid", "", detail=e) for e in errors]

    @staticmethod
    def of(flaws: list[Flaw]) -> TemplateInvalid:
        return TemplateInvalid([f"{f.at}: {f.detail}" if f.at else f.detail for f in flaws], flaws)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i > 0 and isinstance(loc[i - 1], int) and loc[i - 2:i - 1] == ("nodes",) and part in NODE_TYPES:
            continue  # the discriminator pydantic puts after a node's index
        else:
            out += f".{part}" if out else part
    return out


NODE_TYPES = ("approval", "task", "condition", "cc")
# The template's own flaws (refusal.flaw.<kind>), besides pydantic's.
OWN_KINDS = frozenset({"choice_options", "reserved_key", "approver_one", "department_with_role", "sla_one_unit",
                       "unknown_role", "sla_needed", "task_no_auto"})  # fmt: skip


def parse(data: Any) -> ProcessTemplate:
    """The template, or TemplateInvalid whose errors are `path: message`."""
    try:
        t = ProcessTemplate.model_validate(data)
    except ValidationError as err:
        raise TemplateInvalid.of([of_pydantic(e, _path(e["loc"]), e["msg"].removeprefix("Value error, "), OWN_KINDS)
                                  for e in err.errors()]) from None  # fmt: skip
    if problems := _problems(t):
        raise TemplateInvalid.of(problems)
    return t
