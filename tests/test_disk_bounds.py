"""Files the app writes stay under their bounds, the least recently used going first
(trajectories/runtime.py): JAX's compilation cache here, the player's files in tests/test_assets.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gradscape.trajectories import runtime

ROOT = Path(__file__).resolve().parents[1]


def make_files(folder: Path, sizes_and_times: list[tuple[int, float, float]]) -> list[Path]:
    """Files f0, f1, … of the given sizes, last read at atime and last written at mtime (seconds)."""
    paths = []
    for i, (size, atime, mtime) in enumerate(sizes_and_times):
        path = folder / f"f{i}"
        path.write_bytes(bytes(size))
        os.utime(path, (atime, mtime))
        paths.append(path)
    return paths


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_prune_deletes_the_least_recently_used_until_the_rest_fit(tmp_path):
    paths = make_files(tmp_path, [(300, 10, 10), (300, 50, 20), (300, 30, 30), (300, 40, 40), (300, 5, 60)])
    # last used: f0 at 10, f1 at 50 (read after it was written at 20), f2 at 30, f3 at 40, f4 at 60
    assert runtime.prune(paths, limit=700) == 600
    assert names(tmp_path) == ["f1", "f4"]
    assert runtime.prune(paths, limit=600) == 600 and names(tmp_path) == ["f1", "f4"]  # within: nothing goes, gone files skipped


def test_every_runs_at_most_once_per_period():
    now, ran = [0.0], []
    every = runtime.Every(60.0, lambda: ran.append(now[0]), clock=lambda: now[0])
    for t in (0.0, 1.0, 59.9, 60.0, 61.0, 200.0):
        now[0] = t
        every()
    assert ran == [0.0, 60.0, 200.0]


SCRIPT = """
import json, os
import jax, jax.numpy as jnp
from gradscape.trajectories import runtime
runtime.JAX_CACHE_BYTES = 12000
runtime._PRUNE.seconds = 0.0  # every write may prune (the app: at most once a minute)
folder = runtime.CACHE_DIR
folder.mkdir(parents=True)
for i in range(10):  # entries of an earlier run, old0 the least recently used
    path = folder / f"old{i}-cache"
    path.write_bytes(bytes(2000))
    os.utime(path, (1000 + i, 1000 + i))
runtime.configure()
at_start = sorted(p.name for p in folder.iterdir())
jax.jit(lambda x: jnp.sin(x) * 3.0)(jnp.ones(7)).block_until_ready()
jax.jit(lambda x: jnp.cos(x) - 2.0)(jnp.ones(5)).block_until_ready()
files = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
print(json.dumps({"at_start": at_start, "end": [p.name for p in files], "sizes": [p.stat().st_size for p in files]}))
"""


def test_the_compilation_cache_is_pruned_at_start_and_as_jax_writes(tmp_path):
    """An earlier run's entries beyond the bound go at start, least recently used first; each new
    program JAX writes (the two here and the small ones eager operations compile) prunes again
    before it lands, so the cache exceeds the bound by at most what is written between two prunes
    (here, with no pause between prunes: the newest entry)."""
    env = {**os.environ, "GRADSCAPE_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["at_start"] == [f"old{i}-cache" for i in range(4, 10)]  # the 6 most recent fill 12000 bytes
    old = [name for name in seen["end"] if name.startswith("old")]
    assert sum(name.startswith("jit__lambda-") for name in seen["end"]) == 2  # both programs written
    assert old == [f"old{i}-cache" for i in range(10 - len(old), 10)] and len(old) < 6  # the oldest made room
    assert sum(seen["sizes"][:-1]) <= 12000  # all but the newest entry, written after the last prune
