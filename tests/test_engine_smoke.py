"""Every optimizer runs through the engine on every landscape at its defaults, without raising.

Non-finite results are the engine's status ("diverged at step k"), never an exception. The
landscape sweep uses final-point programs (half the compile time of recording ones); one
recorded run per optimizer covers the recording path, second paths included.
"""

import numpy as np
import pytest

from gradscape import landscapes
from gradscape import optimizers
from gradscape import trajectories as tr
from gradscape.trajectories.engine import DIVERGED, LEFT_DOMAIN, RUNNING, STATIONARY


@pytest.mark.parametrize("key", sorted(optimizers.REGISTRY))
def test_runs_on_every_landscape(key: str) -> None:
    for name in landscapes.REGISTRY:
        final = tr.final_points(name, key, steps=100)
        status, p = int(final.status[0]), final.positions[0]
        if status == DIVERGED:  # the offending point: non-finite, or |f| over the bound
            assert not np.all(np.isfinite(p)) or abs(float(landscapes.get(name).values(p))) > 1e12, name
        elif status == LEFT_DOMAIN:  # more than half the map's width outside it
            assert not landscapes.get(name).contains(tuple(p), margin=0.5), name
        else:
            assert status in (RUNNING, STATIONARY) and np.all(np.isfinite(p)), name
    rec = tr.run("rosenbrock", key, steps=100)
    assert rec.positions.shape == (1, 101, 2)
    assert np.all(np.isfinite(rec.positions)) and np.all(np.isfinite(rec.losses))
    assert (rec.aux is not None) == (optimizers.get(key).aux_path is not None)
