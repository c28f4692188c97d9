"""Plug-in optimizers: your own optax transformation or torch optimizer, raced like a built-in.

`register_optimizer(name, factory, hyperparameters=…)` takes any factory of an optax-shaped
`GradientTransformation` (`lambda learning_rate, b1: optax.adam(learning_rate, b1)`, an
`optax.chain`, …); `register_torch_optimizer(torch.optim.X, …)` any torch optimizer class. Either
becomes a catalogue entry (`optimizers.REGISTRY`, family "plug-in") that the engine, the sweeps, the
Neural net page, the command line and the app's run editor use by its name, its hyperparameters
declared like the built-ins' (`Hyper`), so the app draws their widgets.

Each trajectory is its own run. The engine advances a batch of start points as one array (axis 0 the
coordinates, the trailing axes the trajectories); a built-in is written for that, a plug-in is not:
a transform that reduces over the whole array (`clip_by_global_norm`, a norm-based trust ratio) would
couple the trajectories. So a plug-in's init and update are vmapped over every trailing axis, and a
value swept per lane (a sweep's learning rate or hyperparameter, broadcasting against the positions)
is mapped with them. A torch optimizer runs on the host, stepped eagerly once per update with the
landscape's JAX gradient (a `pure_callback` inside the same compiled scan), each trajectory a
parameter of its own param group; its state travels in the scan's carry as arrays, so every run
stays a pure function of its inputs. That costs a host round trip per update (README, "Use it
from Python").

Registration probes the optimizer at its defaults (three updates of ½‖p‖² from three start points)
and refuses it in words when its factory fails, when its update has the wrong shape or structure,
or when it produces a non-finite number. On a server, plug-ins are loaded only by the operator at
start (`gradscape serve --plugin module`, or `GRADSCAPE_PLUGINS=mod1,mod2`: `load`), never from a
link or an upload; a link can only name an optimizer that is already registered.

    >>> import optax
    >>> from gradscape import optimizers
    >>> from gradscape.trajectories import plugins
    >>> info = plugins.register_optimizer("doc_adam", lambda learning_rate, b1: optax.adam(learning_rate, b1),
    ...                                   hyperparameters={"b1": (0.9, 0.0, 0.999)}, label="My Adam")
    >>> optimizers.get("doc_adam").name, [h.name for h in info.hypers], info.family
    ('My Adam', ['b1'], 'plug-in')
    >>> plugins.register_optimizer("doc_bad", lambda learning_rate: optax.scale(float("nan")))
    Traceback (most recent call last):
    ...
    gradscape.trajectories.plugins.PluginError: plug-in optimizer 'doc_bad': its update is not finite (nan) at its defaults ...
    >>> plugins.unregister("doc_adam")
"""

from __future__ import annotations

import builtins
import functools
import importlib
import inspect
import math
import os
import re
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from gradscape import optimizers
from gradscape.hyper import Hyper
from gradscape.optimizers import wrappers
from gradscape.optimizers.base import GradientTransformation, OptimizerInfo
from gradscape.trajectories import engine
from gradscape.trajectories.scenario import RUN

ENVIRONMENT = "GRADSCAPE_PLUGINS"
FAMILY = "plug-in"
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
PROBE_STEPS = 3
_PROBE_START = ((1.0, -0.5, 0.25), (0.5, 0.3, -1.0))  # three trajectories of a 2-D problem
_RETIRED: set[str] = set()  # names unregistered in this process: compiled programs and caches may still hold them

HyperSpec = Hyper | Sequence[float]  # a Hyper, or (default, low, high[, log])


class PluginError(ValueError):
    """A plug-in that cannot be registered or loaded, in words."""


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}".rstrip(": ")


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise PluginError(f"plug-in optimizer name {name!r} must be 1–40 lower-case letters, digits or _, starting "
                          "with a letter (it is written in links: r1=<name>)")
    if name in optimizers.REGISTRY:
        raise PluginError(f"plug-in optimizer '{name}': the name is taken by {optimizers.REGISTRY[name].name}")
    if name in _RETIRED:
        raise PluginError(f"plug-in optimizer '{name}': the name was used by an earlier plug-in in this process; choose another")
    return name


def _hyper(owner: str, name: str, spec: HyperSpec) -> Hyper:
    """A hyperparameter from a `Hyper`, or (default, low, high[, log]) (log: a log-scale slider)."""
    taken = {f.key for f in RUN.fields} | {"learning_rate"}
    if not isinstance(name, str) or not name.isidentifier() or name in taken:
        raise PluginError(f"plug-in optimizer '{owner}': hyperparameter name {name!r} must be a Python identifier other "
                          f"than {', '.join(sorted(taken))}")
    if isinstance(spec, Hyper):
        h = spec
    else:
        try:
            default, low, high, *rest = (float(v) for v in spec)
            if len(rest) > 1 or not all(math.isfinite(v) for v in (default, low, high)):
                raise ValueError
            h = Hyper(name, default, low, high, log=bool(rest and rest[0]))
        except (TypeError, ValueError) as err:
            raise PluginError(f"plug-in optimizer '{owner}': hyperparameter '{name}' must be a Hyper or finite "
                              f"(default, low, high[, log]), got {spec!r}" + (f" ({err})" if str(err) else "")) from None
    if h.name != name:
        raise PluginError(f"plug-in optimizer '{owner}': hyperparameter '{name}' is declared as a Hyper named '{h.name}'")
    if h.log and h.low <= 0:
        raise PluginError(f"plug-in optimizer '{owner}': hyperparameter '{name}' is on a log scale, so its low end must be > 0")
    return h


def _hypers(owner: str, spec: Mapping[str, HyperSpec] | Sequence[Hyper] | None) -> tuple[Hyper, ...]:
    if spec is None:
        return ()
    if isinstance(spec, Mapping):
        return tuple(_hyper(owner, k, v) for k, v in spec.items())
    return tuple(_hyper(owner, getattr(h, "name", None), h) for h in spec)


def _check_default_lr(owner: str, lr: float) -> float:
    lo, hi = engine.LR_RANGE
    if not isinstance(lr, (int, float)) or not lo <= lr <= hi:
        raise PluginError(f"plug-in optimizer '{owner}': default_lr must be a number in [{lo:g}, {hi:g}], got {lr!r}")
    return float(lr)


def _check_signature(owner: str, fn: Callable, names: Sequence[str], what: str, rate_first: bool) -> None:
    """`fn(learning_rate, **hyperparameters)` (`rate_first`) or `fn(**hyperparameters)` must bind (when
    Python can tell)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*[1.0] * rate_first, **{n: 1.0 for n in names})
    except TypeError as err:
        wanted = ", ".join(["learning_rate"] * rate_first + list(names)) or "no arguments"
        raise PluginError(f"plug-in optimizer '{owner}': {what} must accept ({wanted}): {err}") from None


def over_trajectories(fn: Callable, batch: tuple[int, ...], batched: tuple, values: tuple) -> Any:
    """fn(*batched, *values) once per trajectory: `batched` are pytrees whose leaves end in the `batch`
    axes (positions, gradients, optimizer state); `values` are scalars, or arrays broadcasting against
    `batch` (a sweep's per-lane rate or hyperparameter). Outputs end in the `batch` axes too."""
    values = jax.tree_util.tree_map(lambda v: jnp.broadcast_to(v, batch) if jnp.ndim(v) else v, values)
    value_axes = jax.tree_util.tree_map(lambda v: -1 if jnp.ndim(v) else None, values)
    mapped = fn
    for _ in batch:  # the outermost vmap strips the last axis, the next one the axis before it, …
        mapped = jax.vmap(mapped, in_axes=(*(jax.tree_util.tree_map(lambda _: -1, b) for b in batched), *value_axes), out_axes=-1)
    return mapped(*batched, *values)


def _transform(owner: str, made: Any) -> GradientTransformation:
    if not (callable(getattr(made, "init", None)) and callable(getattr(made, "update", None))):
        raise PluginError(f"plug-in optimizer '{owner}': the factory returned {type(made).__name__}, not an optax "
                          "GradientTransformation (init, update)")
    return made


def _optax_build(owner: str, factory: Callable[..., Any], names: tuple[str, ...]) -> Callable[..., GradientTransformation]:
    """The catalogue's `build(learning_rate, **hyper)` of an optax factory, vmapped per trajectory."""

    def make(lr, hyper: dict) -> GradientTransformation:
        try:
            return _transform(owner, factory(lr, **hyper))
        except PluginError:
            raise
        except Exception as err:  # noqa: BLE001 — a user's factory: any failure is told in words
            raise PluginError(f"plug-in optimizer '{owner}': its factory failed: {_first_line(err)}") from None

    def build(learning_rate, **values) -> GradientTransformation:
        hyper = {n: values[n] for n in names}

        def init(params):
            return over_trajectories(lambda p, lr, h: make(lr, h).init(p), params.shape[1:], (params,), (learning_rate, hyper))

        def update(grads, state, params=None):
            def one(g, s, p, lr, h):
                out = make(lr, h).update(g, s, p)
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise PluginError(f"plug-in optimizer '{owner}': update must return (updates, state), got {type(out).__name__}")
                updates, new_state = out
                if getattr(updates, "shape", None) != g.shape:
                    raise PluginError(f"plug-in optimizer '{owner}': update returned updates of shape "
                                      f"{getattr(updates, 'shape', type(updates).__name__)} for parameters of shape {g.shape}")
                return updates, new_state

            return over_trajectories(one, grads.shape[1:], (grads, state, params), (learning_rate, hyper))

        return GradientTransformation(init, update)

    return build


def _probe(info: OptimizerInfo) -> None:
    """Three updates of ½‖p‖² from three start points at the defaults, compiled: the shapes, the state's
    structure and the numbers must be what the engine needs."""
    owner = info.key
    dtype = jnp.float32
    lr = jnp.asarray(info.default_lr, dtype)
    hyper = {k: jnp.asarray(v, dtype) for k, v in info.defaults().items()}

    def steps(p):
        tx = info.build(lr, **hyper)
        state = tx.init(p)
        structure = jax.tree_util.tree_structure(state)
        shapes = [jnp.shape(a) for a in jax.tree_util.tree_leaves(state)]
        for _ in range(PROBE_STEPS):
            updates, new_state = tx.update(p, state, p)  # ∇(½‖p‖²) = p
            if jax.tree_util.tree_structure(new_state) != structure or [jnp.shape(a) for a in jax.tree_util.tree_leaves(new_state)] != shapes:
                raise PluginError(f"plug-in optimizer '{owner}': update returned a state of another structure or shape "
                                  "than init's (the engine carries it from step to step)")
            state = new_state
            p = p + jnp.asarray(updates, dtype)
        return p

    try:
        final = np.asarray(jax.jit(steps)(jnp.asarray(_PROBE_START, dtype)))
    except PluginError:
        raise
    except Exception as err:  # noqa: BLE001 — whatever a plug-in does, registration answers in words
        raise PluginError(f"plug-in optimizer '{owner}': it could not run on the engine's arrays: {_first_line(err)}") from None
    if not np.all(np.isfinite(final)):
        values = ", ".join(f"{k}={v:g}" for k, v in info.defaults().items())
        bad = final[~np.isfinite(final)][0]
        raise PluginError(f"plug-in optimizer '{owner}': its update is not finite ({bad}) at its defaults "
                          f"(learning rate {info.default_lr:g}{', ' + values if values else ''}) on f = ½‖p‖²")


def _register(info: OptimizerInfo) -> OptimizerInfo:
    _probe(info)
    optimizers.REGISTRY[info.key] = info
    return info


def register_optimizer(
    name: str,
    factory: Callable[..., Any],
    hyperparameters: Mapping[str, HyperSpec] | Sequence[Hyper] | None = None,
    *,
    label: str | None = None,
    default_lr: float = 1e-2,
    reference: str = "",
    notes: str = "",
) -> OptimizerInfo:
    """Register `factory(learning_rate, **hyperparameters)` → an optax GradientTransformation as optimizer
    `name` (the key links use). `hyperparameters` maps each name to a `Hyper` or to (default, low,
    high[, log]); values arrive as (possibly traced) JAX scalars, so moving one never recompiles.
    Raises ValueError in words when the factory fails, has the wrong shape or is not finite."""
    key = _check_name(name)
    hypers = _hypers(key, hyperparameters)
    names = tuple(h.name for h in hypers)
    if not callable(factory):
        raise PluginError(f"plug-in optimizer '{key}': the factory must be callable, got {type(factory).__name__}")
    _check_signature(key, factory, names, "the factory", rate_first=True)
    module = getattr(factory, "__module__", None) or "?"
    info = OptimizerInfo(
        key=key, name=label or key, family=FAMILY, build=_optax_build(key, factory, names), hypers=hypers,
        rule_latex=r"\text{a plug-in optax transformation, vmapped per trajectory}",
        reference=reference or f"plug-in optimizer (optax) from {module}", default_lr=_check_default_lr(key, default_lr),
        notes=notes,
    )
    return _register(info)


class TorchState(NamedTuple):
    """A torch optimizer's state in the scan's carry: whether it has stepped, and its per-parameter
    state by name, each with the trajectories on its trailing axes."""

    started: jax.Array
    buffers: dict


class _Slot(NamedTuple):
    """One entry of a torch parameter's state: its shape and dtype as carried, and what torch keeps
    there ("tensor", a Python "int", "float" or "bool", or "none": SGD's momentum buffer without momentum)."""

    shape: tuple[int, ...]
    dtype: np.dtype
    kind: str


def _torch():
    import torch

    return torch


def _torch_step(cls, arguments: Callable[..., dict], names: tuple[str, ...], ints: frozenset[str], p: np.ndarray,
                g: np.ndarray, lr: np.ndarray, values: dict, carried: dict[str, np.ndarray] | None,
                slots: Sequence[tuple[str, _Slot]] = ()) -> tuple[np.ndarray, list[dict]]:
    """One eager torch step of B trajectories ((d, B) parameters and gradients, (B,) rates and values),
    each its own parameter in its own param group; `carried` (the `slots`' entries, a trailing B axis)
    is None before the first step. Returns the updates (d, B) and each parameter's state after it."""
    torch = _torch()
    params = [torch.tensor(np.array(p[:, i])) for i in range(p.shape[1])]

    def options(i: int) -> dict:
        chosen = {n: (int(values[n][i]) if n in ints else float(values[n][i])) for n in names}
        return {"lr": float(lr[i]), **arguments(**chosen)}

    opt = cls([{"params": [prm], **options(i)} for i, prm in enumerate(params)], **options(0))
    if carried is not None:
        for i, prm in enumerate(params):
            opt.state[prm] = {k: torch.tensor(np.array(carried[k][..., i])) if s.kind == "tensor" else None if s.kind == "none"
                              else getattr(builtins, s.kind)(carried[k][..., i].item()) for k, s in slots}
    for i, prm in enumerate(params):
        prm.grad = torch.tensor(np.array(g[:, i]))
    with torch.no_grad():
        opt.step()
    updates = np.stack([prm.detach().numpy() - p[:, i] for i, prm in enumerate(params)], axis=1)
    return updates, [opt.state[prm] for prm in params]


@functools.lru_cache(maxsize=64)
def _slots(cls, arguments: Callable[..., dict], defaults: tuple[tuple[str, float], ...], ints: frozenset[str],
           d: int, dtype: str, default_lr: float) -> tuple[tuple[str, _Slot], ...]:
    """The entries a torch parameter of shape (d,) has in the optimizer's state, by name: those after
    PROBE_STEPS steps at the defaults, which must be those after the first."""
    torch = _torch()
    names = tuple(k for k, _ in defaults)
    values = {k: np.array([v]) for k, v in defaults}
    p = np.full((d, 1), 0.5, dtype)
    slots: tuple[tuple[str, _Slot], ...] = ()
    carried = None
    for _ in range(PROBE_STEPS):
        updates, after = _torch_step(cls, arguments, names, ints, p, p, np.array([default_lr]), values, carried, slots)
        found = []
        for k, v in sorted(after[0].items()):
            if isinstance(v, torch.Tensor):
                found.append((k, _Slot(tuple(v.shape), np.dtype(str(v.dtype).removeprefix("torch.")), "tensor")))
            elif isinstance(v, (bool, int, float)) or v is None:
                found.append((k, _Slot((), np.dtype(np.float64), "none" if v is None else type(v).__name__)))
            else:
                raise PluginError(f"torch optimizer {cls.__name__}: its state entry '{k}' is a {type(v).__name__}, which "
                                  "the engine cannot carry (tensors and numbers only)")
        if slots and tuple(found) != slots:
            raise PluginError(f"torch optimizer {cls.__name__}: its state changes its entries from step to step")
        slots = tuple(found)
        carried = _stack(after, slots)
        p = p + updates
    return slots


def _stack(states: Sequence[dict], slots: Sequence[tuple[str, _Slot]]) -> dict[str, np.ndarray]:
    """Each slot of the parameters' torch states, stacked on a trailing axis (one entry per parameter)."""
    torch = _torch()
    out = {}
    for k, s in slots:
        column = [st[k].detach().numpy() if isinstance(st[k], torch.Tensor) else np.asarray(0.0 if st[k] is None else st[k])
                  for st in states]
        out[k] = np.stack([np.asarray(c, s.dtype).reshape(s.shape) for c in column], axis=-1)
    return out


def _torch_build(owner: str, cls, arguments: Callable[..., dict], hypers: tuple[Hyper, ...],
                 default_lr: float) -> Callable[..., GradientTransformation]:
    names = tuple(h.name for h in hypers)
    ints = frozenset(h.name for h in hypers if h.integer)
    defaults = tuple((h.name, h.default) for h in hypers)

    def slots(params) -> tuple[tuple[str, _Slot], ...]:
        return _slots(cls, arguments, defaults, ints, params.shape[0], str(params.dtype), default_lr)

    def build(learning_rate, **values) -> GradientTransformation:
        hyper = {n: values[n] for n in names}

        def init(params):
            batch = params.shape[1:]
            return TorchState(jnp.zeros((), jnp.int32), {k: jnp.zeros((*s.shape, *batch), s.dtype) for k, s in slots(params)})

        def update(grads, state, params=None):
            if params is None:
                raise PluginError(f"plug-in optimizer '{owner}': a torch optimizer needs the parameters")
            d, batch = grads.shape[0], grads.shape[1:]
            n = math.prod(batch)
            entries = slots(params)

            def host(p, g, lr, vals, started, bufs):
                vals = {k: np.asarray(v) for k, v in vals.items()}
                carried = {k: np.asarray(v).reshape(-1, n) for k, v in bufs.items()} if int(started) else {}
                # Trajectories with equal inputs step alike: step each kind once (a sweep pads its last
                # chunk with copies of its last lane, a grid repeats rows).
                key = np.concatenate([np.asarray(p, float), np.asarray(g, float), np.asarray(lr, float)[None],
                                      *(v[None].astype(float) for v in vals.values()), *(c.astype(float) for c in carried.values())])
                _, first, inverse = np.unique(key, axis=1, return_index=True, return_inverse=True)
                inverse = inverse.reshape(-1)
                updates, after = _torch_step(cls, arguments, names, ints, np.asarray(p)[:, first], np.asarray(g)[:, first],
                                             np.asarray(lr)[first], {k: v[first] for k, v in vals.items()},
                                             {k: np.asarray(bufs[k])[..., first] for k in carried} if carried else None, entries)
                stacked = _stack(after, entries)
                return np.asarray(updates, grads.dtype)[:, inverse], {k: v[..., inverse] for k, v in stacked.items()}

            shapes = (jax.ShapeDtypeStruct((d, n), grads.dtype), {k: jax.ShapeDtypeStruct((*s.shape, n), s.dtype) for k, s in entries})
            updates, new = jax.pure_callback(
                host, shapes, params.reshape(d, n), grads.reshape(d, n), jnp.broadcast_to(learning_rate, batch).reshape(n),
                {k: jnp.broadcast_to(v, batch).reshape(n) for k, v in hyper.items()}, state.started,
                {k: state.buffers[k].reshape(*s.shape, n) for k, s in entries}, vmap_method="sequential")
            return updates.reshape(grads.shape), TorchState(jnp.ones((), jnp.int32),
                                                            {k: new[k].reshape(*s.shape, *batch) for k, s in entries})

        return GradientTransformation(init, update)

    return build


def register_torch_optimizer(
    optimizer_class: type,
    name: str | None = None,
    hyperparameters: Mapping[str, HyperSpec] | Sequence[Hyper] | None = None,
    *,
    arguments: Callable[..., dict] | None = None,
    label: str | None = None,
    default_lr: float = 1e-2,
    reference: str = "",
    notes: str = "",
) -> OptimizerInfo:
    """Register a torch optimizer class (torch.optim's, or any `torch.optim.Optimizer`) as optimizer
    `name` (default `torch_<class name>`). Each update builds it on the trajectories' parameters as
    `optimizer_class(groups, lr=…, **arguments(**hyperparameters))` (default: the hyperparameters by
    their own names, e.g. momentum=…), loads the carried state, steps it with the landscape's JAX
    gradient and reads the state back. Slower than an optax plug-in: one host call per update."""
    try:
        torch = _torch()
    except ImportError:
        raise PluginError("register_torch_optimizer needs torch: pip install gradscape[torch]") from None
    if not (isinstance(optimizer_class, type) and issubclass(optimizer_class, torch.optim.Optimizer)):
        raise PluginError(f"register_torch_optimizer needs a torch.optim.Optimizer subclass, got {optimizer_class!r}")
    key = _check_name(name if name is not None else f"torch_{optimizer_class.__name__.lower()}")
    hypers = _hypers(key, hyperparameters)
    names = tuple(h.name for h in hypers)
    if arguments is None:
        def arguments(**values):
            return values
    else:
        _check_signature(key, arguments, names, "arguments", rate_first=False)
    lr = _check_default_lr(key, default_lr)
    info = OptimizerInfo(
        key=key, name=label or f"{optimizer_class.__name__} (torch)", family=FAMILY,
        build=_torch_build(key, optimizer_class, arguments, hypers, lr), hypers=hypers,
        rule_latex=r"\text{" + optimizer_class.__name__.replace("_", r"\_") + r" (torch), stepped on the host once per update}",
        reference=reference or f"plug-in optimizer (torch) {optimizer_class.__module__}.{optimizer_class.__qualname__}",
        default_lr=lr, notes=notes,
    )
    try:
        _slots(optimizer_class, arguments, tuple((h.name, h.default) for h in hypers),
               frozenset(h.name for h in hypers if h.integer), 2, "float32", lr)
    except PluginError:
        raise
    except Exception as err:  # noqa: BLE001 — a user's class: any failure is told in words
        raise PluginError(f"plug-in optimizer '{key}': {optimizer_class.__name__} could not step a parameter: {_first_line(err)}") from None
    return _register(info)


def unregister(name: str) -> None:
    """Remove plug-in `name` (and any wrapped form, such as lookahead(name)) from the catalogue; the name
    is not used again in this process, since compiled programs and caches are keyed by it."""
    info = optimizers.REGISTRY.get(name)
    if info is None or info.family != FAMILY:
        raise PluginError(f"'{name}' is not a registered plug-in optimizer")
    del optimizers.REGISTRY[name]
    for key in [k for k in wrappers._RESOLVED if f"({name})" in k]:
        del wrappers._RESOLVED[key]
    _RETIRED.add(name)


def plugin_names() -> list[str]:
    """The registered plug-in optimizers' names, in registration order."""
    return [k for k, info in optimizers.REGISTRY.items() if info.family == FAMILY]


def load(modules: Iterable[str]) -> list[str]:
    """Import the operator's plug-in modules (each registers its optimizers when imported); the names of
    the modules loaded. Raises ValueError in words for a bad name or a module that fails to load."""
    loaded = []
    for raw in modules:
        module = raw.strip()
        if not module:
            continue
        if not MODULE.fullmatch(module):
            raise PluginError(f"plug-in '{module}' is not a Python module name (such as my_plugins or team.optim)")
        try:
            importlib.import_module(module)
        except PluginError as err:
            raise PluginError(f"plug-in module '{module}': {err}") from None
        except Exception as err:  # noqa: BLE001 — an operator's module: any failure is told in words
            raise PluginError(f"plug-in module '{module}' could not be loaded: {_first_line(err)}") from None
        loaded.append(module)
    return loaded


def environment_modules() -> list[str]:
    """The modules $GRADSCAPE_PLUGINS names (comma-separated; unset or empty: none)."""
    return [m.strip() for m in os.environ.get(ENVIRONMENT, "").split(",") if m.strip()]


def from_environment() -> list[str]:
    """`load` the modules named in $GRADSCAPE_PLUGINS."""
    return load(environment_modules())
