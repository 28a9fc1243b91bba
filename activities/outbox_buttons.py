"""The buttons of each delivery (issues 17, 15): approve and reject for a decision, each a fresh
action link bound to the people this delivery names (a group post's link lets none but them act),
else one button to the item; the log gets none (they would sit unused).

The links of a whole batch of deliveries are issued in one statement before its sends (issue 16),
not two round trips per delivery. A delivery whose buttons cannot be made fails alone, like a
channel's refusal: the others go out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from activities.channels import Button, Delivery, RenderedMessage
from activities.render import APPROVAL_KEYS, PROCESS_DECISION_KEYS, PROCESS_HANDOVER_KEYS
from jindu.i18n import t
from store import action_links
from store.action_links import Wanted

DECISION = (("approve", "primary"), ("reject", "danger"))


def is_process_decision(row: dict[str, Any], process: dict[str, Any] | None) -> bool:
    """The message asks for a decision on a process's approval node: a fresh approval, or one
    transferred to the addressee (issue 15: the new addressee gets the same buttons)."""
    if row["key"] in PROCESS_DECISION_KEYS:
        return True
    if row["key"] not in PROCESS_HANDOVER_KEYS:
        return False
    node: dict[str, Any] = next((n for n in (process or {}).get("nodes") or []
                                 if n.get("id") == row["params"]["node"]), {})  # fmt: skip
    return node.get("type") == "approval"


def links_for(row: dict[str, Any], message: RenderedMessage, process: dict[str, Any] | None) -> list[Wanted]:
    """The links a delivery's buttons need: approve and reject of a project's approval or of a
    process's approval node (a task is done on its page, with its fields), none otherwise."""
    addressees = [r.user_id for r in message.recipients if r.user_id]
    params = row["params"] or {}
    if params.get("process_id") and params.get("node") and addressees and is_process_decision(row, process):
        return [Wanted(outbox_id=row["id"], project_id=None, process_id=params["process_id"], action=action,
                       gate=params["node"], user_ids=addressees) for action, _ in DECISION]  # fmt: skip
    gate = params.get("gate")
    if row["key"] not in APPROVAL_KEYS or not gate or not addressees or not row.get("project_id"):
        return []
    return [Wanted(outbox_id=row["id"], project_id=row["project_id"], action=action, gate=gate,
                   user_ids=addressees) for action, _ in DECISION]  # fmt: skip


def with_buttons(message: RenderedMessage, tokens: list[str], public_url: str) -> RenderedMessage:
    """The decision's buttons (one per token) then the item's; the item's alone is the primary one."""
    lang, base = message.lang, public_url.rstrip("/")
    if not tokens:
        return message.model_copy(update={"buttons": [Button(label=t("notify.common.open", lang), url=message.link,
                                                              style="primary")]})  # fmt: skip
    buttons = [Button(label=t(f"notify.button.{action}", lang), url=f"{base}/act/{token}", style=style)
               for (action, style), token in zip(DECISION, tokens, strict=True)]  # fmt: skip
    buttons.append(Button(label=t("notify.common.open", lang), url=message.link))
    return message.model_copy(update={"buttons": buttons})


async def dressed(db: asyncpg.Pool | asyncpg.Connection, public_url: str,
                  sends: Sequence[tuple[dict[str, Any], Delivery, dict[str, Any] | None]],
                  ) -> list[RenderedMessage | Exception]:  # fmt: skip
    """Each (notice, delivery, its process's brief)'s message with its buttons, or why it has none."""
    wanted: list[list[Wanted] | Exception] = []
    for row, delivery, process in sends:
        try:
            wanted.append([] if delivery.channel.name == "log" else links_for(row, delivery.message, process))
        except Exception as err:  # its own failure, recorded with its delivery
            wanted.append(err)
    tokens = iter(await action_links.issue_all(db, [w for links in wanted if isinstance(links, list) for w in links]))
    out: list[RenderedMessage | Exception] = []
    for (_, delivery, _), links in zip(sends, wanted, strict=True):
        if isinstance(links, Exception) or delivery.channel.name == "log":
            out.append(links if isinstance(links, Exception) else delivery.message)
        else:
            out.append(with_buttons(delivery.message, [next(tokens) for _ in links], public_url))
    return out
