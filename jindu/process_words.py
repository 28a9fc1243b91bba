"""A process's nodes as people read them (issue 15): the template's `name` when it gives one,
else a catalogue sentence by the node's type and position (`第 2 步审批`, `Step 2: approval`),
never the node's id (`n2`). Pages, the inbox and messages all word nodes here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jindu.i18n import t


def unnamed(node_type: str | None, position: int, lang: str) -> str:
    return t(f"process.node.{node_type if node_type in ('approval', 'task', 'condition', 'cc') else 'other'}", lang,
             n=position)  # fmt: skip


def node_labels(nodes: Sequence[dict[str, Any]], lang: str) -> dict[str, str]:
    """Every node's id → its label, for a template version's `nodes`."""
    return {str(n.get("id")): str(n.get("name") or unnamed(n.get("type"), i, lang)) for i, n in enumerate(nodes, 1)}


def node_label(nodes: Sequence[dict[str, Any]], node_id: str | None, lang: str) -> str:
    """One node's label; a node the template does not hold is called by its position-less kind."""
    if not node_id:
        return ""
    return node_labels(nodes, lang).get(node_id) or t("process.node.unknown", lang)
