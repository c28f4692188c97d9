"""Sweep exports: the CSV reads back to the sweep's numbers (and a row to the same single run), the
configuration re-imports to the same SweepScenario, files of the wrong kind are refused in words,
the pictures have the size asked for with every cell's colour in them, and the interactive page
needs no network."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from PIL import Image

from gradscape import landscapes
from gradscape import trajectories as tr
from gradscape.trajectories import engine, sweep_scenario
from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.trajectories.sweep_scenario import Axis, SweepScenario
from gradscape.viz import export, frontend
from gradscape.viz import sweep_export as se
from gradscape.viz import sweeps as vs
from gradscape.viz.render import hex_rgb

BASE = Scenario(landscape="rosenbrock", runs=(RunSpec("adam", 0.05), RunSpec("sgd", 1e-3)), steps=60)
HEATMAP = SweepScenario(kind="heatmap", base=BASE, resolution=8, y=Axis("b1", 0.5, 0.99))
BASIN = SweepScenario(kind="basin", base=replace(BASE, landscape="himmelblau"), resolution=8)
RATES = SweepScenario(kind="lr", base=replace(BASE, starts=((-1.5, 2.0), (0.5, 0.5))), rates=(1e-3, 1.0), count=10)
STATUS = {name: code for code, name in engine.STATUS_NAMES.items()}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_heat_map_csv_reads_back_to_the_cells_and_a_row_is_the_same_single_run():
    m = vs.compute(HEATMAP).maps[0]
    got = rows(se.sweep_csv(HEATMAP, vs.compute(HEATMAP)))
    assert len(got) == 64 and list(got[0]) == ["map", "title", "row", "col", "learning_rate", "b1", "status", "steps",
                                               se.GAP]
    r, c = np.array([int(g["row"]) for g in got]), np.array([int(g["col"]) for g in got])
    np.testing.assert_array_equal(np.array([g[se.GAP] for g in got], m.loss.dtype), m.loss[r, c])
    np.testing.assert_array_equal([STATUS[g["status"]] for g in got], m.status[r, c])
    np.testing.assert_array_equal([int(g["steps"]) for g in got], m.step[r, c])
    np.testing.assert_array_equal([float(g["b1"]) for g in got], m.y.centres()[r])
    cell = got[37]
    lr, b1 = float(cell["learning_rate"]), float(cell["b1"])
    alone = tr.final_points("rosenbrock", "adam", starts=[BASE.start_points[0]], learning_rate=lr, hyper={"b1": b1}, steps=60)
    assert engine.STATUS_NAMES[int(alone.status[0])] == cell["status"]
    f = float(landscapes.get("rosenbrock").f(np.asarray(alone.positions[0], float)))
    np.testing.assert_allclose(float(cell[se.GAP]), max(f - vs.reference_loss("rosenbrock"), vs.LOSS_FLOOR), rtol=1e-4)


def test_basin_and_rate_csv_carry_the_labels_and_every_rate_and_start():
    maps = vs.compute(BASIN)
    got = rows(se.sweep_csv(BASIN, maps))
    assert len(got) == 2 * 64 and {g["map"] for g in got} == {"1", "2"}
    names = [c.name for c in maps.maps[1].categories]
    second = [g for g in got if g["map"] == "2"]
    np.testing.assert_array_equal([names.index(g["basin"]) for g in second], maps.maps[1].cat.ravel())
    np.testing.assert_array_equal([(float(g["start_x"]), float(g["start_y"])) for g in second[:8]],
                                  np.stack([maps.maps[1].x.centres(), np.full(8, maps.maps[1].y.centres()[0])], axis=1))
    sweep = vs.compute(RATES)
    got = rows(se.sweep_csv(RATES, sweep))
    assert len(got) == 2 * 10 * 2
    curve = sweep.curves[1]
    sgd = [g for g in got if g["run"] == "2"]
    np.testing.assert_array_equal([float(g["learning_rate"]) for g in sgd], np.repeat(curve.rates, 2))
    np.testing.assert_array_equal(np.array([g[se.GAP] for g in sgd], curve.gap.dtype), curve.gap.ravel())
    np.testing.assert_array_equal([STATUS[g["status"]] for g in sgd], curve.status.ravel())


def test_json_holds_the_configuration_and_the_columns():
    doc = json.loads(se.sweep_json(HEATMAP, vs.compute(HEATMAP)))
    assert (doc["version"], doc["kind"], doc["fstar"]) == (1, "sweep", vs.reference_loss("rosenbrock"))
    assert len(doc["columns"]["status"]) == 64 and doc["columns"]["steps"] == vs.compute(HEATMAP).maps[0].step.ravel().tolist()
    assert export.read_config(json.dumps(doc).encode(), se.SWEEP) == (HEATMAP, [])


@pytest.mark.parametrize("sweep", [SweepScenario(), HEATMAP, BASIN, RATES,
                                   SweepScenario(kind="trainability", base=BASE, x=Axis("learning_rate", 0.002, 0.5),
                                                 y=Axis("b2", 0.9, 0.999), resolution=256, tol=1e-6)])
def test_configuration_re_imports_to_the_same_sweep(sweep):
    text = export.config_json(sweep, se.SWEEP)
    assert json.loads(text)["kind"] == "sweep"
    assert export.read_config(text.encode(), se.SWEEP) == (sweep, [])


def test_a_file_of_the_other_view_is_refused_in_words():
    scenario, notes = export.read_config(export.config_json(Scenario()).encode(), se.SWEEP)
    assert scenario is None and "Playground" in notes[0] and "sweep configuration" in notes[0]
    scenario, notes = export.read_config(export.config_json(HEATMAP, se.SWEEP).encode())
    assert scenario is None and "'sweep' configuration" in notes[0]


def test_map_colours_follow_each_category_ramp():
    m = vs.compute(BASIN).maps[0]
    rgb = se.map_rgb(m)[::-1]  # back to row 0 = lowest y
    for (i, j) in [(0, 0), (3, 5), (7, 7)]:
        cat = m.categories[m.cat[i, j]]
        ends = np.array([hex_rgb(c) for c in cat.colours])
        u = m.shade[i, j] / 255
        expected = ends[0] if len(ends) == 1 else ends[0] + u * (ends[-1] - ends[0])
        np.testing.assert_allclose(rgb[i, j], expected, atol=0.51)


@pytest.mark.parametrize("sweep", [HEATMAP, BASIN])
def test_map_png_has_the_size_and_every_cell_colour(sweep):
    maps = vs.compute(sweep)
    image = Image.open(io.BytesIO(se.png(sweep, maps, 1280, 720)))
    assert image.size == (1280, 720) and image.mode == "RGB"
    colours = {tuple(c) for c in np.asarray(image).reshape(-1, 3).tolist()}
    for m in maps.maps:
        assert {tuple(c) for c in se.map_rgb(m).reshape(-1, 3).tolist()} <= colours


def test_rate_png_draws_each_curve_and_svg_is_vectors_around_the_map():
    sweep = vs.compute(RATES)
    pixels = np.asarray(Image.open(io.BytesIO(se.png(RATES, sweep, 960, 540))))
    assert pixels.shape == (540, 960, 3)
    for c in sweep.curves:
        assert (np.abs(pixels.astype(int) - hex_rgb(c.colour)).sum(axis=2) == 0).sum() > 200
    root = ET.fromstring(se.svg(HEATMAP, vs.compute(HEATMAP)))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("width") == "960" and root.get("height") == "540"
    assert any(im.get("href", "").startswith("data:image/png;base64,") for im in root.iter(f"{ns}image"))
    assert any("Adam on Rosenbrock" in (t.text or "") for t in root.iter(f"{ns}text"))


@pytest.mark.parametrize("sweep", [BASIN, RATES])
def test_interactive_page_needs_no_network(sweep):
    result = vs.compute(sweep)
    page = se.sweep_html(sweep, result, title="A <sweep>")
    assert "<h1>A &lt;sweep&gt;</h1>" in page and "export default" not in page
    plotly = export.inline_script(frontend.plotly_js())
    ours = re.sub(r'<a class="ovz-app-link" href="[^"]*"', "", page.replace(plotly, ""), count=1)  # a link, not a fetch
    assert plotly in page and not re.search(r"""(src|href)=["']?https?:""", ours)
    if sweep.kind == "basin":
        assert all(m.payload["digest"] in page for m in result.maps)
        assert '"clickable": false' in page  # its hover offers no Playground to open
    else:
        assert "Plotly.newPlot" in page and all(c.label in page for c in result.curves)


@pytest.mark.parametrize("sweep", [BASIN, RATES, HEATMAP])
def test_interactive_page_is_titled_by_the_sweep_and_links_back_to_it(sweep):
    page = se.sweep_html(sweep, vs.compute(sweep), title="Sweep Himmelblau & co", app_url="http://10.0.0.7:8501/")
    title = html.unescape(re.search(r"<title>(.*?)</title>", page).group(1))
    runs = [r.display_label() for r in (sweep.runs if sweep.kind != "heatmap" else sweep.runs[:1])]
    name = landscapes.get(sweep.landscape).name
    assert title == (f"Sweep Himmelblau & co: {', '.join(runs)}" if name == "Himmelblau"
                     else f"Sweep Himmelblau & co — {name}: {', '.join(runs)}")
    (link,) = re.findall(r'<a class="ovz-app-link" href="([^"]*)"', page)
    parts = urlsplit(html.unescape(link))
    assert (parts.netloc, parts.path) == ("10.0.0.7:8501", "/sweeps")
    assert sweep_scenario.from_query(dict(parse_qsl(parts.query))) == (sweep, [])  # the same sweep on the Sweeps page
