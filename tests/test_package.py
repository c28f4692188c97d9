"""The wheel: `pip install .` installs one package, `gradscape`, holding the rooms and the app itself
(app.py, navigation.py, pages/ and .streamlit/config.toml, byte for byte as in the checkout), so the
installed app looks and serves like the checkout's."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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
    for room in ("landscapes", "optimizers", "schedules", "trajectories", "viz", "lessons", "classroom", "ui"):
        sources = {f"gradscape/{room}/{p.relative_to(ROOT / room)}" for p in (ROOT / room).rglob("*.py") if "__pycache__" not in p.parts}
        assert sources <= names, sources - names
    frontend = {f"gradscape/ui/{p.relative_to(ROOT / 'ui')}" for p in (ROOT / "ui" / "frontend").rglob("*") if p.is_file()}
    assert frontend <= names, frontend - names
