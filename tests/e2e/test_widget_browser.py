"""The example notebook in a real JupyterLab, in headless Chromium: all cells run, the widget draws the
three paths (plotly.js from the kernel, offline), and the `set_rate` cell redraws them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.e2e.harness import ROOT, free_port

pytestmark = pytest.mark.browser
TOKEN = "gradscape-widget-test"


@pytest.fixture
def jupyter_lab(tmp_path):
    """A headless JupyterLab over a copy of examples/, its config, data and workspaces in tmp_path."""
    shutil.copytree(ROOT / "examples", tmp_path / "notebooks")
    settings = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))  # no news popup
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "jdata"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"), "PYTHONPATH": str(ROOT)}
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip", "127.0.0.1", "--port", str(port),
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={tmp_path / 'notebooks'}", "--LabApp.expose_app_in_browser=True"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "lab.log", "w"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError((tmp_path / "lab.log").read_text()[-3000:])
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def expected_paths() -> str:
    """The player's `data-paths` checksum (runs, Σ pos[i]·(i mod 7 + 1) in float32) of the example's
    widget after all its cells, computed here by running the notebook's code in this process."""
    import nbformat
    import numpy as np

    scope: dict = {}
    for cell in nbformat.read(ROOT / "examples" / "himmelblau.ipynb", as_version=4).cells:
        if cell.cell_type == "code":
            exec(cell.source, scope)
    runs = scope["player"]._data["runs"]
    total = 0.0
    for run in runs:
        for i, v in enumerate(np.frombuffer(run["pos"], "<f4").tolist()):  # in order, as the browser adds them
            total += v * (i % 7 + 1)
    return f"{len(runs)}:{total:.6f}"


def test_the_example_notebook_draws_its_paths_in_jupyterlab(jupyter_lab, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.route(lambda url: not url.startswith(jupyter_lab), lambda route: route.abort())  # offline
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{jupyter_lab}/lab/tree/himmelblau.ipynb?token={TOKEN}")
    page.wait_for_function("""() => {
        const app = window.jupyterapp; const w = app && app.shell.currentWidget;
        return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel
            && w.sessionContext.session.kernel.status === 'idle'; }""", timeout=60_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    player = page.locator(".ovz[data-ready='1']")
    player.wait_for(timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.jp-OutputArea-output').length >= 2 && "
                           "[...document.querySelectorAll('.jp-OutputArea-output')].some(o => o.textContent.includes(\"('adam', 0.3)\"))",
                           timeout=60_000)
    # The player shows the paths after the set_rate cell: the checksum (player.js) of the notebook's runs here.
    page.wait_for_function(f"document.querySelector('.ovz').dataset.paths === {json.dumps(expected_paths())}", timeout=30_000)
    assert page.locator(".ovz-legend > span").count() == 3
    painted = page.evaluate("""() => {
        const c = document.querySelector('.ovz-map2d .ovz-paths');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")
    assert painted > 500, painted  # the three paths are drawn on the map's canvas
    assert page.locator(".ovz-map2d .main-svg").count() >= 1  # plotly.js drew the contour map
    assert page.locator(".ovz-message").text_content() == ""
    page.locator(".ovz").scroll_into_view_if_needed()
    page.locator(".jp-OutputArea-output").first.screenshot(path=str(tmp_path / "widget.png"))
    if os.environ.get("GRADSCAPE_SCREENSHOTS"):
        shutil.copy(tmp_path / "widget.png", os.environ["GRADSCAPE_SCREENSHOTS"])
    assert not errors, errors
    context.close()
