"""gradscape: watch gradient-descent optimizers and learning-rate schedules move, step by step, on 2-D
loss landscapes.

Its parts are subpackages: `gradscape.landscapes`, `.optimizers`, `.schedules` (the catalogues),
`.trajectories` (the engine), `.viz` (figures and exports), `.lessons`, `.ui` (the app's shared
pieces) and `.api` (the Python API and the `gradscape` command line). Importing any of them configures
nothing: the app calls `gradscape.trajectories.runtime.configure()` at its start (float64 available,
one XLA device per core, the compilation cache).

From Python (see `gradscape.api.core`): `gradscape.scenario`, `run`, `sweep`, `export`, the catalogues
`landscapes`, `optimizers`, `schedules`, `register_optimizer`, `register_torch_optimizer`, and the
notebook widget `Player` (`gradscape.api.widget`, with the `notebook` extra). They load on first use:
importing gradscape itself imports nothing else.

Installed (`pip install .`), the subpackages live inside this folder. In a checkout they are the
repository's top-level folders, which this package adds to its own search path, so that the same
`from gradscape.landscapes import …` works in both and every module has one name.
"""

from importlib import import_module
from pathlib import Path

_here = Path(__file__).resolve().parent
if not (_here / "trajectories").is_dir() and (_here.parent / "trajectories" / "__init__.py").is_file():
    __path__.append(str(_here.parent))

# The public surface: name → the module that defines it (imported on first use).
_LAZY = {
    "scenario": "gradscape.api.core", "run": "gradscape.api.core", "sweep": "gradscape.api.core", "export": "gradscape.api.core",
    "Results": "gradscape.api.core", "register_optimizer": "gradscape.api.core", "register_torch_optimizer": "gradscape.api.core",
    "Player": "gradscape.api.widget",
}
_CATALOGUES = ("landscapes", "optimizers", "schedules")
__all__ = [*_LAZY, *_CATALOGUES]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    if name in _CATALOGUES:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
