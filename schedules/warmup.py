"""Warmup schedules (seed 003 §3.5, eqs. 6-8; seed 000 §2.1) and the warmup composition.

`with_linear_warmup(decay)` and `with_constant_warmup(decay)` turn any catalogue entry into a
warmup schedule: K warmup steps, then the decay run over the remaining T - K steps as if the run
started at k = K,

    η_k = ramp(k)                 for k < K
    η_k = decay(k - K; T - K)     for k ≥ K

with ramp(k) = η₀·k/K (linear) or η_low (constant). A loss-driven decay (reduce-on-plateau)
composes too: its state stays frozen during the warmup.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from gradscape.hyper import Hyper
from gradscape.schedules.base import Array, ScheduleInfo, as_rate_dtype, half_cosine, safe_div, steps_hyper
from gradscape.schedules.smooth import CONSTANT, COSINE, QUARTER_COSINE

LOW_RATIO = Hyper("low_ratio", 0.1, 0.0, 1.0, label="η_low/η₀", help="warmup rate as a fraction of η₀")
GOYAL = "P. Goyal et al. Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour. 2017"
HE = "K. He, X. Zhang, S. Ren, J. Sun. Deep Residual Learning for Image Recognition. CVPR 2016"
SMITH_TOPIN = "L. N. Smith, N. Topin. Super-Convergence: Very Fast Training of Neural Networks Using Large Learning Rates. 2019"


def linear_ramp(k: Array, K: Array, lr: ArrayLike) -> Array:
    """η₀·k/K: from 0 at the first update up to η₀ at k = K."""
    return lr * safe_div(k, K)


def constant_ramp(k: Array, K: Array, lr: ArrayLike, low_ratio: ArrayLike) -> Array:
    """η_low = low_ratio·η₀ throughout the warmup."""
    del K
    return jnp.ones_like(k) * (low_ratio * lr)


class Ramp(NamedTuple):
    """A warmup shape: `fn(k, K, lr, **params)` for k < K, its extra parameters and its labels."""

    fn: Callable[..., Array]
    params: tuple[Hyper, ...]
    key: str
    title: str
    latex: str
    reference: str


LINEAR = Ramp(linear_ramp, (), "warmup", "linear warmup", r"\eta_0\,k/K", GOYAL)
CONSTANT_LOW = Ramp(constant_ramp, (LOW_RATIO,), "constant-warmup", "constant warmup", r"\eta_{low}", HE)


def with_warmup(
    decay: ScheduleInfo,
    ramp: Ramp,
    *,
    key: str | None = None,
    name: str | None = None,
    latex: str | None = None,
    reference: str | None = None,
    when: str | None = None,
    warmup_steps: float = 50,
) -> ScheduleInfo:
    """`decay` preceded by `ramp` for K = warmup_steps (default) steps, as a new catalogue entry.

    Its parameters are warmup_steps, the ramp's, then the decay's. Unset metadata is derived from
    the decay's: key "<ramp>-<decay key>", name "<ramp> + <decay name>", a two-case formula.
    """
    warm = (steps_hyper("warmup_steps", warmup_steps, "K", "steps of warmup before the decay starts", low=0),)
    warm += ramp.params
    ramp_names = tuple(h.name for h in ramp.params)
    clash = {h.name for h in warm} & {h.name for h in decay.params}
    if clash:
        raise ValueError(f"warmup + {decay.key}: parameters {sorted(clash)} are both the warmup's and the decay's")

    def phases(k, T, lr, params: dict[str, Any]):
        """(warming, ramp rate, decay step k - K, decay length T - K, decay params)."""
        k, T, K = as_rate_dtype(lr, k, T, params.pop("warmup_steps"))
        extra = {n: params.pop(n) for n in ramp_names}
        return k < K, ramp.fn(k, K, lr, **extra), jnp.maximum(k - K, 0.0), jnp.maximum(T - K, 1.0), params

    meta = dict(
        key=key or f"{ramp.key}-{decay.key}",
        name=name or f"{ramp.title} + {decay.name}",
        family="warmup",
        params=warm + decay.params,
        latex=latex
        or rf"\eta_k = \begin{{cases}} {ramp.latex} & k < K \\ \text{{{decay.name}}}(k - K;\ T - K) & k \ge K \end{{cases}}",
        reference=reference or f"{ramp.reference}; {decay.reference}",
        when=when or f"{decay.name.capitalize()} after a {ramp.title} of K steps, for a safer start.",
    )
    if not decay.stateful:

        def fn(k: ArrayLike, T: ArrayLike, lr: ArrayLike, **params: ArrayLike) -> Array:
            warming, early, after, remaining, rest = phases(k, T, lr, dict(params))
            return jnp.where(warming, early, decay.fn(after, remaining, lr, **rest))

        return ScheduleInfo(fn=fn, **meta)

    def advance(state: Any, k: ArrayLike, T: ArrayLike, lr: ArrayLike, loss: ArrayLike, **params: ArrayLike):
        warming, early, after, remaining, rest = phases(k, T, lr, dict(params))
        rate, moved = decay.advance(state, after, remaining, lr, loss, **rest)
        kept = jax.tree_util.tree_map(lambda old, new: jnp.where(warming, old, new), state, moved)
        return jnp.where(warming, early, rate), kept

    return ScheduleInfo(fn=None, init_state=decay.init_state, advance=advance, **meta)


def with_linear_warmup(decay: ScheduleInfo, **meta: Any) -> ScheduleInfo:
    """`decay` after a linear ramp η₀·k/K (Goyal et al. 2017); adds the parameter warmup_steps = K.

    Keyword arguments as `with_warmup` (key, name, latex, reference, when, warmup_steps).
    """
    return with_warmup(decay, LINEAR, **meta)


def with_constant_warmup(decay: ScheduleInfo, **meta: Any) -> ScheduleInfo:
    """`decay` after K steps at η_low (He et al. 2016); adds warmup_steps = K and low_ratio."""
    return with_warmup(decay, CONSTANT_LOW, **meta)


def noam(k: ArrayLike, T: ArrayLike, lr: ArrayLike, d_model: ArrayLike, warmup_steps: ArrayLike) -> Array:
    """η = η₀ d^(-½) min(s^(-½), s w^(-3/2)) with s = k + 1, the paper's step number (Vaswani et al. 2017).

    η₀ is the paper's scale factor (1 in the paper): the peak, at s = w, is η₀/√(d w).
    """
    s, w = as_rate_dtype(lr, k + 1, warmup_steps)
    del T
    return lr / jnp.sqrt(d_model) * jnp.minimum(1.0 / jnp.sqrt(s), s / w**1.5)


def slanted_triangular(k: ArrayLike, T: ArrayLike, lr: ArrayLike, cut_frac: ArrayLike, ratio: ArrayLike) -> Array:
    """cut = ⌊T·cf⌋; p = k/cut for k < cut, else 1 - (k - cut)/(cut(1/cf - 1)); η = η₀(1 + p(r - 1))/r.

    cut is at least 1 and p is clipped to [0, 1], so the rate stays in [η₀/r, η₀] even where the
    floor makes the decay leg slightly shorter than T - cut (Howard & Ruder 2018).
    """
    k, T = as_rate_dtype(lr, k, T)
    cut = jnp.maximum(jnp.floor(T * cut_frac), 1.0)
    p = jnp.where(k < cut, k / cut, 1.0 - (k - cut) / (cut * (1.0 / cut_frac - 1.0)))
    return lr * (1.0 + jnp.clip(p, 0.0, 1.0) * (ratio - 1.0)) / ratio


def trapezoid(k: ArrayLike, T: ArrayLike, lr: ArrayLike, up_frac: ArrayLike, down_frac: ArrayLike) -> Array:
    """η = η₀ min(1, k/(aT), (T - k)/(bT)), ≥ 0: linear up over aT steps, flat, linear down over the last bT."""
    k, T = as_rate_dtype(lr, k, T)
    up = safe_div(k, up_frac * T)
    down = safe_div(T - k, down_frac * T)
    return lr * jnp.clip(jnp.minimum(up, down), 0.0, 1.0)


def cosine_anneal(start: ArrayLike, end: ArrayLike, pct: Array) -> Array:
    """From start (pct = 0) to end (pct = 1) along a half cosine."""
    return end + (start - end) * half_cosine(pct)


def linear_anneal(start: ArrayLike, end: ArrayLike, pct: Array) -> Array:
    """From start (pct = 0) to end (pct = 1) along a line."""
    return start + (end - start) * pct


def _one_cycle(
    k: ArrayLike,
    T: ArrayLike,
    lr: ArrayLike,
    pct_start: ArrayLike,
    div: ArrayLike,
    final_div: ArrayLike,
    anneal: Callable[[ArrayLike, ArrayLike, Array], Array],
) -> Array:
    """torch OneCycleLR (three_phase=False): peak at k₁ = pT - 1, final rate at k = T - 1."""
    k, T = as_rate_dtype(lr, k, T)
    first = lr / div
    last = first / final_div
    k1 = pct_start * T - 1.0
    up = anneal(first, lr, jnp.clip(safe_div(k, k1), 0.0, 1.0))
    down = anneal(lr, last, jnp.clip(safe_div(k - k1, T - 1.0 - k1), 0.0, 1.0))
    return jnp.where(k <= k1, up, down)


def one_cycle_cos(k: ArrayLike, T: ArrayLike, lr: ArrayLike, pct_start: ArrayLike, div: ArrayLike, final_div: ArrayLike) -> Array:
    """1cycle with cosine legs: η₀/div → η₀ at k₁ = pT - 1 → η₀/(div·final_div) at T - 1."""
    return _one_cycle(k, T, lr, pct_start, div, final_div, cosine_anneal)


def one_cycle_linear(k: ArrayLike, T: ArrayLike, lr: ArrayLike, pct_start: ArrayLike, div: ArrayLike, final_div: ArrayLike) -> Array:
    """1cycle with linear legs: η₀/div → η₀ at k₁ = pT - 1 → η₀/(div·final_div) at T - 1."""
    return _one_cycle(k, T, lr, pct_start, div, final_div, linear_anneal)


def untuned(k: ArrayLike, T: ArrayLike, lr: ArrayLike, beta2: ArrayLike) -> Array:
    """η = η₀ min(1, (1 - β2) k/2): a linear warmup over 2/(1 - β2) steps, set by Adam's β2 (Ma & Yarats 2021)."""
    (k,) = as_rate_dtype(lr, k)
    del T
    return lr * jnp.minimum(1.0, 0.5 * (1.0 - beta2) * k)


ONE_CYCLE_PARAMS = (
    Hyper("pct_start", 0.3, 0.01, 0.99, label="p", help="fraction of the run spent rising to η₀"),
    Hyper("div", 25.0, 1.0, 1e4, log=True, label="div", help="η₀ / starting rate"),
    Hyper("final_div", 1e4, 1.0, 1e6, log=True, label="final div", help="starting rate / final rate"),
)
ONE_CYCLE_LATEX = (
    r"\eta_k: \frac{\eta_0}{div} \to \eta_0 \text{ at } k_1 = pT - 1 \to \frac{\eta_0}{div \cdot final\_div}"
    r" \text{ at } T - 1"
)

CONSTANT_WARMUP = with_constant_warmup(
    CONSTANT,
    key="constant-warmup",
    name="constant warmup",
    latex=r"\eta_k = \begin{cases} \eta_{low} & k < K \\ \eta_0 & k \ge K \end{cases}",
    reference=HE,
    when="Start with a few cautious steps at a low rate, then switch to the full rate.",
    warmup_steps=20,
)

LINEAR_WARMUP = with_linear_warmup(
    CONSTANT,
    key="linear-warmup",
    name="linear warmup",
    latex=r"\eta_k = \eta_0 \min\left(1, \frac{k}{K}\right)",
    reference=GOYAL,
    when="Ramp up to a large rate instead of jumping to it, to avoid early divergence.",
)

WARMUP_COSINE = with_linear_warmup(
    COSINE,
    key="warmup-cosine",
    name="linear warmup + cosine",
    latex=(
        r"\eta_k = \begin{cases} \eta_0\,k/K & k < K \\ \eta_{min} + \tfrac12(\eta_0 - \eta_{min})"
        r"\left(1 + \cos\frac{\pi (k-K)}{T-K}\right) & k \ge K \end{cases}"
    ),
    reference=GOYAL + "; I. Loshchilov, F. Hutter. SGDR. ICLR 2017",
    when="The default for large models: a safe start, then a smooth decay to the end of the run.",
)

WARMUP_QUARTER_COSINE = with_linear_warmup(
    QUARTER_COSINE,
    key="warmup-quarter-cosine",
    name="warmup + quarter cosine (Pham)",
    latex=r"\eta_k = \begin{cases} \eta_0\,k/K & k < K \\ \eta_0 \cos\left(\frac{\pi}{4}\,\frac{k-K}{T-K}\right) & k \ge K \end{cases}",
    reference=QUARTER_COSINE.reference,
    when="Fine-tuning: warm up, then decay only to η₀/√2 so the rate stays useful to the end.",
)

NOAM = ScheduleInfo(
    key="noam",
    name="Noam (Transformer)",
    family="warmup",
    fn=noam,
    params=(
        Hyper("d_model", 512, 1, 8192, label="d_model", help="model width: scales the whole curve by d^(-1/2)", integer=True),
        steps_hyper("warmup_steps", 4000, "w", "steps of linear warmup (peak at step w)", high=20000),
    ),
    latex=r"\eta_k = \eta_0\, d_{model}^{-1/2} \min\left(s^{-1/2},\ s\,w^{-3/2}\right),\ s = k + 1",
    reference="A. Vaswani et al. Attention Is All You Need. NeurIPS 2017",
    when="Transformers with Adam: a linear warmup then 1/√k decay; set η₀ = 1 for the paper's curve.",
)

SLANTED_TRIANGULAR = ScheduleInfo(
    key="slanted-triangular",
    name="slanted triangular (ULMFiT)",
    family="warmup",
    fn=slanted_triangular,
    params=(
        Hyper("cut_frac", 0.1, 0.01, 0.9, label="cut_frac", help="fraction of the run spent rising"),
        Hyper("ratio", 32.0, 1.0, 1000.0, log=True, label="ratio", help="η₀ / lowest rate"),
    ),
    latex=(
        r"cut = \lfloor T\,cf \rfloor,\ p = \begin{cases} k/cut & k < cut \\ 1 - \frac{k - cut}{cut(1/cf - 1)}"
        r" & k \ge cut \end{cases},\ \eta_k = \eta_0\,\frac{1 + p(r - 1)}{r}"
    ),
    reference="J. Howard, S. Ruder. Universal Language Model Fine-tuning for Text Classification. ACL 2018",
    when="Fine-tuning: a short, steep rise to find a good region, then a long linear decay.",
)

TRAPEZOID = ScheduleInfo(
    key="trapezoid",
    name="long trapezoid",
    family="warmup",
    fn=trapezoid,
    params=(
        Hyper("up_frac", 0.1, 0.0, 1.0, label="a", help="fraction of the run spent rising"),
        Hyper("down_frac", 0.2, 0.0, 1.0, label="b", help="fraction of the run spent falling, at the end"),
    ),
    latex=r"\eta_k = \eta_0 \max\left(0, \min\left(1, \frac{k}{aT}, \frac{T - k}{bT}\right)\right)",
    reference="C. Xing, D. Arpit, C. Tsirigotis, Y. Bengio. A Walk with SGD. 2018",
    when="Keep a large rate for most of the run to travel above the valley floor, and drop it only at the end.",
)

ONE_CYCLE_COS = ScheduleInfo(
    key="onecycle-cos",
    name="1cycle (cosine)",
    family="warmup",
    fn=one_cycle_cos,
    params=ONE_CYCLE_PARAMS,
    latex=ONE_CYCLE_LATEX + r",\ \text{cosine legs}",
    reference=SMITH_TOPIN,
    when="Super-convergence: one big cycle up to a very large rate and down far below the start.",
)

ONE_CYCLE_LINEAR = ScheduleInfo(
    key="onecycle-linear",
    name="1cycle (linear)",
    family="warmup",
    fn=one_cycle_linear,
    params=ONE_CYCLE_PARAMS,
    latex=ONE_CYCLE_LATEX + r",\ \text{linear legs}",
    reference=SMITH_TOPIN,
    when="The original 1cycle with straight legs: one cycle up to a large rate, then down to a tiny one.",
)

UNTUNED_WARMUP = ScheduleInfo(
    key="untuned-warmup",
    name="untuned warmup (Ma & Yarats)",
    family="warmup",
    fn=untuned,
    params=(Hyper("beta2", 0.999, 0.9, 0.9999, label="β2", help="Adam's β2: the warmup lasts 2/(1-β2) steps"),),
    latex=r"\eta_k = \eta_0 \min\left(1, \frac{1 - \beta_2}{2}\,k\right)",
    reference="J. Ma, D. Yarats. On the Adequacy of Untuned Warmup for Adaptive Optimization. AAAI 2021",
    when="Adam without a warmup length to tune: warm up over 2/(1-β2) steps, as long as v̂ takes to settle.",
)
