"""The wheel: `pip install .` installs one package, `gradscape`, holding the rooms and the app itself
(app.py, navigation.py, pages/ and .streamlit/config.toml, byte for byte as in the checkout), so the
installed app looks and serves like the checkout's."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.test_cli import served

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
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)], check=True, timeout=300)
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


def test_the_installed_console_script_runs_a_link(wheel, tmp_path):
    """The wheel installed with `pip install --no-deps --target DIR` (its dependencies are this venv's: a
    clean venv would install JAX and the rest for minutes), then DIR/bin/gradscape run from a directory
    outside the checkout with only DIR added to the path: the installed package, its app and its command."""
    target, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(target), wheel.filename],
                   check=True, timeout=300)
    env = {**{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRADSCAPE_PLUGINS")}, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import gradscape.api.cli as c; print(c.__file__); print(c.app_script())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert where.stdout.splitlines() == [str(target / "gradscape/api/cli.py"), str(target / "gradscape/app/app.py")], where.stderr
    link = "http://localhost:8501/?ls=himmelblau&r1=adam;lr=0.1&steps=40"
    done = subprocess.run([str(target / "bin" / "gradscape"), "run", link, "--csv", "out.csv"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split()[0] == "Adam" and (elsewhere / "out.csv").read_text().count("\n") == 1 + 41
    bad = subprocess.run([str(target / "bin" / "gradscape"), "run", link + "&r2=nope"], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.startswith("gradscape: error: the link: r2: unknown optimizer 'nope'")
    served([str(target / "bin" / "gradscape")], elsewhere, env)  # the installed app: gradscape/app/app.py
