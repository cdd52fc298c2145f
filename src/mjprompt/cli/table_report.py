"""``--statistics`` and ``--report`` for tables: findings per code, rows per parameter.

The HTML report is one self-contained page: inline CSS and inline SVG bar charts, no
script and nothing fetched from the network, so it opens anywhere (an archived CI
artifact, a mail attachment) and shows the same thing.
"""

from __future__ import annotations

import html
import json
import os
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

__all__ = ["render_html", "statistics_json", "statistics_text", "write_html"]

# At most this many bars per chart: the rest are summed into one "other" bar.
MAX_BARS = 40


class Totals(Protocol):
    """What the report reads from a table run (``tables._Totals``)."""

    codes: Counter[str]
    names: dict[str, tuple[str, str]]
    parameters: Counter[str]
    rows: int
    nulls: int


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    # Most frequent first; ties by name so that the order is stable.
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def statistics_json(totals: Totals) -> str:
    """Rows, findings per code and rows per parameter as one JSON object."""
    data: dict[str, Any] = {
        "rows": totals.rows,
        "null_rows": totals.nulls,
        "codes": [
            {
                "code": code,
                "rule": totals.names[code][0],
                "severity": totals.names[code][1],
                "count": count,
            }
            for code, count in _ranked(totals.codes)
        ],
        "parameters": [
            {"parameter": name, "rows": count} for name, count in _ranked(totals.parameters)
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def statistics_text(totals: Totals) -> str:
    lines = [f"{totals.rows} rows ({totals.nulls} null)", "", "Findings per code:"]
    codes = _ranked(totals.codes)
    width = max((len(str(n)) for _, n in codes), default=1)
    for code, count in codes:
        rule, severity = totals.names[code]
        lines.append(f"  {count:>{width}}  {code}  {severity:<7}  {rule}")
    if not codes:
        lines.append("  none")
    lines += ["", "Rows using each parameter:"]
    params = _ranked(totals.parameters)
    width = max((len(str(n)) for _, n in params), default=1)
    lines += [f"  {count:>{width}}  --{name}" for name, count in params]
    if not params:
        lines.append("  none")
    return "\n".join(lines) + "\n"


_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg text { font: 12px system-ui, sans-serif; fill: #222; }
""".strip()

_BAR_HEIGHT = 18
_LABEL_WIDTH = 190
_CHART_WIDTH = 420


def _chart(title: str, rows: list[tuple[str, int]], color: str) -> str:
    """A horizontal bar chart as inline SVG (labels left, counts right of each bar)."""
    if len(rows) > MAX_BARS:
        rest = sum(n for _, n in rows[MAX_BARS - 1 :])
        rows = [*rows[: MAX_BARS - 1], ("other", rest)]
    if not rows:
        return f"<p>No {html.escape(title.lower())}.</p>"
    top = max(n for _, n in rows) or 1
    height = _BAR_HEIGHT * len(rows) + 4
    width = _LABEL_WIDTH + _CHART_WIDTH + 80
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title)}">'
    ]
    for i, (label, count) in enumerate(rows):
        y = i * _BAR_HEIGHT + 2
        bar = max(1, round(_CHART_WIDTH * count / top))
        parts.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">'
            f"{html.escape(label)}</text>"
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{bar}" height="{_BAR_HEIGHT - 4}" '
            f'fill="{color}"><title>{html.escape(label)}: {count}</title></rect>'
            f'<text x="{_LABEL_WIDTH + bar + 6}" y="{y + 13}">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(header: Sequence[str], rows: Sequence[tuple[str, ...]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{html.escape(c)}</td>' if c.isdigit() else f"<td>{html.escape(c)}</td>"
            for c in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(totals: Totals, sources: Sequence[str]) -> str:
    """The report page."""
    codes = _ranked(totals.codes)
    params = _ranked(totals.parameters)
    named = ", ".join(os.path.basename(s) for s in sources)
    code_rows = [(code, totals.names[code][0], totals.names[code][1], str(n)) for code, n in codes]
    param_rows = [(f"--{name}", str(n)) for name, n in params]
    code_bars = [(f"{code} {totals.names[code][0]}", n) for code, n in codes]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>mjprompt report: {html.escape(named)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            f"<h1>mjprompt report: {html.escape(named)}</h1>",
            f"<p>{totals.rows} rows, {totals.nulls} null; "
            f"{sum(totals.codes.values())} findings.</p>",
            "<h2>Findings per code</h2>",
            _chart("Findings per code", code_bars, "#c0392b"),
            _table(("code", "rule", "severity", "findings"), code_rows),
            "<h2>Rows using each parameter</h2>",
            _chart("Rows using each parameter", [(f"--{p}", n) for p, n in params], "#2e86c1"),
            _table(("parameter", "rows"), param_rows),
            "</body>",
            "</html>",
            "",
        ]
    )


def write_html(path: str, totals: Totals, sources: Sequence[str]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_html(totals, sources))
