"""The rooms' dependencies point one way, and every module has one name.

Read from the source (every import statement, module level or not): pages → ui → classroom →
lessons → viz → trajectories (the engine) → the catalogues (landscapes, optimizers, schedules), which
import none of each other: the classroom (the class board and the exercises) reads and measures runs
through the engine, the viz caches and the lessons, and ui shows it; api (the Python API and the
command line) sits beside ui, over lessons and below nothing; nothing below ui imports Streamlit;
and nothing imports a room by its bare folder name (`import landscapes`), which in a checkout would
load a second copy beside `gradscape.landscapes`.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = {"landscapes", "optimizers", "schedules"}
ROOMS = CATALOGUES | {"trajectories", "viz", "lessons", "classroom", "ui", "api"}
# What each room may import of gradscape besides itself and the package's own modules (gradscape.hyper).
MAY_IMPORT = {
    "landscapes": set(), "optimizers": set(), "schedules": set(),
    "trajectories": CATALOGUES,
    "viz": CATALOGUES | {"trajectories"},
    "lessons": CATALOGUES | {"trajectories", "viz"},
    "classroom": CATALOGUES | {"trajectories", "viz", "lessons"},
    "ui": CATALOGUES | {"trajectories", "viz", "lessons", "classroom"},
    "api": CATALOGUES | {"trajectories", "viz", "lessons"},
}
NO_STREAMLIT = {"landscapes", "optimizers", "schedules", "trajectories", "viz", "lessons", "classroom"}
SOURCES = ("app.py", "navigation.py", "pages", "gradscape", "benchmarks", "tests", *sorted(ROOMS))


def python_files():
    for name in SOURCES:
        path = ROOT / name
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def imported(file: Path) -> list[str]:
    """Every module name an import statement of `file` names (relative imports as written)."""
    names = []
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def room_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "gradscape" and len(parts) > 1 and parts[1] in ROOMS else None


def test_no_module_is_imported_by_its_bare_folder_name_or_relatively():
    bad = [f"{file.relative_to(ROOT)}: {name}" for file in python_files() for name in imported(file)
           if name.split(".")[0] in ROOMS or name.startswith(".")]
    assert not bad, "import these as gradscape.<room>:\n" + "\n".join(bad)


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_each_room_imports_only_the_rooms_below_it(room):
    allowed = MAY_IMPORT[room] | {room}
    bad = []
    for file in sorted((ROOT / room).rglob("*.py")):
        for name in imported(file):
            other = room_of(name)
            if other is not None and other not in allowed:
                bad.append(f"{file.relative_to(ROOT)} imports {name}")
            if room in NO_STREAMLIT and name.split(".")[0] == "streamlit":
                bad.append(f"{file.relative_to(ROOT)} imports Streamlit")
    assert not bad, "\n".join(bad)


def test_a_check_that_can_fail():
    """The rules above read real import statements: a planted violation is caught."""
    assert room_of("gradscape.viz.player") == "viz" and room_of("gradscape.hyper") is None
    tree = ast.parse("from gradscape.ui import state\nimport landscapes\n")
    names = [n.module if isinstance(n, ast.ImportFrom) else n.names[0].name for n in tree.body]
    assert room_of(names[0]) not in MAY_IMPORT["viz"] and names[1].split(".")[0] in ROOMS


def test_importing_everything_loads_each_module_once_and_changes_no_jax_setting():
    """A fresh interpreter imports every room: no module under a bare room name, and JAX's x64,
    device count and cache directory are as JAX left them (the app configures them itself)."""
    script = """
import importlib, pkgutil, sys, jax
before = (jax.config.jax_enable_x64, jax.config.jax_num_cpu_devices, jax.config.jax_compilation_cache_dir)
import gradscape
for room in %r:
    package = importlib.import_module("gradscape." + room)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
after = (jax.config.jax_enable_x64, jax.config.jax_num_cpu_devices, jax.config.jax_compilation_cache_dir)
bare = sorted(m for m in sys.modules if m.split(".")[0] in %r)
print(before == after, bare)
""" % (sorted(ROOMS), sorted(ROOMS))
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["True", "[]"], out.stdout
