"""Constant rate and smooth decays (seed 003, tables 1 and 3, eqs. 2-3).

Every decay here is a closed form of (k, T); those that use T hold their value at k = T after
the end of the run.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from gradscape.hyper import Hyper
from gradscape.schedules.base import Array, ScheduleInfo, as_rate_dtype, half_cosine, run_fraction, steps_hyper

NOISE_DECAY = 0.55
BELLO = "I. Bello, B. Zoph, V. Vasudevan, Q. Le. Neural Optimizer Search with Reinforcement Learning. ICML 2017"


def constant(k: ArrayLike, T: ArrayLike, lr: ArrayLike) -> Array:
    """η = η₀."""
    (k,) = as_rate_dtype(lr, k)
    del T
    return jnp.ones_like(k) * lr


def cosine(k: ArrayLike, T: ArrayLike, lr: ArrayLike, min_ratio: ArrayLike) -> Array:
    """η = η_min + ½(η₀ - η_min)(1 + cos(π k / T)), held at η_min after T (Loshchilov & Hutter)."""
    k, T = as_rate_dtype(lr, k, T)
    lr_min = min_ratio * lr
    return lr_min + (lr - lr_min) * half_cosine(run_fraction(k, T))


def exponential(k: ArrayLike, T: ArrayLike, lr: ArrayLike, alpha: ArrayLike, decay_steps: ArrayLike) -> Array:
    """η = η₀ α^(k/Δt): a factor α every Δt steps, applied continuously (optax exponential_decay)."""
    (k,) = as_rate_dtype(lr, k)
    del T
    return lr * alpha ** (k / decay_steps)


def polynomial(k: ArrayLike, T: ArrayLike, lr: ArrayLike, power: ArrayLike, end_ratio: ArrayLike) -> Array:
    """η = (η₀ - η_end)(1 - k/T)^p + η_end, held at η_end after T (optax polynomial_schedule)."""
    k, T = as_rate_dtype(lr, k, T)
    lr_end = end_ratio * lr
    return (lr - lr_end) * (1.0 - run_fraction(k, T)) ** power + lr_end


def inverse_time(k: ArrayLike, T: ArrayLike, lr: ArrayLike, alpha: ArrayLike, decay_steps: ArrayLike) -> Array:
    """η = η₀ / (1 + α k/Δt) (Bottou 2012; Keras InverseTimeDecay)."""
    (k,) = as_rate_dtype(lr, k)
    del T
    return lr / (1.0 + alpha * k / decay_steps)


def inverse_sqrt(k: ArrayLike, T: ArrayLike, lr: ArrayLike, flat_steps: ArrayLike) -> Array:
    """η = η₀ min(1, √(w/k)) = η₀ √(w / max(k, w)): flat for w steps, then ∝ 1/√k (Raffel et al., T5)."""
    k, w = as_rate_dtype(lr, k, flat_steps)
    del T
    return lr * jnp.sqrt(w / jnp.maximum(k, w))


def _linear_cosine_factor(k: Array, T: Array, alpha: ArrayLike, periods: ArrayLike, noise: ArrayLike) -> Array:
    """(α + (T-k)/T + ε)·½(1 + cos(2π n k/T)), with k/T clipped to [0, 1]."""
    frac = run_fraction(k, T)
    return (alpha + (1.0 - frac) + noise) * half_cosine(2.0 * periods * frac)


def linear_cosine(
    k: ArrayLike, T: ArrayLike, lr: ArrayLike, alpha: ArrayLike, beta: ArrayLike, periods: ArrayLike
) -> Array:
    """η = η₀[(α + (T-k)/T)·½(1 + cos(2π n k/T)) + β] (Bello et al. 2017)."""
    k, T = as_rate_dtype(lr, k, T)
    return lr * (_linear_cosine_factor(k, T, alpha, periods, 0.0) + beta)


def gaussian_noise(seed: ArrayLike, k: Array) -> Array:
    """z_k ~ N(0, 1), one draw per step: normal(fold_in(PRNGKey(seed), k)), in k's dtype."""
    key = jax.random.PRNGKey(jnp.asarray(seed).astype(jnp.int32))
    draw = jnp.vectorize(lambda i: jax.random.normal(jax.random.fold_in(key, i.astype(jnp.int32)), dtype=k.dtype))
    return draw(k)


def noisy_linear_cosine(
    k: ArrayLike,
    T: ArrayLike,
    lr: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    periods: ArrayLike,
    sigma: ArrayLike,
    seed: ArrayLike,
) -> Array:
    """η = max(0, η₀[(α + (T-k)/T + ε_k)·½(1 + cos(2π n k/T)) + β]), ε_k = σ z_k/(1+k)^0.275.

    ε_k ~ N(0, σ²/(1+k)^0.55) with z_k from `gaussian_noise` (seeded, reproducible); the clip at 0
    keeps a large draw from turning descent into ascent (Bello et al. 2017).
    """
    k, T = as_rate_dtype(lr, k, T)
    noise = sigma * gaussian_noise(seed, k) / (1.0 + k) ** (0.5 * NOISE_DECAY)
    return jnp.maximum(0.0, lr * (_linear_cosine_factor(k, T, alpha, periods, noise) + beta))


def cosine_exponential(k: ArrayLike, T: ArrayLike, lr: ArrayLike, alpha: ArrayLike) -> Array:
    """η = η₀ (α^(½(1 + cos(πk/T)) + 1) - α) / (α² - α): cosine power annealing (Hundt et al. 2019).

    Computed as η₀ expm1(c ln α)/(α - 1), c = ½(1 + cos(πk/T)): the same value without the
    cancellation of α^(c+1) - α near the end of the run.
    """
    k, T = as_rate_dtype(lr, k, T)
    c = half_cosine(run_fraction(k, T))
    return lr * jnp.expm1(c * jnp.log(alpha)) / (alpha - 1.0)


def hyperbolic_tangent(k: ArrayLike, T: ArrayLike, lr: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> Array:
    """η = η₀/2 · (1 - tanh(L + (U - L) k/T)) (Hsueh et al. 2019, HTD).

    Computed as η₀ σ(-2x), x = L + (U - L) k/T, which equals ½(1 - tanh x) without its cancellation.
    """
    k, T = as_rate_dtype(lr, k, T)
    return lr * jax.nn.sigmoid(-2.0 * (lower + (upper - lower) * run_fraction(k, T)))


def quarter_cosine(k: ArrayLike, T: ArrayLike, lr: ArrayLike) -> Array:
    """η = η₀ cos(π/4 · k/T): from η₀ down to η₀/√2 (Pham et al. 2020, eq. 8 of seed 003)."""
    k, T = as_rate_dtype(lr, k, T)
    return lr * jnp.cos(0.25 * jnp.pi * run_fraction(k, T))


MIN_RATIO = Hyper("min_ratio", 0.0, 0.0, 1.0, label="η_min/η₀", help="floor as a fraction of η₀")
END_RATIO = Hyper("end_ratio", 0.0, 0.0, 1.0, label="η_end/η₀", help="final rate as a fraction of η₀")
DECAY_STEPS = steps_hyper("decay_steps", 100, "Δt", "steps over which the rate falls by one factor α")
NOISE_SEED = Hyper("seed", 0, 0, 1_000_000, label="seed", help="seed of the rate's noise", integer=True)
LC_ALPHA = Hyper("alpha", 0.0, 0.0, 1.0, label="α", help="offset added to the linear part")
LC_BETA = Hyper("beta", 0.001, 0.0, 1.0, label="β", help="floor, as a fraction of η₀")
LC_PERIODS = Hyper("periods", 0.5, 0.0, 10.0, label="n", help="cosine periods over the run (0.5: one half-wave)")

CONSTANT = ScheduleInfo(
    key="constant",
    name="constant",
    family="constant",
    fn=constant,
    params=(),
    latex=r"\eta_k = \eta_0",
    reference="—",
    when="The baseline: what every schedule is measured against, and best for crossing plateaus.",
)

COSINE = ScheduleInfo(
    key="cosine",
    name="cosine",
    family="smooth decay",
    fn=cosine,
    params=(MIN_RATIO,),
    latex=r"\eta_k = \eta_{min} + \tfrac12(\eta_0 - \eta_{min})\left(1 + \cos\frac{\pi k}{T}\right)",
    reference="I. Loshchilov, F. Hutter. SGDR: Stochastic Gradient Descent with Warm Restarts. ICLR 2017",
    when="A smooth decay with no knobs beyond T: large steps early, fine steps late.",
)

EXPONENTIAL = ScheduleInfo(
    key="exponential",
    name="exponential",
    family="smooth decay",
    fn=exponential,
    params=(Hyper("alpha", 0.5, 0.01, 1.0, label="α", help="factor applied every Δt steps"), DECAY_STEPS),
    latex=r"\eta_k = \eta_0\,\alpha^{k/\Delta t}",
    reference="S. Ioffe, C. Szegedy. Batch Normalization: Accelerating Deep Network Training. ICML 2015",
    when="A steady geometric decay with no run length: the rate halves (α = ½) every Δt steps forever.",
)

POLYNOMIAL = ScheduleInfo(
    key="polynomial",
    name="polynomial",
    family="smooth decay",
    fn=polynomial,
    params=(Hyper("power", 0.9, 0.1, 10.0, log=True, label="p", help="exponent of the decay"), END_RATIO),
    latex=r"\eta_k = (\eta_0 - \eta_{end})\left(1 - \frac{k}{T}\right)^{p} + \eta_{end}",
    reference="L.-C. Chen et al. DeepLab. TPAMI 2018 ('poly' policy)",
    when="A decay that reaches its floor exactly at the end of the run; p < 1 keeps the rate high longer.",
)

INVERSE_TIME = ScheduleInfo(
    key="inverse-time",
    name="inverse time",
    family="smooth decay",
    fn=inverse_time,
    params=(Hyper("alpha", 1.0, 0.0, 10.0, label="α", help="decay rate per Δt steps"), DECAY_STEPS),
    latex=r"\eta_k = \frac{\eta_0}{1 + \alpha\,k/\Delta t}",
    reference="L. Bottou. Stochastic Gradient Descent Tricks. Neural Networks: Tricks of the Trade, 2012",
    when="The classical 1/k rate of stochastic approximation: convergence under noise on convex problems.",
)

INVERSE_SQRT = ScheduleInfo(
    key="inverse-sqrt",
    name="inverse square root",
    family="smooth decay",
    fn=inverse_sqrt,
    params=(steps_hyper("flat_steps", 50, "w", "steps held at η₀ before the 1/√k decay"),),
    latex=r"\eta_k = \eta_0 \min\left(1, \sqrt{w/k}\right)",
    reference="C. Raffel et al. Exploring the Limits of Transfer Learning (T5). JMLR 2020",
    when="A gentle, open-ended decay for long runs whose length is not known in advance.",
)

LINEAR_COSINE = ScheduleInfo(
    key="linear-cosine",
    name="linear-cosine",
    family="smooth decay",
    fn=linear_cosine,
    params=(LC_ALPHA, LC_BETA, LC_PERIODS),
    latex=r"\eta_k = \eta_0\left[\left(\alpha + \frac{T-k}{T}\right)\tfrac12\left(1 + \cos\frac{2\pi n k}{T}\right) + \beta\right]",
    reference=BELLO,
    when="A cosine whose restarts shrink linearly: with n > ½ it oscillates while decaying.",
)

NOISY_LINEAR_COSINE = ScheduleInfo(
    key="noisy-linear-cosine",
    name="noisy linear-cosine",
    family="smooth decay",
    fn=noisy_linear_cosine,
    params=(
        LC_ALPHA,
        LC_BETA,
        LC_PERIODS,
        Hyper("sigma", 1.0, 0.0, 2.0, label="σ", help="initial standard deviation of the noise"),
        NOISE_SEED,
    ),
    latex=(
        r"\eta_k = \max\left(0, \eta_0\left[\left(\alpha + \frac{T-k}{T} + \epsilon_k\right)"
        r"\tfrac12\left(1 + \cos\frac{2\pi n k}{T}\right) + \beta\right]\right),\ "
        r"\epsilon_k \sim \mathcal N\!\left(0, \frac{\sigma^2}{(1+k)^{0.55}}\right)"
    ),
    reference=BELLO,
    when="Linear-cosine with annealed random kicks to the rate, to explore early and settle late.",
)

COSINE_EXPONENTIAL = ScheduleInfo(
    key="cosine-exp",
    name="cosine-exponential (Hundt)",
    family="smooth decay",
    fn=cosine_exponential,
    params=(Hyper("alpha", 10.0, 1.01, 1000.0, log=True, label="α", help="base of the power (α > 1)"),),
    latex=r"\eta_k = \eta_0\,\frac{\alpha^{\frac12\left(1 + \cos\frac{\pi k}{T}\right) + 1} - \alpha}{\alpha^2 - \alpha}",
    reference="A. Hundt, V. Jain, G. Hager. sharpDARTS: Faster and More Accurate Differentiable Architecture Search. 2019",
    when="A cosine that falls faster mid-run: the larger α, the sooner the rate gets small.",
)

HYPERBOLIC_TANGENT = ScheduleInfo(
    key="htd",
    name="hyperbolic-tangent decay (HTD)",
    family="smooth decay",
    fn=hyperbolic_tangent,
    params=(
        Hyper("lower", -6.0, -10.0, 0.0, label="L", help="tanh argument at k = 0"),
        Hyper("upper", 3.0, 0.0, 10.0, label="U", help="tanh argument at k = T"),
    ),
    latex=r"\eta_k = \frac{\eta_0}{2}\left(1 - \tanh\left(L + (U - L)\frac{k}{T}\right)\right)",
    reference="B.-Y. Hsueh, W. Li, I.-C. Wu. Stochastic Gradient Descent with Hyperbolic-Tangent Decay on Classification. WACV 2019",
    when="A cosine-like decay that stays near η₀ longer and ends lower; the best of seed 003's CIFAR runs.",
)

QUARTER_COSINE = ScheduleInfo(
    key="quarter-cosine",
    name="quarter cosine",
    family="smooth decay",
    fn=quarter_cosine,
    params=(),
    latex=r"\eta_k = \eta_0 \cos\left(\frac{\pi}{4}\,\frac{k}{T}\right)",
    reference=(
        "Q. H. Pham et al. From Universal Language Model to Downstream Task: Improving RoBERTa-Based Vietnamese "
        "Hate Speech Detection. KSE 2020"
    ),
    when="The decay half of Pham's warmup schedule: ends at η₀/√2, so the rate stays large.",
)
