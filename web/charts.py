"""Charts drawn by Apache ECharts, served by Jindu (web/static/echarts.min.js; no CDN).

A `Chart` carries what web/static/charts.js draws (`spec`, put in a `data-chart` attribute:
the workspace's CSP runs no inline script) and the same figures as a table, shown beside
the chart for screen readers and for copying out (templates/_charts.html).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

Translate = Callable[..., str]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    head: list[str]
    rows: list[list[str]]
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.rows


def number(value: float | None, unit: str = "", none: str = "—") -> str:
    if value is None:
        return none
    return f"{value:.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def bars(key: str, title: str, rows: Sequence[tuple[str, float | None]], *, label_head: str, value_head: str,
         unit: str = "", maximum: float | None = None, none: str = "—") -> Chart:  # fmt: skip
    """Horizontal bars, one per row, labelled with the row's name and its value."""
    return Chart(key, title, [label_head, value_head], [[label, number(v, unit, none)] for label, v in rows], {
        "type": "bars", "unit": unit, "max": maximum, "categories": [label for label, _ in rows],
        "series": [{"name": value_head, "data": [v for _, v in rows]}]})  # fmt: skip


def trends(weeks: Sequence[Any], t: Translate) -> Chart:
    names = ("open", "overdue", "warned")
    heads = [t(f"charts.trends.{n}") for n in names]
    categories = [w.week.strftime("%m-%d") for w in weeks]
    return Chart("trends", t("charts.trends.title"), [t("charts.common.week"), *heads],
                 [[w.week.isoformat(), *(str(getattr(w, n)) for n in names)] for w in weeks],
                 {"type": "lines", "categories": categories,
                  "series": [{"name": h, "data": [getattr(w, n) for w in weeks]}
                             for n, h in zip(names, heads, strict=True)]})


def funnel(steps: Sequence[Any], t: Translate) -> Chart:
    first = steps[0].projects if steps else 0
    share = [None if not first else round(s.projects / first * 100, 1) for s in steps]
    names = [t(f"web.stage.{s.stage}") for s in steps]
    rows = [[name, str(s.projects), number(p, "%")] for name, s, p in zip(names, steps, share, strict=True)]
    return Chart("funnel", t("charts.funnel.title"),
                 [t("charts.common.stage"), t("charts.common.projects"), t("charts.common.share")],
                 rows if first else [],
                 {"type": "funnel", "categories": names,
                  "series": [{"name": t("charts.common.projects"), "data": [s.projects for s in steps]}]})


def waits(items: Sequence[Any], t: Translate) -> Chart:
    overall = [w for w in items if w.department is None]
    names = [t(f"web.stage.{w.stage}") for w in overall]
    median, p90 = t("charts.common.median_days"), t("charts.common.p90_days")
    return Chart("waits", t("charts.waits.title"), [t("charts.common.stage"), t("charts.common.stays"), median, p90],
                 [[n, str(w.stays), number(w.median_days), number(w.p90_days)]
                  for n, w in zip(names, overall, strict=True)],
                 {"type": "bars", "unit": "", "categories": names,
                  "series": [{"name": median, "data": [w.median_days for w in overall]},
                             {"name": p90, "data": [w.p90_days for w in overall]}]})  # fmt: skip


def waits_by_department(items: Sequence[Any], t: Translate) -> tuple[list[str], list[str], dict[str, dict[str, str]]]:
    """The stages (as shown), the departments, and each cell as 'median / p90'."""
    stages = list(dict.fromkeys(w.stage for w in items if w.department is None))
    cells: dict[str, dict[str, str]] = {}
    for w in items:
        if w.department is not None:
            cells.setdefault(w.department, {})[w.stage] = f"{number(w.median_days)} / {number(w.p90_days)}"
    return stages, sorted(cells), cells


def approvers(items: Sequence[Any], t: Translate) -> Chart:
    median, p90 = t("charts.common.median_hours"), t("charts.common.p90_hours")
    return Chart("approvers", t("charts.approvers.title"),
                 [t("charts.common.approver"), t("charts.common.decisions"), median, p90],
                 [[a.approver, str(a.decisions), number(a.median_hours), number(a.p90_hours)] for a in items],
                 {"type": "bars", "unit": "", "categories": [a.approver for a in items],
                  "series": [{"name": median, "data": [a.median_hours for a in items]},
                             {"name": p90, "data": [a.p90_hours for a in items]}]})  # fmt: skip


def _day(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def gantt(milestones: Sequence[dict[str, Any]], started: Any, today: date, t: Translate) -> Chart:
    """Each milestone planned (from the previous one's due date, the first from the project's
    start) against actual (done, or still open up to today)."""
    start = _day(started) or today
    rows, bars_ = [], []
    previous = start
    for ms in sorted(milestones, key=lambda m: (str(m.get("due_date")), m.get("name", ""))):
        due, done = _day(ms.get("due_date")) or previous, _day(ms.get("done_on"))
        end = done or (today if today > previous else None)
        late = (done or today) - due if (done or today) > due else None
        rows.append([ms["name"], previous.isoformat(), due.isoformat(),
                     done.isoformat() if done else t("charts.common.none"), str(late.days) if late else "0"])
        bars_.append({"name": ms["name"], "planned": [previous.isoformat(), due.isoformat()],
                      "actual": [previous.isoformat(), end.isoformat()] if end else None, "done": done is not None,
                      "late": late is not None})  # fmt: skip
        previous = max(previous, due)
    return Chart("gantt", t("charts.gantt.title"),
                 [t("charts.gantt.milestone"), t("charts.gantt.start"), t("charts.gantt.planned"),
                  t("charts.gantt.actual"), t("charts.gantt.late_days")], rows,
                 {"type": "gantt", "today": today.isoformat(), "rows": bars_,
                  "labels": {"planned": t("charts.gantt.planned_bar"), "actual": t("charts.gantt.actual_bar"),
                             "open": t("charts.gantt.open_bar")}})  # fmt: skip
