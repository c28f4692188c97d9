"""Text from a link stays text in every file the app writes: hostile run labels (links and images in
Markdown and HTML, a heading, a comment that swallows a script, a script end, a spreadsheet
formula, a line separator, emphasis, an entity, a hover template, an emoji code) go through every
export of the Playground, the four Sweeps views and the Neural net page, and each file is read back
with an independent reader: html.parser for pages (no tag but the code's own, no address outside
the app), xml.etree for SVG (well formed), csv for tables (no formula), json for data (the labels
exactly as given), and html.unescape as plotly.js's entity decoding for the figures' text (the
labels as given, no markup of their own). tests/e2e/test_inert_browser.py drives the same labels
through the pages and the files in Chromium.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any, Iterator

import pytest

from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories import network as nw
from gradscape.trajectories import network_views as nv
from gradscape.trajectories.scenario import MAX_LABEL, RunSpec, Scenario
from gradscape.trajectories.sweep_scenario import Axis, SweepScenario
from gradscape.viz import export, network_export, render, sweep_export
from gradscape.viz import network as vn
from gradscape.viz import sweeps as vs
from gradscape.viz.player import run_trace
from gradscape.viz.text import FORMULA_START, plotly_text

EVIL = "evil.example"
HOSTILE_LABELS = (
    f'=HYPERLINK("https://{EVIL}")',
    f"<a href=https://{EVIL}>x</a>",
    f"![](https://{EVIL}/i.png)",
    "# <img src=x onerror=alert(1)>",
    f"[x](https://{EVIL})",
    "<!--<script>",
    "</script><script>alert(1)</script>",
    "**b** <b>bold</b> %{x} &amp; a\u2028b :x:",
)
APP_URL = "http://10.0.0.7:8501/"
FIGURE_MARKUP = re.compile(r"</?(br|extra|sup)>")  # what the figures' own code writes

PLAYGROUND = Scenario(runs=tuple(RunSpec("adam", 0.05, label=label) for label in HOSTILE_LABELS), steps=30)
# On Rosenbrock at rates 1 … 100, SGD keeps no final loss (the Sweeps page says so in words), Adam
# does (its "Best …" button): each sink gets labels of every kind.
NO_LOSS = ("sgd", "adam", "adam", "sgd", "sgd", "adam", "adam", "sgd")
MAPS = replace(PLAYGROUND, steps=20)
SWEEPS = (
    SweepScenario(kind="lr", base=Scenario(runs=tuple(RunSpec(o, label=label) for o, label in zip(NO_LOSS, HOSTILE_LABELS)),
                                           steps=100), rates=(1.0, 100.0), count=10),
    SweepScenario(kind="heatmap", base=MAPS, resolution=8, y=Axis("b1", 0.5, 0.99)),
    SweepScenario(kind="basin", base=replace(MAPS, runs=MAPS.runs[1:5]), resolution=8),
    SweepScenario(kind="trainability", base=replace(MAPS, runs=MAPS.runs[1:]), resolution=8),
)
# The Neural net page warns about a run that diverged: LARS at η = 100 does within 10 steps.
NETWORK = ns.NetScenario(problem=nw.NetworkProblem(hidden=4, n_points=256, batch_size=32), steps=200,
                         runs=(RunSpec("adam", 0.01, label=HOSTILE_LABELS[0]),
                               *(RunSpec("lars", 100.0, label=label) for label in HOSTILE_LABELS[1:4])))


def strings(value: Any) -> Iterator[str]:
    """Every string inside a figure or payload (keys and values)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)


def assert_plotly_inert(figure: dict, labels) -> None:
    """No string of the figure carries markup but its code's own, and the legend reads as the labels."""
    for text in strings(figure):
        assert "<" not in FIGURE_MARKUP.sub("", text), text
    legend = {html.unescape(t["name"]) for t in figure["data"] if t.get("showlegend", True) and "name" in t}
    assert set(labels) <= legend


class Page(HTMLParser):
    """A page's start tags (with attributes) and its <title> text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.title, self._in_title = "", False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def assert_inert_page(text: str, labels, scripts: int) -> Page:
    """Only the code's own tags: its scripts, one link back to the app, nothing to fetch, no outside address."""
    page = Page(text)
    names = [tag for tag, _ in page.tags]
    assert names.count("script") == scripts  # no label opened or closed one
    assert not {"img", "iframe", "object", "embed", "base", "form", "link"} & set(names)
    (link,) = [attrs for tag, attrs in page.tags if tag == "a"]
    assert link["class"] == "ovz-app-link" and link["href"].startswith(APP_URL)  # the labels ride in its query
    assert not [v for _, attrs in page.tags for v in attrs.values() if v and EVIL in v and v != link["href"]]
    assert all(label in page.title for label in labels)  # shown as written
    return page


def assert_inert_svg(text: str) -> None:
    root = ET.fromstring(text)  # a label's < or & unescaped would not parse
    for el in root.iter():
        assert el.tag.rsplit("}", 1)[-1] != "a"
        assert not [v for v in el.attrib.values() if EVIL in v or v.startswith(("http:", "https:", "//"))]


def assert_no_formula(text: str, labels) -> None:
    """No cell a spreadsheet would read as a formula, and every label in a cell as written (after the
    apostrophe that defuses one)."""
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    for cell in cells:
        if cell.startswith(FORMULA_START):
            float(cell)  # only a negative number may start so
    for label in labels:
        assert any(cell.startswith("'" + label) if label.startswith(FORMULA_START) else label in cell for cell in cells)


def test_plotly_text_reads_back_as_written_with_no_tag_or_template_of_its_own():
    for label in (*HOSTILE_LABELS, "&lt;b&gt;", "100 %", "%{y:.3g}", "a<br>b"):
        text = plotly_text(label)
        assert html.unescape(text) == label
        assert not set(text) & set("<>%") and "&" not in re.sub(r"&#\d+;", "", text)


def test_hostile_labels_fit_a_link():
    assert all(len(label) <= MAX_LABEL for label in HOSTILE_LABELS)


def test_playground_exports_keep_labels_as_text():
    s = PLAYGROUND
    traces = [(i, run_trace(s, i)) for i in range(len(s.runs))]
    text = export.player_html(s, traces, title="Labels", app_url=APP_URL)
    assert_inert_page(text, HOSTILE_LABELS, scripts=3)
    blob = json.loads(text.split('id="ovz-data">')[1].split("</script>")[0])
    assert [r["label"] for r in blob["runs"]] == list(HOSTILE_LABELS)  # data, for the player's text nodes
    assert_no_formula(export.trajectories_csv(s, traces), HOSTILE_LABELS)
    assert [r["label"] for r in json.loads(export.trajectories_json(s, traces))["runs"]] == list(HOSTILE_LABELS)
    assert_inert_svg(render.svg(render.layout(s, traces, 960, 540), 10))


@pytest.mark.parametrize("sweep", SWEEPS, ids=[s.kind for s in SWEEPS])
def test_sweep_exports_keep_labels_as_text(sweep):
    result = vs.compute(sweep)
    shown = sweep_export.shown_labels(sweep)
    text = sweep_export.sweep_html(sweep, result, title="Labels", app_url=APP_URL)
    assert_inert_page(text, shown, scripts=2)
    if sweep.kind == "lr":
        assert [c.best() is None for c in result.curves] == [o == "sgd" for o in NO_LOSS]
        assert_plotly_inert(json.loads(text.split("const FIG = ")[1].split(";\nPlotly.newPlot")[0]), shown)
    else:
        data = json.loads(text.rsplit(".receive(", 1)[1].rsplit(", () =>", 1)[0])
        assert [m["title"] for m in data["maps"]] == [m.title for m in result.maps]  # raw: the browser's plotlyText escapes them
        assert all(label in m.title for label, m in zip(shown, result.maps))
    assert_no_formula(sweep_export.sweep_csv(sweep, result), shown)
    doc = list(strings(json.loads(sweep_export.sweep_json(sweep, result))))
    assert all(any(label in text for text in doc) for label in shown)
    assert_inert_svg(sweep_export.svg(sweep, result))


def test_neural_net_exports_and_curves_keep_labels_as_text():
    s = NETWORK
    view = nv.plane_view(nw.train(s.problem, s.net_runs(), s.steps), s.plane)
    assert (view.record.diverged_at[1:] >= 0).all()  # the page warns about these three
    labels = [s.label(i) for i in s.shown()]
    assert labels == list(HOSTILE_LABELS[:4])
    assert_inert_page(network_export.network_html(s, view, title="Labels", app_url=APP_URL), labels, scripts=3)
    assert_no_formula(network_export.network_csv(s, view), labels)
    assert [r["label"] for r in json.loads(network_export.network_json(s, view))["runs"]] == labels
    colors = [s.color(i) for i in s.shown()]
    for figure in vn.curve_figures(view.record, labels, colors, view.distance, view.plane_loss, s.steps).values():
        assert_plotly_inert(figure, labels)
