"""The Playground's results table as one small HTML table (for st.html), not a data grid.

Streamlit's data grid costs a first visit ≈ 1.3 MB of lazily loaded scripts (the grid and Apache
Arrow), parsed on the page's main thread before the player can mount, and every rerun a pandas
and Arrow conversion; a table of at most 8 × 16 rows needs neither. Every text is HTML-escaped
(run labels and typed landscapes are user text); numbers are right-aligned, runs carry their
colour, and beyond a screenful of rows the table scrolls under a fixed header. The app's theme is light (.streamlit/config.toml). No Streamlit here.
"""

from __future__ import annotations

import html
from typing import Sequence

from gradscape.trajectories.scenario import Scenario
from gradscape.viz.player import RunTrace, results_rows

COLUMNS = ("run", "start", "final loss", "end", "nearest minimum", "distance")
NUMERIC = frozenset({"final loss", "distance"})
STYLE = """<style>
.ovz-results { max-height: 24rem; overflow: auto; border: 1px solid rgba(128, 128, 128, 0.25);
  border-radius: 0.5rem; font-size: 0.875rem; }
.ovz-results table { width: 100%; border-collapse: collapse; }
.ovz-results th { position: sticky; top: 0; text-align: left; font-weight: 600; background: #f6f7f9;
  color: rgba(49, 51, 63, 0.75); }
.ovz-results th, .ovz-results td { padding: 0.35rem 0.75rem; border-bottom: 1px solid rgba(128, 128, 128, 0.18);
  white-space: nowrap; }
.ovz-results tr:last-child td { border-bottom: none; }
.ovz-results .num { text-align: right; font-variant-numeric: tabular-nums; }
.ovz-results .dot { display: inline-block; width: 0.6rem; height: 0.6rem; border-radius: 50%; margin-right: 0.45rem; }
.ovz-results .none { opacity: 0.6; }
</style>"""


def cell_text(column: str, value) -> str:
    """A results cell as the tables write it: a final loss to 4 digits, a distance to 3, any other
    number to 4, nothing known as a dash."""
    if value is None:
        return "—"
    if column == "distance":
        return f"{value:.3g}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def results_html(s: Scenario, traces: Sequence[tuple[int, RunTrace]]) -> str:
    """The table of `results_rows(s, traces)`: one row per run and start point."""
    colors = [s.color(i) for i, t in traces for _ in range(t.record.positions.shape[0])]
    head = "".join(f'<th class="num">{c}</th>' if c in NUMERIC else f"<th>{c}</th>" for c in COLUMNS)
    body = []
    for color, row in zip(colors, results_rows(s, traces)):
        cells = []
        for c in COLUMNS:
            text = html.escape(cell_text(c, row[c]))
            classes = " ".join(name for name, on in (("num", c in NUMERIC), ("none", row[c] is None)) if on)
            attr = f' class="{classes}"' if classes else ""
            dot = f'<span class="dot" style="background: {html.escape(color)}"></span>' if c == "run" else ""
            cells.append(f"<td{attr}>{dot}{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'{STYLE}<div class="ovz-results"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
