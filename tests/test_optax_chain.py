"""Every optimizer is a GradientTransformation optax accepts: inside
`optax.chain(optax.clip_by_global_norm(1.0), ours)` it equals clipping the gradient by hand."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from gradscape import optimizers
from gradscape.landscapes import classic


def _clipped_runs(key: str) -> tuple[np.ndarray, np.ndarray]:
    info = optimizers.get(key)
    grad = jax.grad(lambda p: jnp.sum(classic.rosenbrock(p)))

    def clip(g):
        norm = jnp.sqrt(jnp.sum(g * g))
        return jnp.where(norm < 1.0, g, g / norm)

    def path(tx, prepare, start):
        def step(carry, _):
            p, state = carry
            updates, state = tx.update(prepare(grad(p)), state, p)
            return (optax.apply_updates(p, updates), state), p

        return jax.lax.scan(step, (start, tx.init(start)), None, length=50)[1]

    @jax.jit
    def both(start, lr, hyper):
        tx = info.build(lr, **hyper)
        return path(optax.chain(optax.clip_by_global_norm(1.0), tx), lambda g: g, start), path(tx, clip, start)

    hyper = {k: jnp.asarray(v, jnp.float64) for k, v in info.defaults().items()}
    chained, manual = both(jnp.asarray([-1.2, 1.0]), jnp.asarray(info.default_lr, jnp.float64), hyper)
    return np.asarray(chained), np.asarray(manual)


@pytest.mark.parametrize("key", sorted(optimizers.REGISTRY))
def test_inside_optax_chain_after_clipping(key: str) -> None:
    chained, manual = _clipped_runs(key)
    assert np.all(np.isfinite(manual))
    assert np.max(np.abs(manual[-1] - manual[0])) > 1e-3
    assert np.max(np.abs(chained - manual)) <= 1e-12
