"""Cyclical rates (seed 003, table 4, eqs. 4-5): η₀ is the top of every cycle.

Cycle lengths are traced numbers, so cycle indices come from jnp.floor (fixed lengths) or from a
logarithm corrected by one exact comparison each way (SGDR's growing lengths), never from
Python control flow.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax.typing import ArrayLike

from gradscape.hyper import Hyper
from gradscape.schedules.base import Array, ScheduleInfo, as_rate_dtype, cycle, half_cosine, steps_hyper
from gradscape.schedules.smooth import MIN_RATIO

SMITH_CLR = "L. N. Smith. Cyclical Learning Rates for Training Neural Networks. WACV 2017"
WU_SINE = (
    "Y. Wu, L. Liu, J. Bae et al. Demystifying Learning Rate Policies for High Accuracy Training of Deep Neural "
    "Networks. IEEE Big Data 2019"
)
SGDR_REF = "I. Loshchilov, F. Hutter. SGDR: Stochastic Gradient Descent with Warm Restarts. ICLR 2017"


def triangle_wave(k: Array, step_size: ArrayLike) -> tuple[Array, Array]:
    """(c, h): cycle number c = ⌊1 + k/(2Δt)⌋ (from 1) and height h = max(0, 1 - |k/Δt - 2c + 1|) ∈ [0, 1]."""
    c = jnp.floor(1.0 + k / (2.0 * step_size))
    return c, jnp.maximum(0.0, 1.0 - jnp.abs(k / step_size - 2.0 * c + 1.0))


def _clr(lr: ArrayLike, base_ratio: ArrayLike, height: Array) -> Array:
    """η_base + (η₀ - η_base)·height."""
    lr_base = base_ratio * lr
    return lr_base + (lr - lr_base) * height


def triangular(k: ArrayLike, T: ArrayLike, lr: ArrayLike, base_ratio: ArrayLike, step_size: ArrayLike) -> Array:
    """η = η_base + (η₀ - η_base)·h (Smith's TRI; torch CyclicLR 'triangular')."""
    (k,) = as_rate_dtype(lr, k)
    del T
    _, h = triangle_wave(k, step_size)
    return _clr(lr, base_ratio, h)


def triangular2(k: ArrayLike, T: ArrayLike, lr: ArrayLike, base_ratio: ArrayLike, step_size: ArrayLike) -> Array:
    """η = η_base + (η₀ - η_base)·h/2^(c-1): the amplitude halves every cycle (TRI2)."""
    (k,) = as_rate_dtype(lr, k)
    del T
    c, h = triangle_wave(k, step_size)
    return _clr(lr, base_ratio, h * 0.5 ** (c - 1.0))


def exp_range(
    k: ArrayLike, T: ArrayLike, lr: ArrayLike, base_ratio: ArrayLike, step_size: ArrayLike, gamma: ArrayLike
) -> Array:
    """η = η_base + (η₀ - η_base)·h·γᵏ: the amplitude decays every step (TRIEXP)."""
    (k,) = as_rate_dtype(lr, k)
    del T
    _, h = triangle_wave(k, step_size)
    return _clr(lr, base_ratio, h * gamma**k)


def restart_cycle(k: Array, t0: ArrayLike, t_mult: ArrayLike) -> tuple[Array, Array, Array]:
    """(i, t_cur, T_i) for cycles of lengths Tᵢ = T₀·T_multⁱ starting at T₀(T_multⁱ - 1)/(T_mult - 1).

    i comes from ⌊log(1 + k(T_mult-1)/T₀)/log T_mult⌋ (⌊k/T₀⌋ when T_mult = 1), then is
    corrected by one step if rounding put k before the start or after the end of cycle i.
    """
    geometric = t_mult > 1.0
    m = jnp.where(geometric, t_mult, 2.0)

    def start(i: Array) -> Array:
        return jnp.where(geometric, t0 * (m**i - 1.0) / (m - 1.0), t0 * i)

    i = jnp.where(geometric, jnp.floor(jnp.log1p(k * (m - 1.0) / t0) / jnp.log(m)), jnp.floor(k / t0))
    i = jnp.where(k < start(i), i - 1.0, i)
    i = jnp.where(k >= start(i + 1.0), i + 1.0, i)
    return i, k - start(i), t0 * jnp.where(geometric, m**i, 1.0)


def sgdr(
    k: ArrayLike,
    T: ArrayLike,
    lr: ArrayLike,
    t0: ArrayLike,
    t_mult: ArrayLike,
    min_ratio: ArrayLike,
    restart_decay: ArrayLike,
) -> Array:
    """η = η_min + ½(η₀dⁱ - η_min)(1 + cos(π t_cur/Tᵢ)) in cycle i (torch CosineAnnealingWarmRestarts when d = 1)."""
    (k,) = as_rate_dtype(lr, k)
    del T
    i, t_cur, length = restart_cycle(k, t0, t_mult)
    lr_min = min_ratio * lr
    return lr_min + (lr * restart_decay**i - lr_min) * half_cosine(t_cur / length)


def step_sgdr(k: ArrayLike, T: ArrayLike, lr: ArrayLike, period: ArrayLike, alpha: ArrayLike, min_ratio: ArrayLike) -> Array:
    """Ssgdr: SGDR with fixed cycles T_s whose top steps down by α each cycle, η₀αⁱ (Yang et al. 2017)."""
    return sgdr(k, T, lr, period, 1.0, min_ratio, alpha)


def _sine(k: Array, half_period: ArrayLike) -> Array:
    """|sin(π k / (2 T_s))|: zero at every multiple of 2T_s, one in between."""
    return jnp.abs(jnp.sin(jnp.pi * k / (2.0 * half_period)))


def sin(k: ArrayLike, T: ArrayLike, lr: ArrayLike, half_period: ArrayLike) -> Array:
    """SIN: η = η₀ |sin(π k / (2 T_s))|."""
    (k,) = as_rate_dtype(lr, k)
    del T
    return lr * _sine(k, half_period)


def sin2(k: ArrayLike, T: ArrayLike, lr: ArrayLike, half_period: ArrayLike) -> Array:
    """SIN2: η = η₀ |sin(π k / (2 T_s))| / 2^⌊k/(2T_s)⌋: halved every period."""
    (k,) = as_rate_dtype(lr, k)
    del T
    n, _ = cycle(k, 2.0 * half_period)
    return lr * _sine(k, half_period) * 0.5**n


def sinexp(k: ArrayLike, T: ArrayLike, lr: ArrayLike, half_period: ArrayLike, alpha: ArrayLike) -> Array:
    """SINEXP: η = η₀ αᵏ |sin(π k / (2 T_s))|."""
    (k,) = as_rate_dtype(lr, k)
    del T
    return lr * _sine(k, half_period) * alpha**k


def sawtooth(k: ArrayLike, T: ArrayLike, lr: ArrayLike, period: ArrayLike, min_ratio: ArrayLike) -> Array:
    """η = η_max - (k mod T_s)(η_max - η_min)/T_s: a linear fall, then a jump back to η₀ (seed 003's "triangle")."""
    (k,) = as_rate_dtype(lr, k)
    del T
    _, phase = cycle(k, period)
    return lr - phase * (lr - min_ratio * lr) / period


BASE_RATIO = Hyper("base_ratio", 0.1, 0.0, 1.0, label="η_base/η₀", help="bottom of the cycle as a fraction of η₀")
STEP_SIZE = steps_hyper("step_size", 50, "Δt", "steps of each half cycle (up or down)")
PERIOD = steps_hyper("period", 100, "T_s", "length of every cycle")
HALF_PERIOD = steps_hyper("half_period", 50, "T_s", "steps from zero to the peak of the sine")
CLR_LATEX = (
    r"\eta_k = \eta_{base} + (\eta_0 - \eta_{base})\max(0, 1 - x)\,f,\ "
    r"c = \left\lfloor 1 + \frac{k}{2\Delta t} \right\rfloor,\ x = \left|\frac{k}{\Delta t} - 2c + 1\right|"
)
SINE_LATEX = r"\eta_k = \eta_0 \left|\sin\frac{\pi k}{2 T_s}\right|"

TRIANGULAR = ScheduleInfo(
    key="triangular",
    name="triangular (CLR)",
    family="cyclical",
    fn=triangular,
    params=(BASE_RATIO, STEP_SIZE),
    latex=CLR_LATEX + r",\ f = 1",
    reference=SMITH_CLR,
    when="Bounce between two rates to explore without tuning one: set the bounds with an LR range test.",
)

TRIANGULAR2 = ScheduleInfo(
    key="triangular2",
    name="triangular2 (CLR)",
    family="cyclical",
    fn=triangular2,
    params=(BASE_RATIO, STEP_SIZE),
    latex=CLR_LATEX + r",\ f = 2^{1-c}",
    reference=SMITH_CLR,
    when="Cyclical exploration that calms down: each cycle's amplitude is half the previous one.",
)

EXP_RANGE = ScheduleInfo(
    key="exp-range",
    name="exp_range (CLR)",
    family="cyclical",
    fn=exp_range,
    params=(BASE_RATIO, STEP_SIZE, Hyper("gamma", 0.995, 0.9, 1.0, label="γ", help="per-step decay of the amplitude")),
    latex=CLR_LATEX + r",\ f = \gamma^{k}",
    reference=SMITH_CLR,
    when="Cyclical exploration whose amplitude fades smoothly, step by step, towards the base rate.",
)

SGDR = ScheduleInfo(
    key="sgdr",
    name="SGDR (cosine warm restarts)",
    family="cyclical",
    fn=sgdr,
    params=(
        steps_hyper("t0", 50, "T₀", "length of the first cycle"),
        Hyper("t_mult", 2.0, 1.0, 4.0, label="T_mult", help="each cycle is this many times longer", integer=True),
        MIN_RATIO,
        Hyper("restart_decay", 1.0, 0.1, 1.0, label="d", help="factor on the peak at each restart"),
    ),
    latex=(
        r"\eta_k = \eta_{min} + \tfrac12(\eta_0 d^{\,i} - \eta_{min})\left(1 + \cos\frac{\pi T_{cur}}{T_i}\right),\ "
        r"T_i = T_0 T_{mult}^{\,i}"
    ),
    reference=SGDR_REF,
    when="Restart the cosine to jump out of narrow basins; longer cycles later let it settle.",
)

STEP_SGDR = ScheduleInfo(
    key="ssgdr",
    name="step + SGDR (Ssgdr)",
    family="cyclical",
    fn=step_sgdr,
    params=(
        PERIOD,
        Hyper("alpha", 0.5, 0.1, 1.0, label="α", help="factor on the peak at each restart"),
        MIN_RATIO,
    ),
    latex=(
        r"\eta_k = \eta_{min} + \tfrac12(\eta_0 \alpha^{i} - \eta_{min})\left(1 + \cos\frac{\pi (k - i T_s)}{T_s}\right),"
        r"\ i = \lfloor k/T_s \rfloor"
    ),
    reference=(
        "H. Yang, C. Yuan, J. Xing, W. Hu. Diversity Encouraging Ensemble of Convolutional Networks for High "
        "Performance Action Recognition. ICIP 2017"
    ),
    when="Restarts for exploration plus a step decay for convergence: each restart peaks lower.",
)

SIN = ScheduleInfo(
    key="sin",
    name="sine (SIN)",
    family="cyclical",
    fn=sin,
    params=(HALF_PERIOD,),
    latex=SINE_LATEX,
    reference=WU_SINE,
    when="A smooth cyclical rate: like triangular, with gentler turns at the top and bottom.",
)

SIN2 = ScheduleInfo(
    key="sin2",
    name="sine, halved (SIN2)",
    family="cyclical",
    fn=sin2,
    params=(HALF_PERIOD,),
    latex=SINE_LATEX + r" \Big/ 2^{\lfloor k/(2T_s) \rfloor}",
    reference=WU_SINE,
    when="A sine cycle whose peak halves every period: exploration early, convergence late.",
)

SINEXP = ScheduleInfo(
    key="sinexp",
    name="sine, exponential (SINEXP)",
    family="cyclical",
    fn=sinexp,
    params=(HALF_PERIOD, Hyper("alpha", 0.995, 0.9, 1.0, label="α", help="per-step decay of the amplitude")),
    latex=SINE_LATEX + r"\,\alpha^{k}",
    reference=WU_SINE,
    when="A sine cycle whose amplitude decays smoothly every step.",
)

SAWTOOTH = ScheduleInfo(
    key="sawtooth",
    name="sawtooth",
    family="cyclical",
    fn=sawtooth,
    params=(PERIOD, MIN_RATIO),
    latex=r"\eta_k = \eta_0 - (k \bmod T_s)\,\frac{\eta_0 - \eta_{min}}{T_s}",
    reference="S. Mehta, M. Rastegari, L. Shapiro, H. Hajishirzi. ESPNetv2. CVPR 2019",
    when="Linear decays with periodic jumps back to η₀: a cheap, piecewise-linear warm restart.",
)
