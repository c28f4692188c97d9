"""gradscape from Python (api/): the lazy surface of `import gradscape`, the docstrings' examples, links
and files read as strictly as the command line reads them, the results table and the exports."""

from __future__ import annotations

import ast
import doctest
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gradscape
from gradscape import trajectories as tr
from gradscape.api import core, links
from gradscape.lessons import LESSONS
from gradscape.trajectories import plugins
from gradscape.trajectories.net_scenario import NetScenario
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query
from gradscape.trajectories.sweep_scenario import SweepScenario
from gradscape.viz import export, network_export, sweep_export

ROOT = Path(__file__).resolve().parents[1]
LINK = "http://localhost:8501/?ls=himmelblau&r1=adam;lr=0.1&r2=sgd;lr=0.01&start=0,0;-1,1&steps=60"


@pytest.mark.parametrize("module", [core, plugins], ids=lambda m: m.__name__)
def test_the_docstrings_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 5 and result.failed == 0, result


def test_importing_gradscape_imports_nothing_and_the_surface_loads_on_use():
    script = ("import sys, gradscape\nloaded = sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'numpy', 'streamlit') "
              "or m.startswith('gradscape.'))\nprint(loaded)\nimport gradscape.api.cli\nprint(sorted(m for m in sys.modules "
              "if m.split('.')[0] in ('jax', 'streamlit')))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["[]", "[]"]  # `gradscape --help` answers without JAX
    assert gradscape.run is core.run and gradscape.register_torch_optimizer is plugins.register_torch_optimizer
    assert gradscape.optimizers.REGISTRY["adam"].name == "Adam" and gradscape.schedules.get("cosine")
    assert {"scenario", "run", "sweep", "export", "landscapes", "register_optimizer"} <= set(dir(gradscape))
    assert gradscape.Player.__module__ == "gradscape.api.widget"
    with pytest.raises(AttributeError, match="no attribute 'Plyer'"):
        gradscape.Plyer


def test_the_link_pages_are_navigations():
    """links.PAGES names exactly the url_paths navigation.py gives its pages (and the root), but the class
    board's (Class and Join: a class, not a view, which no link of the API opens)."""
    from gradscape.ui import classroom, routing

    named = {"DEFAULT_PAGE_PATH": routing.DEFAULT_PAGE_PATH, "BOARD_PATH": classroom.BOARD_PATH, "JOIN_PATH": classroom.JOIN_PATH}
    tree = ast.parse((ROOT / "navigation.py").read_text())
    values = [kw.value for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page"
              for kw in node.keywords if kw.arg == "url_path"]
    paths = {v.value if isinstance(v, ast.Constant) else named[getattr(v, "id", getattr(v, "attr", None))]
             for v in values} - {classroom.BOARD_PATH, classroom.JOIN_PATH}
    assert len(paths) == 6 and len(values) == 8
    assert set(links.PAGES) == paths | {""}


def test_a_link_opens_its_page_behind_any_base_path():
    assert links.read_link(LINK).value == Scenario(landscape="himmelblau", runs=(RunSpec("adam", 0.1), RunSpec("sgd", 0.01)),
                                                   starts=((0.0, 0.0), (-1.0, 1.0)), steps=60)
    read = links.read_link("https://example.org/class/gradscape/lessons?lesson=saddle-points&present=1")
    assert read.value.slug == "saddle-points" and read.app_url == "https://example.org/class/gradscape/"
    assert links.read_link("https://example.org/class/?ls=peaks").value.landscape == "peaks"
    assert links.read_link("http://h/playground?ls=peaks").app_url == "http://h/"
    assert links.read_link("http://h/lessons").value is LESSONS[0]
    assert isinstance(links.read_link("http://h/networks?data=moons").value, NetScenario)
    assert links.read_link("http://h/sweeps?sweep=basin&res=16").value.kind == "basin"


FORMS = {  # a page's link as Copy link gives it, and the forms a user may paste of it
    "Playground": ("http://localhost:8501/?ls=peaks&r1=adam;lr=0.05&steps=40", "localhost:8501/?ls=peaks&r1=adam;lr=0.05&steps=40",
                   "/?ls=peaks&r1=adam;lr=0.05&steps=40", "/playground?ls=peaks&r1=adam;lr=0.05&steps=40", "?ls=peaks&r1=adam;lr=0.05&steps=40"),
    "Lessons": ("http://localhost:8501/lessons?lesson=saddle-points&present=1", "/lessons?lesson=saddle-points&present=1",
                "?lesson=saddle-points&present=1"),
    "Neural net": ("http://localhost:8501/networks?data=moons&h=4&r1=adam;lr=0.02", "/networks?data=moons&h=4&r1=adam;lr=0.02",
                   "?data=moons&h=4&r1=adam;lr=0.02"),
    "Sweeps": ("http://localhost:8501/sweeps?sweep=basin&res=16&ls=peaks", "/sweeps?sweep=basin&res=16&ls=peaks", "?sweep=basin&res=16&ls=peaks"),
}


@pytest.mark.parametrize("page", FORMS)
def test_every_form_of_a_link_reads_as_the_whole_link(page):
    whole, *forms = FORMS[page]
    expected = links.read_link(whole)
    assert expected.page == page and expected.app_url == "http://localhost:8501/"
    for form in forms:
        assert links.read(form) == expected, form
        assert core.scenario(form) == expected.value
    base = links.read(whole.replace("http://localhost:8501", "/class/gradscape"))
    assert base.value == expected.value and base.app_url == "http://localhost:8501/class/gradscape/"


def test_an_existing_file_reads_as_a_file_whatever_its_name(tmp_path, monkeypatch):
    """A file named like a link is a configuration file; a name that is neither is refused naming both."""
    monkeypatch.chdir(tmp_path)
    view = Scenario(landscape="himmelblau", steps=70)
    for name in ("?ls=peaks", "lessons", "localhost:8501"):
        (tmp_path / name).write_text(export.config_json(view))
        assert links.read(name) == links.Read(view, "Playground")
    assert links.read(str(tmp_path / "lessons")).value == view
    for name in ("missing.json", "/no/such/dir/config.json", "lessons?lesson", "/no/such/dir/"):
        with pytest.raises(ValueError, match="is neither an existing file nor a link of the app"):
            links.read(name)
    with pytest.raises(ValueError, match="cannot be read"):
        links.read(str(tmp_path))


@pytest.mark.parametrize("link, words", [
    ("ftp://localhost:8501/?ls=peaks", "is not a link of the app (http://host:port/page?…, /page?… or ?…)"),
    ("/lesson?lesson=saddle-points", "page '/lesson' is not one of the app's pages"),
    ("?ls=peaks&bogus=1", "'bogus' is not a setting of gradscape links"),
    ("http://h/lesson?lesson=saddle-points", "page '/lesson' is not one of the app's pages"),
    ("http://h/schedules?s=cosine", "the Schedules page, which has no runs to compute"),
    ("http://h/?ls=peaks&ls=rosenbrock", "'ls' appears more than once"),
    ("http://h/?ls=peaks&r1=adamm", "r1: unknown optimizer 'adamm'; using Adam. Not run: the app would open it with that change."),
    ("http://h/?steps=0&steps2=1", "'steps=0' is outside [1, 5000]; using 500. (and 1 more)"),
    ("http://h/lessons?lesson=nope", "unknown lesson 'nope'"),
    ("http://h/lessons?lesson=saddle-points&ls=peaks", "the Lessons page does not use 'ls'"),
    ("http://h/lessons?present=yes", "'present=yes' should be 0 or 1"),
    ("http://h/networks?h=5", "'h=5' is not one of 4, 8, 16, 32"),
])
def test_a_link_the_app_would_change_is_refused_naming_the_change(link, words):
    with pytest.raises(ValueError) as err:
        links.read(link)
    assert words in str(err.value)


def test_configuration_files_of_each_view(tmp_path):
    views = [(Scenario(landscape="peaks", steps=80), export.PLAYGROUND, "Playground"),
             (NetScenario(steps=200), network_export.NETWORK, "Neural net"),
             (SweepScenario(kind="basin", resolution=16), sweep_export.SWEEP, "Sweeps")]
    for i, (view, codec, page) in enumerate(views):
        path = tmp_path / f"{i}.json"
        path.write_text(export.config_json(view, codec))
        assert links.read_file(path) == links.Read(view, page)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 1, "query": {"ls": "nowhere"}}))
    with pytest.raises(ValueError, match="unknown landscape 'nowhere'; using Rosenbrock"):
        links.read_file(bad)
    bad.write_text(json.dumps({"version": 1, "kind": "schedule", "query": {}}))
    with pytest.raises(ValueError, match="this view loads a Playground or lesson configuration or a Neural net"):
        links.read_file(bad)
    with pytest.raises(ValueError, match="cannot be read"):
        links.read(tmp_path / "missing.json")


def test_the_results_table_is_the_engines_ends():
    """One row per run and start, the final loss and the end as the engine records them."""
    results = core.run(LINK)
    rows = results.rows
    assert [(r["run"], r["start"]) for r in rows] == [("Adam", "(0, 0)"), ("Adam", "(-1, 1)"), ("SGD", "(0, 0)"), ("SGD", "(-1, 1)")]
    for k, (optimizer, lr) in enumerate((("adam", 0.1), ("sgd", 0.01))):
        rec = tr.run("himmelblau", optimizer, learning_rate=lr, starts=[(0, 0), (-1, 1)], steps=60)
        for j in range(2):
            assert rows[2 * k + j]["final loss"] == pytest.approx(float(rec.losses[j, -1]), rel=1e-6)
            assert rows[2 * k + j]["end"] == rec.status_text(j)
    lines = results.table().splitlines()
    assert lines[0].split() == ["run", "start", "final", "loss", "end", "nearest", "minimum", "distance"]
    assert f"{rows[0]['final loss']:.4g}" in lines[1] and len({line.index(" (") for line in lines[1:]}) == 1  # aligned columns


def test_keyword_scenarios_and_their_errors():
    s = core.scenario(landscape="peaks", runs=["adam", {"optimizer": "rmsprop", "learning_rate": 0.02, "rho": 0.8,
                                                        "schedule": "cosine", "schedule_params": {"min_ratio": 0.1}}])
    assert s.runs[1] == RunSpec("rmsprop", 0.02, hyper=(("rho", 0.8),), schedule="cosine", schedule_params=(("min_ratio", 0.1),))
    with pytest.raises(ValueError, match="has no parameter 'b9'"):
        core.scenario(runs=[{"optimizer": "adam", "b9": 1}])
    with pytest.raises(ValueError, match="unexpected keyword argument 'colour'"):
        core.scenario(colour="red")
    with pytest.raises(ValueError, match=r"starts must be \(x, y\) points"):
        core.scenario(starts=[(1.0, 2.0, 3.0)])
    with pytest.raises(ValueError, match="not both"):
        core.scenario(LINK, steps=10)
    with pytest.raises(ValueError, match="compute it with sweep"):
        core.run("http://h/sweeps")
    with pytest.raises(ValueError, match="compute it with run"):
        core.sweep(LINK)


MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".gif": b"GIF89a", ".svg": b"<svg", ".html": b"<!doctype html>"}


def test_every_export_of_a_playground_link(tmp_path):
    results = core.run(LINK)
    for suffix in core.exports(results):
        path = core.export(results, tmp_path / f"view{suffix}", step=30)
        data = path.read_bytes()
        if suffix in MAGIC:
            assert data.startswith(MAGIC[suffix]), suffix
    assert (tmp_path / "view.mp4").read_bytes()[4:8] == b"ftyp"
    csv_lines = (tmp_path / "view.csv").read_text().splitlines()
    assert csv_lines[0] == ",".join(export.CSV_COLUMNS) and len(csv_lines) == 1 + 2 * 2 * 61
    assert json.loads((tmp_path / "view.json").read_text())["query"] == to_query(results.view)
    assert b"http://localhost:8501/?" in (tmp_path / "view.html").read_bytes()  # the footer links to the link's app
    core.export(results, tmp_path / "data.txt", format="csv")
    assert (tmp_path / "data.txt").read_text() == (tmp_path / "view.csv").read_text()


def test_what_a_view_cannot_export_is_refused_before_any_work(tmp_path):
    with pytest.raises(ValueError, match=r"net.png: this view exports .csv, .json, .html files, not .png"):
        core.check_format(links.read("http://h/networks").value, tmp_path / "net.png")
    with pytest.raises(ValueError, match="not .gif"):
        core.check_format(SweepScenario(), "s.gif")
    with pytest.raises(ValueError, match="this lesson has no runs to export"):
        core.check_format(links.read("http://h/lessons?lesson=adam-amsgrad-reddi").value, "x.csv")
    with pytest.raises(ValueError, match="not a file without a suffix"):
        core.export(LINK, tmp_path / "noname")
    with pytest.raises(ValueError, match=r"step must be in \[0, 60\]"):
        core.export(LINK, tmp_path / "late.png", step=61)
    assert not list(tmp_path.iterdir())


def test_a_sweep_and_a_network_through_the_api(tmp_path):
    rates = core.sweep("http://h/sweeps?sweep=lr&ls=himmelblau&r1=adam&r2=sgd&rates=0.001,0.1,12&steps=60")
    for row, curve in zip(rates.rows, rates.shown.curves):
        best = curve.best()
        assert row["best learning rate"] == pytest.approx(curve.rates[best]) and row["median final loss − f*"] == curve.median()[best]
    assert core.export(rates, tmp_path / "rates.png").read_bytes().startswith(MAGIC[".png"])
    basins = core.sweep("http://h/sweeps?sweep=basin&ls=himmelblau&r1=adam&res=8&steps=60")
    assert [row["summary"] for row in basins.rows] == [m.note for m in basins.shown.maps]
    net = core.run("http://h/networks?h=4&n=256&batch=32&steps=200&r1=adam;lr=0.02&r2=sgd;lr=0.5")
    assert [row["run"] for row in net.rows] == ["Adam", "SGD"]
    assert [row["final loss"] for row in net.rows] == [float(v) for v in net.shown.record.loss[:, -1]]
    assert core.export(net, tmp_path / "net.html").read_bytes().startswith(MAGIC[".html"])
