"""The example notebook in a real JupyterLab and a real Jupyter Notebook 7, in headless Chromium: all
cells run, the widget draws the three paths (plotly.js from the kernel, offline), and the `set_rate`
cell redraws them."""

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
# Each front end: its server module, the class whose option exposes `window.jupyterapp`, where a notebook opens.
FRONT_ENDS = {"jupyterlab": ("jupyterlab", "LabApp", "/lab/tree/"), "notebook7": ("notebook", "JupyterNotebookApp", "/notebooks/")}
# Notebook 7.6's own shortcuts plug-in throws this on opening any notebook with a kernel (a one-cell `1+1`
# notebook too), from its bundle under /static/notebook/: not the widget's, which runs from a blob URL.
NOT_OURS = ("Cannot read properties of undefined (reading 'schema')", "/static/notebook/notebook_core.")


@pytest.fixture(params=FRONT_ENDS)
def jupyter_lab(tmp_path, request):
    """A headless JupyterLab or Jupyter Notebook 7 over a copy of examples/, its config, data and workspaces
    in tmp_path: the address that opens the example notebook."""
    module, app_class, notebooks = FRONT_ENDS[request.param]
    shutil.copytree(ROOT / "examples", tmp_path / "notebooks")
    settings = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))  # no news popup
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "jdata"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"), "PYTHONPATH": str(ROOT)}
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "--no-browser", "--allow-root", "--ip", "127.0.0.1", "--port", str(port),
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={tmp_path / 'notebooks'}", f"--{app_class}.expose_app_in_browser=True"],
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
        yield f"{url}{notebooks}himmelblau.ipynb?token={TOKEN}"
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


def test_the_example_notebook_draws_its_paths(jupyter_lab, browser, tmp_path, request):
    server = "/".join(jupyter_lab.split("/")[:3])
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.route(lambda url: not url.startswith(server), lambda route: route.abort())  # offline
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append((err.message, err.stack.splitlines()[1] if err.stack.count("\n") else "")))
    page.goto(jupyter_lab)
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
    shot = tmp_path / f"widget-{request.node.callspec.id}.png"
    page.locator(".jp-OutputArea-output").first.screenshot(path=str(shot))
    page.screenshot(path=str(shot.with_suffix(".page.png")))
    if os.environ.get("GRADSCAPE_SCREENSHOTS"):
        for made in (shot, shot.with_suffix(".page.png")):
            shutil.copy(made, os.environ["GRADSCAPE_SCREENSHOTS"])
    assert [e for e in errors if not (e[0] == NOT_OURS[0] and NOT_OURS[1] in e[1])] == [], errors
    context.close()
