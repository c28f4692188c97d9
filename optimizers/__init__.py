"""The optimizer catalogue: one registry, one line per optimizer.

To add an optimizer: write its module (a transform, a builder taking `learning_rate` first and
its hyperparameters as keyword arguments, and an `OptimizerInfo`), then add one line below.
"""

from __future__ import annotations

from optimizers.adam import ADAM_INFO
from optimizers.base import GradientTransformation, Hyper, OptimizerInfo
from optimizers.sgd import MOMENTUM_INFO, NESTEROV_INFO, SGD_INFO

REGISTRY: dict[str, OptimizerInfo] = {
    info.key: info
    for info in (
        SGD_INFO,
        MOMENTUM_INFO,
        NESTEROV_INFO,
        ADAM_INFO,
    )
}


def get(key: str) -> OptimizerInfo:
    """The catalogue entry for `key`; a clear error listing the known keys otherwise."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValueError(f"unknown optimizer '{key}' (known: {', '.join(REGISTRY)})") from None


__all__ = ["REGISTRY", "get", "GradientTransformation", "Hyper", "OptimizerInfo"]
