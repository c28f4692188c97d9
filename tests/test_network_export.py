"""viz/network_export.py: the Neural net view's files, read back with independent readers (csv,
json, html.parser) and checked against the record and plane view they come from; the
configuration re-imports to the same NetScenario and refuses another view's file in words."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest

from gradscape.landscapes import networks as nets
from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories import network as nw
from gradscape.trajectories import network_views as nv
from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.viz import export
from gradscape.viz import network_export as ne

SMALL = ns.NetScenario(problem=nw.NetworkProblem(hidden=4, n_points=256, batch_size=32), steps=200, view="both",
                       runs=(RunSpec("adam", 0.01, label="Adam, comma"), RunSpec("sgd", 0.5, enabled=False), RunSpec("momentum", 0.1)))


@pytest.fixture(scope="module")
def view() -> nv.PlaneView:
    return nv.plane_view(nw.train(SMALL.problem, SMALL.net_runs(), SMALL.steps), SMALL.plane)


def test_the_plane_view_is_the_record_projected_on_its_plane(view):
    record, plane = view.record, view.plane
    again, distance = nv.project(plane, record.snapshots)
    np.testing.assert_array_equal(view.coords, again)
    np.testing.assert_array_equal(view.distance, distance)
    assert view.grid[2].shape == (100, 100) and view.plane_loss.shape == record.loss.shape
    np.testing.assert_allclose(view.plane_loss[0, -1], record.loss[0, -1], rtol=1e-5)  # run 1's end is the origin
    with pytest.raises(ValueError, match="plane must be"):
        nv.plane_view(record, "flat")


def test_csv_has_every_recorded_step_of_every_shown_run(view):
    rows = list(csv.DictReader(io.StringIO(ne.network_csv(SMALL, view))))
    assert tuple(rows[0]) == ne.CSV_COLUMNS
    record = view.record
    assert len(rows) == 2 * len(record.snapshot_steps)
    assert {r["run"] for r in rows} == {"1", "3"} and rows[0]["label"] == "Adam, comma"  # run 2 is off
    for j, run in enumerate(("1", "3")):
        mine = [r for r in rows if r["run"] == run]
        np.testing.assert_array_equal([int(r["step"]) for r in mine], record.snapshot_steps)
        for column, want in (("a", view.coords[j, :, 0]), ("b", view.coords[j, :, 1]), ("loss", record.loss[j]),
                             ("plane_loss", view.plane_loss[j]), ("distance", view.distance[j]), ("accuracy", record.accuracy[j])):
            np.testing.assert_array_equal(np.array([r[column] for r in mine], want.dtype), want)
        inner = record.snapshot_steps < record.steps
        want = record.lrs[j][record.snapshot_steps[inner]]
        np.testing.assert_array_equal(np.array([r["lr"] for r, ok in zip(mine, inner) if ok], want.dtype), want)
        assert mine[-1]["lr"] == "" and mine[0]["status"] == "finite throughout"


def test_json_holds_the_configuration_the_plane_and_the_runs(view):
    doc = json.loads(ne.network_json(SMALL, view))
    assert doc["kind"] == "network" and ns.from_query(doc["query"]) == (SMALL, [])
    assert doc["parameters"] == view.record.snapshots.shape[-1] and doc["plane"]["kind"] == view.plane.kind
    assert [r["run"] for r in doc["runs"]] == [1, 3]
    np.testing.assert_allclose(doc["runs"][1]["distance"], view.distance[1])
    assert doc["runs"][0]["lr"][-1] is None


def test_the_configuration_re_imports_and_other_kinds_are_refused():
    assert export.read_config(export.config_json(SMALL, ne.NETWORK).encode(), ne.NETWORK) == (SMALL, [])
    loaded, notes = export.read_config(export.config_json(Scenario()).encode(), ne.NETWORK)
    assert loaded is None and "this view loads a Neural net configuration" in notes[0]
    loaded, notes = export.read_config(export.config_json(SMALL, ne.NETWORK).encode())
    assert loaded is None and "'network'" in notes[0]


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.data: dict | None = None
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        self._in_data = tag == "script" and ("id", "ovz-data") in attrs

    def handle_data(self, data):
        if self._in_data:
            self.data = json.loads(data)
            self._in_data = False


def test_the_html_page_embeds_the_plane_grid_and_the_projected_paths(view):
    page = ne.network_html(SMALL, view, title="Neural <net>", app_url="http://lab.example/")
    labels = ", ".join(SMALL.runs[i].display_label() for i in SMALL.shown())
    data_name = nets.DATASETS[SMALL.problem.dataset].name
    assert f"<title>Neural &lt;net&gt; — {html.escape(data_name)}: {html.escape(labels)}</title>" in page
    (link,) = re.findall(r'<a class="ovz-app-link" href="([^"]*)"', page)
    parts = urlsplit(html.unescape(link))
    assert (parts.netloc, parts.path) == ("lab.example", "/networks")
    assert ns.from_query(dict(parse_qsl(parts.query))) == (SMALL, [])  # the same setting on the Neural net page
    parser = _Scripts()
    parser.feed(page)
    data = parser.data
    grid = np.frombuffer(base64.b64decode(data["landscape"]["grid"]), "<f4")
    np.testing.assert_allclose(grid[: 100 * 100].reshape(100, 100), view.grid[2], rtol=1e-6)
    assert data["landscape"]["url"] is None and data["view"] == "both" and [r["index"] for r in data["runs"]] == [0, 2]
    frames = np.frombuffer(base64.b64decode(data["boundary"]["images"]), np.uint8)
    assert data["boundary"]["url"] is None and frames.size == 2 * data["boundary"]["frames"] * data["boundary"]["n"] ** 2
