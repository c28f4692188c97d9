"""gradscape: watch gradient-descent optimizers and learning-rate schedules move, step by step, on 2-D
loss landscapes.

Its parts are subpackages: `gradscape.landscapes`, `.optimizers`, `.schedules` (the catalogues),
`.trajectories` (the engine), `.viz` (figures and exports), `.lessons` and `.ui` (the app's shared
pieces). Importing any of them configures nothing: the app calls `gradscape.trajectories.runtime.configure()`
at its start (float64 available, one XLA device per core, the compilation cache).

Installed (`pip install .`), the subpackages live inside this folder. In a checkout they are the
repository's top-level folders, which this package adds to its own search path, so that the same
`from gradscape.landscapes import …` works in both and every module has one name.
"""

from pathlib import Path

_here = Path(__file__).resolve().parent
if not (_here / "trajectories").is_dir() and (_here.parent / "trajectories" / "__init__.py").is_file():
    __path__.append(str(_here.parent))
