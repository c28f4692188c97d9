"""Adam's relatives: AdaMax, Nadam, AMSGrad, AdamW, RAdam, Yogi, AdaBelief, QHAdam, Lion.

All keep Adam's first moment m ← β1 m + (1-β1) g and differ in the second moment or in how the
step is formed; η is applied last by `scale_by_learning_rate`. Notation: m̂ = m/(1-β1ᵗ),
v̂ = v/(1-β2ᵗ); the bias corrections are scalars shared by a whole batch of trajectories.

AdaMax (Kingma & Ba 2015, §7.1): u ← max(β2 u, |g| + ε);  θ ← θ - η m̂ / u.
    ε inside the max as torch and optax (the paper has none; it keeps u > 0 when g = 0).
Nadam (Dozat 2016): θ ← θ - η (μₜ₊₁ m / (1-Πᵢ₌₁ᵗ⁺¹μᵢ) + (1-μₜ) g / (1-Πᵢ₌₁ᵗμᵢ)) / (√v̂ + ε).
    "nadam": μₜ = β1, the simplified form of SPEC and optax.nadam;
    "nadam_torch": μₜ = β1(1 - ½·0.96^(tψ)), the momentum schedule of torch.optim.NAdam
    (m itself still decays with β1 in both).
AMSGrad (Reddi, Kale & Kumar 2018): v̂ₜ = max(v̂ₜ₋₁, vₜ), the max of the raw v, which never
    decreases. "amsgrad" is the paper's form without bias correction, θ ← θ - η m/(√v̂ + ε)
    (= optax.amsgrad with both bias corrections off); "amsgrad_torch" is
    torch.optim.Adam(amsgrad=True): θ ← θ - η m̂ / (√(v̂/(1-β2ᵗ)) + ε). optax's default instead
    takes the max of the bias-corrected v.
AdamW (Loshchilov & Hutter 2019): θ ← θ - η (m̂/(√v̂ + ε) + λθ), decay decoupled from the
    gradient and scaled by the schedule, as torch and optax.
RAdam (Liu et al. 2020): ρ∞ = 2/(1-β2) - 1, ρₜ = ρ∞ - 2tβ2ᵗ/(1-β2ᵗ); if ρₜ > threshold,
    θ ← θ - η rₜ m̂/(√v̂ + ε), rₜ = √((ρₜ-4)(ρₜ-2)ρ∞ / ((ρ∞-4)(ρ∞-2)ρₜ)); else θ ← θ - η m̂.
    Threshold 5 as torch and optax (the paper's text says 4). ε is added to √v̂ as optax;
    torch adds it to √v before the bias correction (the paper has no ε).
Yogi (Zaheer et al. 2018): v ← v - (1-β2) sign(v - g²) g², v₀ = 10⁻⁶, m₀ = 0; Adam's
    bias-corrected step with ε = 10⁻³. optax.yogi also starts m at 10⁻⁶.
AdaBelief (Zhuang et al. 2020): s ← β2 s + (1-β2)(g - m)² + ε;  θ ← θ - η m̂ / (√ŝ + ε),
    one ε in both places as the paper (optax: eps_root = eps).
QHAdam (Ma & Yarats 2019): θ ← θ - η ((1-ν1) g + ν1 m̂) / (√((1-ν2) g² + ν2 v̂) + ε);
    ν1 = ν2 = 1 is Adam.
Lion (Chen et al. 2023): u = sign(β1 m + (1-β1) g);  m ← β2 m + (1-β2) g;  θ ← θ - η(u + λθ),
    as optax.lion.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp

from gradscape.optimizers.adam import B1, B2, EPS, ScaleByAdamState, adam_step, scale_by_adam
from gradscape.optimizers.base import (
    GradientTransformation,
    Hyper,
    LearningRate,
    OptimizerInfo,
    Scalar,
    add_decayed_weights,
    chain,
    full_like,
    safe_increment,
    scale_by_learning_rate,
    tree_map,
    zeros_like,
)
from gradscape.optimizers.moments import bias_correction, bias_denominator, update_moment


def _adam_moments(grads, state: ScaleByAdamState, b1: Scalar, b2: Scalar) -> ScaleByAdamState:
    """Adam's (count, m, v) one step on; the Adam direction computed alongside is unused."""
    return scale_by_adam(b1, b2).update(grads, state)[1]


def scale_by_adamax(b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8) -> GradientTransformation:
    """u ← max(β2 u, |g| + ε); emits m̂ / u. The state's `nu` holds u."""

    def init(params):
        return scale_by_adam().init(params)

    def update(grads, state, params=None):
        del params
        count = safe_increment(state.count)
        mu = update_moment(grads, state.mu, b1, 1)
        nu = tree_map(lambda u, g: jnp.maximum(b2 * u, jnp.abs(g) + eps), state.nu, grads)
        out = tree_map(lambda m, u: m / (bias_denominator(b1, count, m.dtype) * u), mu, nu)
        return out, ScaleByAdamState(count, mu, nu)

    return GradientTransformation(init, update)


class NadamState(NamedTuple):
    """Adam's moments and Πᵢ₌₁ᵗ μᵢ, the product of the momentum coefficients so far (one scalar per leaf)."""

    adam: ScaleByAdamState
    mu_product: jax.Array


def scale_by_nadam(
    b1: Scalar, b2: Scalar, eps: Scalar, momentum_at: Callable[[jax.Array], jax.Array]
) -> GradientTransformation:
    """Emits (μₜ₊₁ m/(1-Π₁ᵗ⁺¹μ) + (1-μₜ) g/(1-Π₁ᵗμ)) / (√v̂ + ε); μₜ = momentum_at(t)."""

    def init(params):
        return NadamState(scale_by_adam().init(params), tree_map(lambda p: jnp.ones([], p.dtype), params))

    def update(grads, state, params=None):
        del params
        adam = _adam_moments(grads, state.adam, b1, b2)
        prod = tree_map(lambda pr: pr * momentum_at(adam.count.astype(pr.dtype)), state.mu_product)

        def direction(g, m, v, pr):
            t = adam.count.astype(pr.dtype)
            mu_t, mu_next = momentum_at(t), momentum_at(t + 1)
            denom = jnp.sqrt(bias_correction(v, b2, adam.count)) + eps
            return (mu_next * m / (1 - pr * mu_next) + (1 - mu_t) * g / (1 - pr)) / denom

        return tree_map(direction, grads, adam.mu, adam.nu, prod), NadamState(adam, prod)

    return GradientTransformation(init, update)


class AmsgradState(NamedTuple):
    """Adam's moments and nu_max = v̂ₜ = max(v̂ₜ₋₁, vₜ), which never decreases."""

    adam: ScaleByAdamState
    nu_max: jax.Array


def scale_by_amsgrad(b1: Scalar, b2: Scalar, eps: Scalar, *, debiased: bool) -> GradientTransformation:
    """v̂ ← max(v̂, v); emits m/(√v̂ + ε), or with `debiased` m̂/(√(v̂/(1-β2ᵗ)) + ε) (torch)."""

    def init(params):
        return AmsgradState(scale_by_adam().init(params), zeros_like(params))

    def update(grads, state, params=None):
        del params
        adam = _adam_moments(grads, state.adam, b1, b2)
        nu_max = tree_map(jnp.maximum, state.nu_max, adam.nu)
        if debiased:
            out = adam_step(adam.mu, nu_max, adam.count, b1, b2, eps)
        else:
            out = tree_map(lambda m, v: m / (jnp.sqrt(v) + eps), adam.mu, nu_max)
        return out, AmsgradState(adam, nu_max)

    return GradientTransformation(init, update)


def scale_by_radam(
    b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8, threshold: Scalar = 5.0
) -> GradientTransformation:
    """Emits rₜ m̂/(√v̂ + ε) once ρₜ > threshold, the plain momentum m̂ before."""

    def init(params):
        return scale_by_adam().init(params)

    def update(grads, state, params=None):
        del params
        adam = _adam_moments(grads, state, b1, b2)

        def direction(m, v):
            t = adam.count.astype(m.dtype)
            b2t = jnp.asarray(b2, m.dtype) ** t
            rho_inf = 2 / (1 - b2) - 1
            rho_t = rho_inf - 2 * t * b2t / (1 - b2t)
            rectify = rho_t > threshold
            ratio = jnp.where(rectify, (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 1.0)
            m_hat = bias_correction(m, b1, adam.count)
            return jnp.where(rectify, jnp.sqrt(ratio) * adam_step(m, v, adam.count, b1, b2, eps), m_hat)

        return tree_map(direction, adam.mu, adam.nu), adam

    return GradientTransformation(init, update)


YOGI_NU0 = 1e-6


def scale_by_yogi(b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-3) -> GradientTransformation:
    """v ← v - (1-β2) sign(v - g²) g² from v₀ = 10⁻⁶; emits m̂ / (√v̂ + ε)."""

    def init(params):
        return ScaleByAdamState(jnp.zeros([], jnp.int32), zeros_like(params), full_like(params, YOGI_NU0))

    def update(grads, state, params=None):
        del params
        count = safe_increment(state.count)
        mu = update_moment(grads, state.mu, b1, 1)
        nu = tree_map(lambda v, g: v - (1 - b2) * jnp.sign(v - g * g) * g * g, state.nu, grads)
        return adam_step(mu, nu, count, b1, b2, eps), ScaleByAdamState(count, mu, nu)

    return GradientTransformation(init, update)


def scale_by_belief(b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-16) -> GradientTransformation:
    """s ← β2 s + (1-β2)(g - m)² + ε; emits m̂ / (√ŝ + ε). The state's `nu` holds s."""

    def init(params):
        return scale_by_adam().init(params)

    def update(grads, state, params=None):
        del params
        count = safe_increment(state.count)
        mu = update_moment(grads, state.mu, b1, 1)
        squared_surprise = tree_map(lambda g, m: (g - m) ** 2, grads, mu)
        nu = tree_map(lambda s: s + eps, update_moment(squared_surprise, state.nu, b2, 1))
        return adam_step(mu, nu, count, b1, b2, eps), ScaleByAdamState(count, mu, nu)

    return GradientTransformation(init, update)


def scale_by_qhadam(
    b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8, nu1: Scalar = 0.7, nu2: Scalar = 1.0
) -> GradientTransformation:
    """Emits ((1-ν1) g + ν1 m̂) / (√((1-ν2) g² + ν2 v̂) + ε)."""

    def init(params):
        return scale_by_adam().init(params)

    def update(grads, state, params=None):
        del params
        adam = _adam_moments(grads, state, b1, b2)

        def direction(g, m_hat, v_hat):
            return ((1 - nu1) * g + nu1 * m_hat) / (jnp.sqrt((1 - nu2) * g * g + nu2 * v_hat) + eps)

        m_hat, v_hat = bias_correction(adam.mu, b1, adam.count), bias_correction(adam.nu, b2, adam.count)
        return tree_map(direction, grads, m_hat, v_hat), adam

    return GradientTransformation(init, update)


class LionState(NamedTuple):
    """The momentum m, an EMA of gradients with rate β2."""

    mu: jax.Array


def scale_by_lion(b1: Scalar = 0.9, b2: Scalar = 0.99) -> GradientTransformation:
    """Emits sign(β1 m + (1-β1) g), then m ← β2 m + (1-β2) g."""

    def init(params):
        return LionState(zeros_like(params))

    def update(grads, state, params=None):
        del params
        out = tree_map(jnp.sign, update_moment(grads, state.mu, b1, 1))
        return out, LionState(update_moment(grads, state.mu, b2, 1))

    return GradientTransformation(init, update)


def adamax(learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8) -> GradientTransformation:
    """θ ← θ - η m̂ / u."""
    return chain(scale_by_adamax(b1, b2, eps), scale_by_learning_rate(learning_rate))


def nadam(learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8) -> GradientTransformation:
    """Dozat's simplified Nadam, μₜ = β1."""
    return chain(scale_by_nadam(b1, b2, eps, lambda t: jnp.full_like(t, b1)), scale_by_learning_rate(learning_rate))


def nadam_torch(
    learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8, momentum_decay: Scalar = 4e-3
) -> GradientTransformation:
    """Nadam with torch's momentum schedule μₜ = β1(1 - ½·0.96^(tψ))."""

    def momentum_at(t: jax.Array) -> jax.Array:
        return b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))

    return chain(scale_by_nadam(b1, b2, eps, momentum_at), scale_by_learning_rate(learning_rate))


def amsgrad(learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8) -> GradientTransformation:
    """θ ← θ - η m / (√v̂ + ε), no bias correction (Reddi et al.)."""
    return chain(scale_by_amsgrad(b1, b2, eps, debiased=False), scale_by_learning_rate(learning_rate))


def amsgrad_torch(
    learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8
) -> GradientTransformation:
    """θ ← θ - η m̂ / (√(v̂/(1-β2ᵗ)) + ε), torch.optim.Adam(amsgrad=True)."""
    return chain(scale_by_amsgrad(b1, b2, eps, debiased=True), scale_by_learning_rate(learning_rate))


def adamw(
    learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8, weight_decay: Scalar = 1e-2
) -> GradientTransformation:
    """θ ← θ - η (m̂/(√v̂ + ε) + λθ)."""
    return chain(scale_by_adam(b1, b2, eps), add_decayed_weights(weight_decay), scale_by_learning_rate(learning_rate))


def radam(
    learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8, threshold: Scalar = 5.0
) -> GradientTransformation:
    """θ ← θ - η rₜ m̂/(√v̂ + ε) once the variance is tractable, θ ← θ - η m̂ before."""
    return chain(scale_by_radam(b1, b2, eps, threshold), scale_by_learning_rate(learning_rate))


def yogi(learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-3) -> GradientTransformation:
    """θ ← θ - η m̂ / (√v̂ + ε) with Yogi's additive v."""
    return chain(scale_by_yogi(b1, b2, eps), scale_by_learning_rate(learning_rate))


def adabelief(
    learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-16
) -> GradientTransformation:
    """θ ← θ - η m̂ / (√ŝ + ε)."""
    return chain(scale_by_belief(b1, b2, eps), scale_by_learning_rate(learning_rate))


def qhadam(
    learning_rate: LearningRate,
    b1: Scalar = 0.9,
    b2: Scalar = 0.999,
    eps: Scalar = 1e-8,
    nu1: Scalar = 0.7,
    nu2: Scalar = 1.0,
) -> GradientTransformation:
    """θ ← θ - η ((1-ν1) g + ν1 m̂) / (√((1-ν2) g² + ν2 v̂) + ε)."""
    return chain(scale_by_qhadam(b1, b2, eps, nu1, nu2), scale_by_learning_rate(learning_rate))


def lion(
    learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.99, weight_decay: Scalar = 0.0
) -> GradientTransformation:
    """θ ← θ - η (sign(β1 m + (1-β1) g) + λθ)."""
    return chain(scale_by_lion(b1, b2), add_decayed_weights(weight_decay), scale_by_learning_rate(learning_rate))


WEIGHT_DECAY = Hyper("weight_decay", 1e-2, 0.0, 1.0, label="λ", help="decoupled weight decay, scaled by η")

ADAM_STEP = r"\theta_t = \theta_{t-1} - \eta_t \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
ADAM_MOMENTS = r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\;"

ADAMAX_INFO = OptimizerInfo(
    key="adamax",
    name="AdaMax",
    family="adaptive moment",
    build=adamax,
    hypers=(B1, B2, Hyper("eps", 1e-8, 1e-12, 1e-1, log=True, label="ε", help="added to |g| inside the max")),
    rule_latex=(
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\;"
        r"\theta_t = \theta_{t-1} - \frac{\eta_t}{1-\beta_1^t} \frac{m_t}{u_t}"
    ),
    reference="D. P. Kingma, J. Ba. Adam: A Method for Stochastic Optimization (§7.1, AdaMax). ICLR 2015",
    default_lr=1e-1,
    notes="ε inside the max as torch.optim.Adamax and optax.adamax (the paper has no ε; without it "
    "a zero gradient coordinate gives 0/0). The paper's η is 0.002; the teaching default is larger.",
)

NADAM_INFO = OptimizerInfo(
    key="nadam",
    name="Nadam",
    family="adaptive moment",
    build=nadam,
    hypers=(B1, B2, EPS),
    rule_latex=(
        ADAM_MOMENTS + r"\theta_t = \theta_{t-1} - \frac{\eta_t}{\sqrt{\hat v_t} + \epsilon}"
        r"\left(\frac{\beta_1 m_t}{1-\beta_1^{t+1}} + \frac{(1-\beta_1) g_t}{1-\beta_1^t}\right)"
    ),
    reference="T. Dozat. Incorporating Nesterov Momentum into Adam. ICLR 2016 Workshop",
    default_lr=1e-1,
    notes="Dozat's simplified form with a constant μ = β1, as optax.nadam (SPEC's form; m̂ uses "
    "1-β1ᵗ⁺¹, the look-ahead bias correction). torch.optim.NAdam warms μ up with a schedule: "
    "see 'Nadam (torch schedule)'.",
)

NADAM_TORCH_INFO = OptimizerInfo(
    key="nadam_torch",
    name="Nadam (torch schedule)",
    family="adaptive moment",
    build=nadam_torch,
    hypers=(B1, B2, EPS, Hyper("momentum_decay", 4e-3, 0.0, 0.1, label="ψ", help="speed of the momentum warm-up μₜ")),
    rule_latex=(
        ADAM_MOMENTS + r"\mu_t = \beta_1\left(1 - \tfrac12 0.96^{t\psi}\right),\;"
        r"\theta_t = \theta_{t-1} - \frac{\eta_t}{\sqrt{\hat v_t} + \epsilon}"
        r"\left(\frac{\mu_{t+1} m_t}{1-\prod_{i=1}^{t+1}\mu_i} + \frac{(1-\mu_t) g_t}{1-\prod_{i=1}^{t}\mu_i}\right)"
    ),
    reference="T. Dozat. Incorporating Nesterov Momentum into Adam. ICLR 2016 Workshop",
    default_lr=1e-1,
    notes="torch.optim.NAdam: the momentum coefficient μₜ warms up from β1/2 towards β1 "
    "(ψ = 4·10⁻³, Dozat's 0.96^(t/250)); m itself still decays with β1. No ψ gives the "
    "constant-μ form of 'Nadam'.",
)

AMSGRAD_INFO = OptimizerInfo(
    key="amsgrad",
    name="AMSGrad",
    family="adaptive moment",
    build=amsgrad,
    hypers=(B1, B2, EPS),
    rule_latex=(
        ADAM_MOMENTS + r"\hat v_t = \max(\hat v_{t-1}, v_t),\;"
        r"\theta_t = \theta_{t-1} - \eta_t \frac{m_t}{\sqrt{\hat v_t} + \epsilon}"
    ),
    reference="S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018",
    default_lr=1e-1,
    notes="The paper's form: max of the raw v and no bias correction at all (= optax.amsgrad with "
    "bias_correction_mu=False, bias_correction_nu=False). torch keeps the max of the raw v but "
    "bias-corrects the step ('AMSGrad (torch)'); optax's default takes the max of the "
    "bias-corrected v̂. v̂ never decreases, so the effective rate never grows.",
)

AMSGRAD_TORCH_INFO = OptimizerInfo(
    key="amsgrad_torch",
    name="AMSGrad (torch)",
    family="adaptive moment",
    build=amsgrad_torch,
    hypers=(B1, B2, EPS),
    rule_latex=(
        ADAM_MOMENTS + r"v^{\max}_t = \max(v^{\max}_{t-1}, v_t),\;"
        r"\theta_t = \theta_{t-1} - \eta_t \frac{m_t/(1-\beta_1^t)}{\sqrt{v^{\max}_t/(1-\beta_2^t)} + \epsilon}"
    ),
    reference="S. J. Reddi, S. Kale, S. Kumar. On the Convergence of Adam and Beyond. ICLR 2018",
    default_lr=1e-1,
    notes="torch.optim.Adam(amsgrad=True): max of the raw v, then Adam's bias corrections at the "
    "current step.",
)

ADAMW_INFO = OptimizerInfo(
    key="adamw",
    name="AdamW",
    family="adaptive moment",
    build=adamw,
    hypers=(B1, B2, EPS, WEIGHT_DECAY),
    rule_latex=(
        ADAM_MOMENTS
        + r"\theta_t = \theta_{t-1} - \eta_t\left(\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} + \lambda\theta_{t-1}\right)"
    ),
    reference="I. Loshchilov, F. Hutter. Decoupled Weight Decay Regularization. ICLR 2019",
    default_lr=1e-1,
    notes="Decay multiplied by the scheduled η, as torch.optim.AdamW and optax.adamw (the paper "
    "scales it by a separate schedule multiplier). λ = 10⁻² as torch (optax's default is 10⁻⁴). "
    "On a 2-D landscape decay pulls towards the origin and moves the minimum found.",
)

RADAM_INFO = OptimizerInfo(
    key="radam",
    name="RAdam",
    family="adaptive moment",
    build=radam,
    hypers=(B1, B2, EPS, Hyper("threshold", 5.0, 4.0, 8.0, label="ρ*", help="rectify once ρₜ exceeds this")),
    rule_latex=(
        ADAM_MOMENTS + r"\rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t},\;"
        r"\theta_t = \begin{cases}\theta_{t-1} - \eta_t r_t \frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon} & \rho_t > \rho^* \\"
        r"\theta_{t-1} - \eta_t \hat m_t & \text{otherwise}\end{cases},\;"
        r"r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}"
    ),
    reference="L. Liu, H. Jiang, P. He, W. Chen, X. Liu, J. Gao, J. Han. On the Variance of the "
    "Adaptive Learning Rate and Beyond. ICLR 2020",
    default_lr=1e-2,
    notes="Threshold ρ* = 5 as torch and optax (the paper's text: 4). ε added to √v̂ as optax; "
    "torch adds it to √v before the bias correction, and the paper has none. With β2 = 0.999 "
    "the first 5 steps are plain momentum steps η m̂, unnormalised by the gradient scale, so the "
    "teaching default η is 10× smaller than Adam's.",
)

YOGI_INFO = OptimizerInfo(
    key="yogi",
    name="Yogi",
    family="adaptive moment",
    build=yogi,
    hypers=(B1, B2, Hyper("eps", 1e-3, 1e-8, 1.0, log=True, label="ε", help="added to √v̂")),
    rule_latex=(
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; v_t = v_{t-1} - (1-\beta_2)\,\mathrm{sign}(v_{t-1} - g_t^2)\, g_t^2,\;"
        + ADAM_STEP
    ),
    reference="M. Zaheer, S. Reddi, D. Sachan, S. Kale, S. Kumar. Adaptive Methods for Nonconvex "
    "Optimization. NeurIPS 2018",
    default_lr=1e-1,
    notes="v₀ = 10⁻⁶, m₀ = 0, Adam's bias corrections, ε = 10⁻³ (as the TensorFlow implementation). "
    "optax.yogi also starts m at 10⁻⁶. v moves by at most (1-β2)g² per step, so it forgets a "
    "large past gradient more slowly than Adam.",
)

ADABELIEF_INFO = OptimizerInfo(
    key="adabelief",
    name="AdaBelief",
    family="adaptive moment",
    build=adabelief,
    hypers=(B1, B2, Hyper("eps", 1e-16, 1e-20, 1e-2, log=True, label="ε", help="added to s each step and to √ŝ")),
    rule_latex=(
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; s_t = \beta_2 s_{t-1} + (1-\beta_2)(g_t - m_t)^2 + \epsilon,\;"
        r"\theta_t = \theta_{t-1} - \eta_t \frac{m_t/(1-\beta_1^t)}{\sqrt{s_t/(1-\beta_2^t)} + \epsilon}"
    ),
    reference="J. Zhuang, T. Tang, Y. Ding, S. Tatikonda, N. Dvornek, X. Papademetris, J. Duncan. "
    "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients. NeurIPS 2020",
    default_lr=1e-1,
    notes="One ε in both places as the paper (optax.adabelief splits it into eps and eps_root; "
    "equal when both are set to ε). When the gradient is steady s is small and steps are large.",
)

QHADAM_INFO = OptimizerInfo(
    key="qhadam",
    name="QHAdam",
    family="adaptive moment",
    build=qhadam,
    hypers=(
        B1,
        B2,
        EPS,
        Hyper("nu1", 0.7, 0.0, 1.0, label="ν1", help="weight of m̂ against the raw gradient"),
        Hyper("nu2", 1.0, 0.0, 1.0, label="ν2", help="weight of v̂ against the raw g²"),
    ),
    rule_latex=(
        ADAM_MOMENTS + r"\theta_t = \theta_{t-1} - \eta_t \frac{(1-\nu_1) g_t + \nu_1 \hat m_t}"
        r"{\sqrt{(1-\nu_2) g_t^2 + \nu_2 \hat v_t} + \epsilon}"
    ),
    reference="J. Ma, D. Yarats. Quasi-hyperbolic momentum and Adam for deep learning. ICLR 2019",
    default_lr=1e-1,
    notes="ν1 = ν2 = 1 is Adam. β1 = 0.9 so that this is Adam's default at ν = 1; the paper "
    "recommends ν = (0.7, 1) with β1 = 0.995.",
)

LION_INFO = OptimizerInfo(
    key="lion",
    name="Lion",
    family="adaptive moment",
    build=lion,
    hypers=(
        Hyper("b1", 0.9, 0.0, 0.999, label="β1", help="mix of momentum and gradient inside the sign"),
        Hyper("b2", 0.99, 0.0, 0.999, label="β2", help="decay of the momentum"),
        Hyper("weight_decay", 0.0, 0.0, 1.0, label="λ", help="decoupled weight decay, scaled by η"),
    ),
    rule_latex=(
        r"u_t = \mathrm{sign}(\beta_1 m_{t-1} + (1-\beta_1) g_t),\; m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t,\;"
        r"\theta_t = \theta_{t-1} - \eta_t (u_t + \lambda \theta_{t-1})"
    ),
    reference="X. Chen, C. Liang, D. Huang, E. Real, K. Wang, Y. Liu, H. Pham, X. Dong, T. Luong, "
    "C.-J. Hsieh, Y. Lu, Q. V. Le. Symbolic Discovery of Optimization Algorithms. NeurIPS 2023",
    default_lr=5e-2,
    notes="Same convention as optax.lion (decay added to the sign step, both scaled by η). λ = 0 "
    "by default because on a 2-D landscape decay moves the minimum (optax: 10⁻³). Every "
    "coordinate moves by exactly η per step, so Lion hovers ±η around a minimum.",
)
