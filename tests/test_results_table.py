"""The Playground's results table (viz/results_table.py): the rows of results_rows, formatted, each
run's colour on its rows, user text inert."""

from __future__ import annotations

from html.parser import HTMLParser

from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.viz import player
from gradscape.viz.results_table import COLUMNS, results_html


class Table(HTMLParser):
    """Header cells, body rows (cell texts), the dot colour of each body row and every tag seen."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.colors: list[str] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None
        self._in_head = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "span" and "dot" in (attrs.get("class") or ""):
            self.colors.append(attrs["style"].split(":")[1].strip())

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag in ("th", "td"):
            text = "".join(self._cell)
            (self.header if tag == "th" else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def traces_of(s: Scenario) -> list:
    return [(i, player.run_trace(s, i)) for i in range(len(s.runs)) if s.runs[i].enabled]


def test_the_table_shows_results_rows_formatted():
    s = Scenario(landscape="booth", runs=(RunSpec("adam", 0.5, color="#123456"), RunSpec("sgd", 1e-6)), steps=1000)
    traces = traces_of(s)
    rows = player.results_rows(s, traces)
    table = Table(results_html(s, traces))
    assert table.header == list(COLUMNS)
    assert table.colors == ["#123456", s.color(1)]
    for cells, row in zip(table.rows, rows, strict=True):
        shown = dict(zip(COLUMNS, cells))
        assert shown["run"] == row["run"] and shown["end"] == row["end"]
        assert float(shown["final loss"]) == float(f"{row['final loss']:.4g}")
        assert float(shown["distance"]) == float(f"{row['distance']:.3g}")


def test_one_row_per_run_and_start_and_none_known_minima():
    starts = ((0.5, 0.5), (-1.0, 0.25), (1.5, -0.75))
    s = Scenario(landscape="saddle", runs=(RunSpec("sgd", 0.01), RunSpec("adam", 0.01, enabled=False), RunSpec("lion", 0.001)),
                 starts=starts, steps=50)
    table = Table(results_html(s, traces_of(s)))
    assert len(table.rows) == 2 * len(starts)
    assert table.colors == [s.color(0)] * 3 + [s.color(2)] * 3
    assert {cells[COLUMNS.index("distance")] for cells in table.rows} == {"—"}
    assert {cells[COLUMNS.index("nearest minimum")] for cells in table.rows} == {"none known"}


def test_user_text_is_inert():
    label = '<script>alert(1)</script><img src=x onerror=alert(2)> & "q"'
    s = Scenario(runs=(RunSpec("sgd", 1e-3, label=label),), steps=20)
    table = Table(results_html(s, traces_of(s)))
    assert table.rows[0][0] == label
    assert table.tags == {"style", "div", "table", "thead", "tbody", "tr", "th", "td", "span"}
