"""Any schedule drives any optimizer through the engine, at exactly the schedule's own rates.

Each (optimizer, schedule) pair is one compiled program (~0.5 s of CPU), so the full cross product
(35 × 33 pairs today) would take over ten minutes. Instead: every schedule with the representative
optimizers REP_OPTIMIZERS, and every optimizer with the representative schedules REP_SCHEDULES
(one loss-driven, one composed warmup, one with traced cycle indices). Both lists are read from the
registries at test time, so new entries are covered as they land.

Runs with SGD are float64 and also check the step itself, p_{k+1} - p_k = -η_k g_k: the rate the
optimizer used inside the scan, not only the one recorded.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from gradscape import optimizers
from gradscape import schedules
from gradscape import trajectories as tr

STEPS = 30
REP_OPTIMIZERS = ("sgd", "adam", "lookahead")
REP_SCHEDULES = ("plateau", "warmup-cosine", "sgdr")


def short_run_params(key: str) -> dict[str, float]:
    """Valid, non-default parameters that make the schedule move within STEPS steps."""
    rng = np.random.default_rng(sum(map(ord, key)))
    params = {}
    for h in schedules.get(key).params:
        if h.integer:
            params[h.name] = float(rng.integers(h.low, min(h.high, h.low + 12) + 1))
        elif h.log:
            params[h.name] = float(np.exp(rng.uniform(np.log(h.low), np.log(h.high))))
        else:
            params[h.name] = float(rng.uniform(h.low, h.high))
    return schedules.get(key).resolve(params)


def own_rates(key: str, lr: float, params: dict[str, float], losses: np.ndarray, dtype: str) -> np.ndarray:
    """The schedule's rates for a STEPS-step run, from its own function (stateful: fed `losses`)."""
    info = schedules.get(key)
    cast = {n: jnp.asarray(v, dtype) for n, v in params.items()}
    lr, T = jnp.asarray(lr, dtype), jnp.int32(STEPS)
    if not info.stateful:
        return np.asarray(info.fn(jnp.arange(STEPS, dtype=jnp.int32), T, lr, **cast))
    state, out = info.init_state(), []
    for k in range(STEPS):
        rate, state = info.advance(state, jnp.int32(k), T, lr, jnp.asarray(losses[k], dtype), **cast)
        out.append(rate)
    return np.asarray(out)


def pairs():
    opts = [o for o in REP_OPTIMIZERS if o in optimizers.REGISTRY]
    scheds = [s for s in REP_SCHEDULES if s in schedules.REGISTRY]
    chosen = {(o, s) for o in opts for s in schedules.REGISTRY} | {(o, s) for o in optimizers.REGISTRY for s in scheds}
    return sorted(chosen)


def test_every_entry_is_covered():
    covered = pairs()
    assert {s for _, s in covered} == set(schedules.REGISTRY)
    assert {o for o, _ in covered} == set(optimizers.REGISTRY)


@pytest.mark.parametrize("optimizer,schedule", pairs())
def test_engine_uses_the_schedule_rate(optimizer, schedule):
    dtype = "float64" if optimizer == "sgd" else "float32"
    lr = optimizers.get(optimizer).default_lr
    params = short_run_params(schedule)
    record = tr.run("quadratic", optimizer, schedule=schedule, schedule_params=params, steps=STEPS,
                    learning_rate=lr, dtype=dtype)
    want = own_rates(schedule, lr, params, record.losses[0], dtype)
    assert record.lrs.shape == (1, STEPS)
    tol = dict(rtol=1e-12, atol=1e-15 * lr) if dtype == "float64" else dict(rtol=2e-6, atol=1e-6 * lr)
    np.testing.assert_allclose(record.lrs[0], want, **tol)
    if optimizer == "sgd":
        assert record.status[0] not in (tr.engine.DIVERGED, tr.engine.LEFT_DOMAIN)  # every step taken, none held
        moves = np.diff(record.positions[0], axis=0)
        np.testing.assert_allclose(moves, -want[:, None] * record.grads[0], rtol=1e-9, atol=1e-14)
