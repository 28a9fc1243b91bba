"""A process flow as the diagram draws it (issue 15: where it is now, who decided what, what is
due): nodes laid out top to bottom with their state, and the links between them, as the data
`web/static/process-flow.js` hands to ECharts (served by Jindu, web/static/echarts.min.js).
The same data renders as a list for readers without scripts."""

from __future__ import annotations

from typing import Any

from jindu.i18n import t
from jindu.process_words import node_labels

ROW = 90


def _target(nodes: list[dict[str, Any]], i: int, target: str) -> str:
    if target == "end":
        return "end"
    if target == "next":
        return nodes[i + 1]["id"] if i + 1 < len(nodes) else "end"
    return target


def diagram(nodes: list[dict[str, Any]], history: list[dict[str, Any]] | None = None, current: str | None = None,
            status: str = "", lang: str = "zh") -> dict[str, Any]:  # fmt: skip
    """`nodes` as the template stores them; `history` the instance's steps (none: a template)."""
    history = history or []
    reached = {h["data"].get("node") for h in history if h["kind"] in ("node_entered", "condition_evaluated",
                                                                         "cc_sent")}  # fmt: skip
    passed = {h["data"].get("node") for h in history if h["kind"] in ("node_passed", "condition_evaluated", "cc_sent")}
    who: dict[str, list[str]] = {}
    for h in history:
        if h["kind"] in ("node_decided", "task_done"):
            verdict = t(f"process.web.action.{h['data'].get('decision', 'complete')}", lang)
            who.setdefault(h["data"]["node"], []).append(f"{h.get('actor_name') or t('process.web.node', lang)} "
                                                         f"{verdict}")  # fmt: skip
    out_nodes = [{"id": "start", "name": t("process.web.start_node", lang), "type": "start", "state": "done" if
                  history else "todo", "x": 0, "y": 0, "who": []}]  # fmt: skip
    links = [{"source": "start", "target": nodes[0]["id"] if nodes else "end", "label": ""}]
    names = node_labels(nodes, lang)
    for i, n in enumerate(nodes, start=1):
        nid = n["id"]
        state = "current" if nid == current and status == "running" else "done" if nid in passed else \
            "visited" if nid in reached else "todo"  # fmt: skip
        out_nodes.append({"id": nid, "name": names[nid], "type": n["type"], "state": state,
                          "x": 0, "y": i * ROW, "who": who.get(nid, []),
                          "kind": t(f"process.web.type.{n['type']}", lang)})  # fmt: skip
        if n["type"] == "condition":
            links.append({"source": nid, "target": _target(nodes, i - 1, n.get("then") or "next"),
                          "label": t("process.web.yes", lang)})  # fmt: skip
            links.append({"source": nid, "target": _target(nodes, i - 1, n.get("otherwise") or n.get("else") or
                          "next"), "label": t("process.web.no", lang)})  # fmt: skip
        else:
            links.append({"source": nid, "target": _target(nodes, i - 1, n.get("next") or "next"), "label": ""})
    ended = status in ("completed", "rejected", "withdrawn")
    out_nodes.append({"id": "end", "name": t("process.web.end_node", lang), "type": "end",
                      "state": "done" if ended else "todo", "x": 0, "y": (len(nodes) + 1) * ROW, "who": []})
    return {"nodes": out_nodes, "links": [link for link in links if link["source"] != link["target"]]}
