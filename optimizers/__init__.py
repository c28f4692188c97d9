"""The optimizer catalogue: one registry, one line per optimizer.

To add an optimizer: write its module (a transform, a builder taking `learning_rate` first and
its hyperparameters as keyword arguments, and an `OptimizerInfo`), then add one line below.
"""

from __future__ import annotations

from gradscape.optimizers.adam import ADAM_INFO
from gradscape.optimizers.adaptive_lr import ADADELTA_INFO, ADAGRAD_INFO, RMSPROP_CENTERED_INFO, RMSPROP_INFO
from gradscape.optimizers.adaptive_moment import (
    ADABELIEF_INFO,
    ADAMAX_INFO,
    ADAMW_INFO,
    AMSGRAD_INFO,
    AMSGRAD_TORCH_INFO,
    LION_INFO,
    NADAM_INFO,
    NADAM_TORCH_INFO,
    QHADAM_INFO,
    RADAM_INFO,
    YOGI_INFO,
)
from gradscape.optimizers.base import FAMILIES, GradientTransformation, Hyper, OptimizerInfo
from gradscape.optimizers.bounded import ADABOUND_INFO, ADAMOD_INFO, AMSBOUND_INFO, DIFFGRAD_INFO
from gradscape.optimizers.momentum_variants import AGGMO_INFO, LARS_INFO, PNM_INFO
from gradscape.optimizers.ranger import LOOKAHEAD_YOGI_INFO, RANGER21_INFO, RANGER_INFO
from gradscape.optimizers.sgd import MOMENTUM_INFO, NESTEROV_INFO, SGD_INFO
from gradscape.optimizers.swats import SWATS_INFO
from gradscape.optimizers.wrappers import (
    CLIP_NORM_INFO,
    CLIP_VALUE_INFO,
    GRADIENT_NOISE_INFO,
    LOOKAHEAD_INFO,
    SWA_INFO,
    resolve as resolve_wrapped,
)

REGISTRY: dict[str, OptimizerInfo] = {
    info.key: info
    for info in (
        SGD_INFO,
        MOMENTUM_INFO,
        NESTEROV_INFO,
        ADAGRAD_INFO,
        ADADELTA_INFO,
        RMSPROP_INFO,
        RMSPROP_CENTERED_INFO,
        ADAM_INFO,
        ADAMAX_INFO,
        NADAM_INFO,
        NADAM_TORCH_INFO,
        AMSGRAD_INFO,
        AMSGRAD_TORCH_INFO,
        ADAMW_INFO,
        RADAM_INFO,
        YOGI_INFO,
        ADABELIEF_INFO,
        QHADAM_INFO,
        LION_INFO,
        ADAMOD_INFO,
        ADABOUND_INFO,
        AMSBOUND_INFO,
        DIFFGRAD_INFO,
        AGGMO_INFO,
        PNM_INFO,
        LOOKAHEAD_INFO,
        LOOKAHEAD_YOGI_INFO,
        RANGER_INFO,
        RANGER21_INFO,
        SWATS_INFO,
        GRADIENT_NOISE_INFO,
        CLIP_NORM_INFO,
        CLIP_VALUE_INFO,
        SWA_INFO,
        LARS_INFO,
    )
}


def get(key: str) -> OptimizerInfo:
    """The catalogue entry for `key` (or a wrapped key such as "lookahead(adam)"); a clear error otherwise."""
    if key in REGISTRY:
        return REGISTRY[key]
    if "(" in key:
        return resolve_wrapped(key, REGISTRY)
    raise ValueError(f"unknown optimizer '{key}' (known: {', '.join(REGISTRY)})")


__all__ = ["FAMILIES", "REGISTRY", "get", "GradientTransformation", "Hyper", "OptimizerInfo"]
