"""Lookahead over adaptive optimizers: Ranger, Lookahead-Yogi and Ranger21.

Ranger (Wright 2019) is Lookahead(RAdam) and Lookahead-Yogi is Lookahead(Yogi), both built by
`wrappers.wrap` from the catalogue entries. Ranger21 (Wright & Demeure 2021) is composed from the
catalogue's own transforms. What runs, per step t (a "layer" is one trajectory's 2-vector):

1. adaptive gradient clipping: where ‖g‖ > c·max(‖θ‖, 10⁻³), g ← g · c·max(‖θ‖, 10⁻³)/‖g‖;
2. gradient centralization: g ← g - s·mean(g) (s = 1 on, 0 off);
3. positive-negative momentum (`momentum_variants.scale_by_pnm`):
   mₜ = β1² mₜ₋₂ + (1-β1²) g,  n = ((1+β0) mₜ - β0 mₜ₋₁)/√((1+β0)² + β0²);
4. AdamW-style core: v ← β2 v + (1-β2) g², v̂ = v/(1-β2ᵗ), step n/((1-β1ᵗ)(√v̂ + ε));
5. stable weight decay λθ/(√mean(v̂) + ε) and norm loss 2ν(1 - 1/(‖θ‖ + ε))θ, both decoupled;
6. the rate rₜ: linear warmup rₜ = η·min(1, t/W) with W = ⌈2/(1-β2)⌉, or ⌊0.22 T⌋ when that
   exceeds 0.45 T (T = total_steps); from t₀ = ⌊0.72 T⌋ a linear warm-down
   rₜ = η - (η - 3·10⁻⁵)·min(1, (t + 1 - t₀)/(T - t₀ + 1));
   θ ← θ - rₜ [step + decay + norm loss];
7. lookahead (`wrappers.lookahead`) every k steps with α.

Choices where the authors' code differs: it replaces RAdam's rectifier by the warmup (as here);
its PNM normaliser uses β2 where the PNM paper uses β0 (β0 here); it multiplies θ by the decay
factors one after the other (here they add, a second-order difference); it adds no ε to
√mean(v̂). Its gradient centralization and gradient normalization skip 1-D tensors, so on a real
2-vector it would not centralize; it is on here by default, as the specification asks: see the
notes. The softplus on the denominator and the MADGRAD core are not used.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from gradscape.optimizers.adaptive_moment import RADAM_INFO, YOGI_INFO
from gradscape.optimizers.base import (
    GradientTransformation,
    Hyper,
    LearningRate,
    OptimizerInfo,
    Params,
    Scalar,
    chain,
    coord_mean,
    coord_norm,
    learning_rate_at,
    safe_increment,
    tree_map,
    zeros_like,
)
from gradscape.optimizers.gradient_ops import adaptive_grad_clip, centralize
from gradscape.optimizers.moments import bias_correction, update_moment
from gradscape.optimizers.momentum_variants import PNMState, scale_by_pnm
from gradscape.optimizers.wrappers import WRAPPERS, lookahead, wrap

WARMDOWN_START = 0.72
WARMDOWN_MIN_LR = 3e-5


def ranger21_rate(eta: jax.Array, t: jax.Array, b2: Scalar, total_steps: Scalar) -> jax.Array:
    """The rate of step t (from 1): linear warmup over W steps, linear warm-down after ⌊0.72 T⌋."""
    t = jnp.asarray(t, jnp.result_type(eta, float))
    beta_warmup = jnp.ceil(2 / (1 - b2))
    warmup = jnp.where(beta_warmup > 0.45 * total_steps, jnp.floor(0.22 * total_steps), beta_warmup)
    start = jnp.floor(WARMDOWN_START * total_steps)
    down = jnp.clip((t + 1 - start) / (total_steps - start + 1), 0.0, 1.0)
    return jnp.where(t < start, eta * jnp.minimum(1.0, t / warmup), eta - (eta - WARMDOWN_MIN_LR) * down)


class Ranger21State(NamedTuple):
    """Step count, the PNM buffers and the second moment v."""

    count: jax.Array
    pnm: PNMState
    nu: Params


def scale_by_ranger21(
    learning_rate: LearningRate,
    b1: Scalar,
    b2: Scalar,
    eps: Scalar,
    weight_decay: Scalar,
    normloss: Scalar,
    b0: Scalar,
    total_steps: Scalar,
) -> GradientTransformation:
    """Steps 3-6 above: emits -rₜ [n/((1-β1ᵗ)(√v̂+ε)) + λθ/(√mean v̂ + ε) + 2ν(1 - 1/(‖θ‖+ε))θ]."""
    pnm = scale_by_pnm(b1, b0)

    def init(params):
        return Ranger21State(jnp.zeros([], jnp.int32), pnm.init(params), zeros_like(params))

    def update(grads, state, params=None):
        eta = learning_rate_at(learning_rate, state.count)
        count = safe_increment(state.count)
        momentum, pnm_state = pnm.update(grads, state.pnm)
        nu = update_moment(grads, state.nu, b2, 2)
        rate = ranger21_rate(eta, count, b2, total_steps)

        def step(n_hat, v_hat, p):
            adam = n_hat / (jnp.sqrt(v_hat) + eps)
            stable_decay = weight_decay * p / (jnp.sqrt(coord_mean(v_hat)) + eps)
            norm_loss = 2 * normloss * (1 - 1 / (coord_norm(p) + eps)) * p
            return -rate * (adam + stable_decay + norm_loss)

        n_hat, v_hat = bias_correction(momentum, b1, count), bias_correction(nu, b2, count)
        return tree_map(step, n_hat, v_hat, params), Ranger21State(count, pnm_state, nu)

    return GradientTransformation(init, update)


def ranger21(
    learning_rate: LearningRate,
    b1: Scalar = 0.9,
    b2: Scalar = 0.999,
    eps: Scalar = 1e-8,
    weight_decay: Scalar = 1e-4,
    normloss: Scalar = 1e-4,
    b0: Scalar = 1.0,
    agc_clip: Scalar = 1e-2,
    gc: Scalar = 1.0,
    total_steps: Scalar = 500,
    lookahead_k: Scalar = 5,
    lookahead_alpha: Scalar = 0.5,
) -> GradientTransformation:
    """Lookahead(AGC → centralization → PNM/AdamW core with stable decay, norm loss, warmup, warm-down)."""
    core = chain(
        adaptive_grad_clip(agc_clip),
        centralize(gc),
        scale_by_ranger21(learning_rate, b1, b2, eps, weight_decay, normloss, b0, total_steps),
    )
    return lookahead(core, lookahead_k, lookahead_alpha)


RANGER21_INFO = OptimizerInfo(
    key="ranger21",
    name="Ranger21",
    family="multi-buffer / wrappers",
    build=ranger21,
    hypers=(
        Hyper("b1", 0.9, 0.0, 0.999, label="β1", help="momentum of each PNM buffer"),
        Hyper("b2", 0.999, 0.0, 0.99999, label="β2", help="decay of the second moment; sets the warmup 2/(1-β2)"),
        Hyper("eps", 1e-8, 1e-12, 1e-1, log=True, label="ε", help="added to √v̂"),
        Hyper("weight_decay", 1e-4, 0.0, 0.1, label="λ", help="stable weight decay"),
        Hyper("normloss", 1e-4, 0.0, 0.1, label="ν", help="norm-loss factor (pulls ‖θ‖ towards 1)"),
        Hyper("b0", 1.0, 0.0, 5.0, label="β0", help="positive-negative momentum weight"),
        Hyper("agc_clip", 1e-2, 1e-4, 10.0, log=True, label="c", help="adaptive clipping: ‖g‖ ≤ c‖θ‖"),
        Hyper("gc", 1.0, 0.0, 1.0, label="GC", help="gradient centralization on (1) or off (0)", integer=True),
    )
    + WRAPPERS["lookahead"].hypers,
    rule_latex=r"\tilde g = \mathrm{GC}(\mathrm{AGC}(g)),\; m_t = \beta_1^2 m_{t-2} + (1-\beta_1^2)\tilde g,\;"
    r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\tilde g^2,\; \theta_t = \theta_{t-1} - r_t\Big[\frac{(1+\beta_0)m_t - \beta_0 m_{t-1}}"
    r"{\sqrt{(1+\beta_0)^2+\beta_0^2}\,(1-\beta_1^t)(\sqrt{\hat v_t}+\epsilon)} + \frac{\lambda\theta}{\sqrt{\overline{\hat v_t}}+\epsilon}"
    r" + 2\nu\Big(1 - \frac{1}{\lVert\theta\rVert+\epsilon}\Big)\theta\Big];\ \text{Lookahead}(k, \alpha)",
    reference="L. Wright, N. Demeure. Ranger21: a synergistic deep learning optimizer. arXiv:2106.13731, 2021",
    default_lr=1e-1,
    notes="Warning: gradient centralization on a 2-vector subtracts the mean of gx and gy, so the raw step can only "
    "move along x = -y (Adam's per-coordinate scaling and the decays bend it); the authors' code skips "
    "centralization for 1-D tensors: set GC = 0 for that behaviour. T is the run length, set by the engine: the warmup "
    "(2/(1-β2) steps, or 22% of T when that is over 45% of T) and the warm-down over the last 28% of T "
    "(to 3·10⁻⁵) depend on it. AdamW core with warmup instead of RAdam's rectifier, as the authors' code. "
    "The second path is Lookahead's slow weights.",
    aux_path=lambda state: state.slow,
    aux_label="slow weights",
    run_length="total_steps",
)

RANGER_INFO = wrap(
    "lookahead",
    RADAM_INFO,
    key="ranger",
    name="Ranger (Lookahead + RAdam)",
    reference="L. Wright. Ranger: a synergistic optimizer combining RAdam and LookAhead. 2019 "
    "(github.com/lessw2020/Ranger-Deep-Learning-Optimizer), after M. R. Zhang et al., NeurIPS 2019 and "
    "L. Liu et al., ICLR 2020",
    notes="Lookahead over RAdam with the catalogue's RAdam and Lookahead defaults (k = 5, α = 0.5); the original "
    "code uses k = 6 and β1 = 0.95 and later added gradient centralization. The second path is the slow weights.",
)

LOOKAHEAD_YOGI_INFO = wrap("lookahead", YOGI_INFO, key="lookahead_yogi", name="Lookahead (Yogi)")
