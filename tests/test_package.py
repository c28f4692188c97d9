"""The wheel: `pip install .` installs one package, `gradscape`, holding the rooms and the app itself
(app.py, navigation.py, pages/ and .streamlit/config.toml, byte for byte as in the checkout), so the
installed app looks and serves like the checkout's; installed in a fresh venv, its `gradscape` command
runs the three kinds of link and serves the app, and the example notebook runs on its kernel.

Nothing here needs the network: the wheel is built with this venv's setuptools (pinned in
requirements-test.txt) and installed from itself alone, its dependencies being this venv's."""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbclient
import nbformat
import pytest

from gradscape import trajectories as tr
from gradscape.api import core
from tests.test_cli import LESSON, NETWORK, PLAYGROUND, served
from tests.test_widget import NOTEBOOK, check_example

ROOT = Path(__file__).resolve().parents[1]
APP_FILES = ["app.py", "navigation.py", ".streamlit/config.toml", *(str(p.relative_to(ROOT)) for p in sorted(ROOT.glob("pages/*.py")))]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The wheel built from a copy of the checkout's files (a build writes beside its sources)."""
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in files.stdout.splitlines():
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out)],
                   check=True, timeout=300)
    (path,) = out.glob("gradscape-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_holds_one_top_level_package(wheel):
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert "gradscape" in tops and all(t == "gradscape" or (t.startswith("gradscape-") and t.endswith(".dist-info")) for t in tops)


def test_the_app_ships_as_in_the_checkout(wheel):
    for name in APP_FILES:
        assert wheel.read(f"gradscape/app/{name}") == (ROOT / name).read_bytes(), name


def test_every_room_and_the_players_browser_code_ship(wheel):
    names = set(wheel.namelist())
    for room in ("landscapes", "optimizers", "schedules", "trajectories", "viz", "lessons", "classroom", "ui", "api"):
        sources = {f"gradscape/{room}/{p.relative_to(ROOT / room)}" for p in (ROOT / room).rglob("*.py") if "__pycache__" not in p.parts}
        assert sources <= names, sources - names
    frontend = {f"gradscape/ui/{p.relative_to(ROOT / 'ui')}" for p in (ROOT / "ui" / "frontend").rglob("*") if p.is_file()}
    assert frontend <= names, frontend - names


def fresh_venv(where: Path, wheel: zipfile.ZipFile) -> Path:
    """A new venv (`python -m venv`, its own pip) where `pip install --no-index 'gradscape[notebook]'` from the
    wheel finds every dependency already installed: a .pth file adds this venv's site-packages, which must
    not hold gradscape itself (this suite imports the checkout's), so that the new venv has it from the wheel
    only. Returns the venv's bin folder."""
    base = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    probe = subprocess.run([sys.executable, "-I", "-c", "import importlib.util as u; print(u.find_spec('gradscape'))"],
                           cwd=where, capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "None", f"gradscape is installed in {base}: the new venv could import it from there"
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True,
                          check=True, timeout=60).stdout.strip()
    (Path(site) / "gradscape-test-dependencies.pth").write_text("".join(f"{p}\n" for p in base))
    subprocess.run([python, "-m", "pip", "install", "--no-index", "-q", f"gradscape[notebook] @ file://{wheel.filename}"],
                   check=True, timeout=300, capture_output=True)
    return venv / "bin"


def test_a_fresh_venv_runs_the_wheels_command_and_the_example_notebook(wheel, tmp_path, monkeypatch):
    """`pip install` of the wheel into a fresh venv; from a directory outside the checkout, its `gradscape run`
    prints what this process computes for a Playground, a Lesson and a Neural net link (each link in another of
    the forms a user pastes), refuses a bad one with status 2, serves the app; the example notebook runs on a
    kernel of the venv's python, which imports gradscape from the wheel."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    bin_ = fresh_venv(tmp_path, wheel)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRADSCAPE_PLUGINS", "VIRTUAL_ENV")}
    site = subprocess.run([bin_ / "python", "-c", "import gradscape.api.cli as c, sysconfig; print(sysconfig.get_path('purelib'));"
                           "print(c.__file__); print(c.app_script())"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    purelib, *where = site.stdout.splitlines()
    assert purelib.startswith(str(tmp_path / "venv")) and where == [f"{purelib}/gradscape/api/cli.py", f"{purelib}/gradscape/app/app.py"]

    def gradscape(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(bin_ / "gradscape"), *args], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)

    for link in (PLAYGROUND, "/lessons?" + LESSON.partition("?")[2], "?" + NETWORK.partition("?")[2]):
        done = gradscape("run", link)
        assert done.returncode == 0 and done.stdout == f"{core.run(link)}\n", (link, done.stderr)
    table = [re.split(r"\s{2,}", line) for line in gradscape("run", PLAYGROUND, "--csv", "out.csv").stdout.splitlines()]
    rec = tr.run("himmelblau", "adam", learning_rate=0.1, starts=[(0, 0), (-1, 1)], steps=60)  # PLAYGROUND's first run
    assert [row[2:4] for row in table[1:3]] == [[f"{rec.losses[j, -1]:.4g}", rec.status_text(j)] for j in range(2)]
    assert (elsewhere / "out.csv").read_text().count("\n") == 1 + 2 * 2 * 61
    bad = gradscape("run", "?ls=himmelblau&r1=nope")
    assert bad.returncode == 2 and bad.stderr.startswith("gradscape: error: the link: r1: unknown optimizer 'nope'")
    served([str(bin_ / "gradscape")], elsewhere, env)  # the installed app: gradscape/app/app.py

    kernels = tmp_path / "jupyter" / "kernels" / "wheel"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({"argv": [str(bin_ / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                                                     "display_name": "the wheel's venv", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys, gradscape\nprint(sys.executable)\nprint(gradscape.__file__)"))
    nbclient.NotebookClient(nb, timeout=120, kernel_name="wheel", resources={"metadata": {"path": str(elsewhere)}}).execute()
    check_example(nb)
    assert nb.cells[-1].outputs[0]["text"].splitlines() == [str(bin_ / "python"), f"{purelib}/gradscape/__init__.py"]
