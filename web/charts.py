"""Charts as inline SVG rendered on the server: no script, no chart library."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 22, 8, 160, 360


def bar_chart(rows: list[tuple[str, float | None]], *, title: str, maximum: float = 100.0,
              unit: str = "%", empty: str = "—") -> Markup:
    """Horizontal bars, one per row; None draws no bar and writes `empty`."""
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 70
    top = max([maximum, *[v for _, v in rows if v is not None]]) or 1.0
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        text_y = y + BAR_HEIGHT * 0.7
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{text_y:.1f}" text-anchor="end">{escape(label)}</text>')
        if value is None:
            parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{text_y:.1f}" class="empty">{escape(empty)}</text>')
            continue
        w = max(BAR_WIDTH * max(value, 0) / top, 1)
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}" rx="3">'
                     f'<title>{escape(label)}: {value:.1f}{escape(unit)}</title></rect>')
        parts.append(f'<text x="{LABEL_WIDTH + w + 6:.1f}" y="{text_y:.1f}">{value:.1f}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
