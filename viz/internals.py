"""An optimizer's internals over a run: effective rate, gradient and state magnitudes per coordinate."""

from __future__ import annotations

import numpy as np

from gradscape import trajectories as tr
from gradscape.memo import cached
from gradscape.trajectories.api import RunRecord
from gradscape.viz.lines import Series, line_figure

RUN_CACHE_BYTES = 16 * 2**20  # runs with their optimizer state recorded: ≈ 30–100 bytes a step (≤ 0.5 MB a run)

COORDS = ("x", "y")
DASHES = ("solid", "dot")
BUFFER_NAMES = {
    "mu": "first moment m",
    "nu": "second moment v",
    "trace": "momentum buffer m",
    "slow": "slow weights",
    "vhat": "max second moment v̂",
}


@cached(RUN_CACHE_BYTES)
def internals_run(landscape: str, key: str, lr: float, hyper: tuple, steps: int) -> RunRecord:
    """One run of optimizer `key` from the landscape's default start with its state recorded (cached
    across sessions); raises ValueError for bad settings."""
    return tr.run(landscape, key, learning_rate=lr, hyper=dict(hyper), steps=steps, record_state=True)


def buffer_label(path: str) -> str:
    """'[0].nu' → 'second moment v'; unknown names are shown as their state path."""
    field = path.rsplit(".", 1)[-1]
    return BUFFER_NAMES.get(field, path.lstrip("."))


def _per_coordinate(name: str, values: np.ndarray, color: str) -> list[Series]:
    steps = np.arange(1, values.shape[0] + 1)
    return [Series(f"{name} ({c})", steps, np.abs(values[:, i]), color, DASHES[i], name) for i, c in enumerate(COORDS[: values.shape[1]])]


def internals_figures(record: RunRecord, color: str, height: int = 260) -> dict[str, dict]:
    """Figures for trajectory 0: effective learning rate, |gradient|, and each state buffer."""
    figures = {
        "effective learning rate |Δθ| / |g|": line_figure(
            _per_coordinate("η_eff", record.effective[0], color), y_title="|Δθ|/|g|", log_y=True, height=height
        ),
        "gradient magnitude |g|": line_figure(_per_coordinate("|g|", record.grads[0], color), y_title="|g|", log_y=True, height=height),
    }
    for path, values in record.state.items():
        label = buffer_label(path)
        figures[f"state: {label}"] = line_figure(_per_coordinate(label, values[0], color), y_title="magnitude", log_y=True, height=height)
    return figures
