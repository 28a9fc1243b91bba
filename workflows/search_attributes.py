"""Custom search attributes operations filter on in the Temporal Web UI (DESIGN.md)."""

from temporalio.common import SearchAttributeKey

STAGE = SearchAttributeKey.for_keyword("JinduStage")
DEPARTMENT = SearchAttributeKey.for_keyword("JinduDepartment")
RISK = SearchAttributeKey.for_keyword("JinduRisk")
ASSIGNEES = SearchAttributeKey.for_keyword_list("JinduAssignees")
DUE_AT = SearchAttributeKey.for_datetime("JinduDueAt")
OVERDUE = SearchAttributeKey.for_bool("JinduOverdue")
WARNING = SearchAttributeKey.for_bool("JinduWarning")
# What the workflow is: project, complaint or revisit (complaints put their status in JinduStage).
KIND = SearchAttributeKey.for_keyword("JinduKind")

ALL = (STAGE, DEPARTMENT, RISK, ASSIGNEES, DUE_AT, OVERDUE, WARNING, KIND)


def dev_server_flags() -> list[str]:
    """`--search-attribute Name=Type` flags for `temporal server start-dev`."""
    kinds = {"KEYWORD": "Keyword", "KEYWORD_LIST": "KeywordList", "DATETIME": "Datetime", "BOOL": "Bool"}
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={kinds[key.indexed_value_type.name]}"]
    return flags
