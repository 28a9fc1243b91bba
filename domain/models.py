"""The business's words shared by every layer (RULES.md §Roles, §lifecycle): roles,
stages, gates and the other enumerations, and the acting user.

Request bodies and workflow commands: domain/commands.py. The project's state:
domain/project.py. What a workflow records: domain/steps.py.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from domain.text import Name


class Role(StrEnum):
    agent = "agent"  # 业务人员
    dept_head = "dept_head"  # 部门负责人
    executive = "executive"  # 上级领导
    customer = "customer"  # 客户
    operations = "operations"  # 运营管理中心
    auditor = "auditor"  # 内部审计
    customer_service = "customer_service"  # 客服: complaints first, revisits (issue 14)


STAFF_ROLES = frozenset({Role.agent, Role.dept_head, Role.executive, Role.operations, Role.auditor,
                         Role.customer_service})
# RULES §Deadlines and escalation: agent → dept_head → executive.
ESCALATION_LADDER = (Role.agent, Role.dept_head, Role.executive)


class Stage(StrEnum):
    intake = "intake"
    assessment = "assessment"
    initiation_approval = "initiation_approval"
    planning = "planning"
    plan_approval = "plan_approval"
    execution = "execution"
    result_review = "result_review"
    rectification = "rectification"
    customer_acceptance = "customer_acceptance"
    archiving = "archiving"
    completed = "completed"
    declined = "declined"
    cancelled = "cancelled"
    terminated = "terminated"  # ended outside the workflow: terminated or cancelled in Temporal


TERMINAL_STAGES = frozenset({Stage.completed, Stage.declined, Stage.cancelled, Stage.terminated})


class Gate(StrEnum):
    initiation = "initiation"
    plan = "plan"
    result_review = "result_review"


class Decision(StrEnum):
    approve = "approve"
    reject = "reject"


class Channel(StrEnum):
    phone = "phone"
    email = "email"
    visit = "visit"
    online = "online"


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class TaskSource(StrEnum):
    """RULES §Rectification tasks: where a rectification task 整改 comes from."""

    review_rejection = "review_rejection"
    customer_objection = "customer_objection"
    progress_warning = "progress_warning"
    complaint = "complaint"
    audit_finding = "audit_finding"


class TaskStatus(StrEnum):
    open = "open"
    done = "done"


class CauseCategory(StrEnum):
    """RULES §Progress anomaly warnings: 人员 / 流程 / 资源 / 外部."""

    people = "people"
    process = "process"
    resources = "resources"
    external = "external"


def workflow_id(project_id: str) -> str:
    """DESIGN.md: one workflow per project, `project-<project_id>`."""
    return f"project-{project_id}"


class Actor(BaseModel):
    """The authenticated user behind a command (from the bearer token or the session).

    Staff carry their name, which the Web UI and the audit trail show; a customer is an
    id only, so that no customer identity reaches Temporal (README, customer data).
    """

    user_id: str = Field(pattern=r"^[\x21-\x7e]{1,64}$", description="Visible ASCII, as user ids are")
    name: Name | None = None
    role: Role
    department: Name | None = None

    def label(self) -> str:
        return self.name or self.role.value
