"""Plug-in optimizers (trajectories/plugins.py): a registered optax transformation or torch optimizer
runs in the engine exactly as its own library's loop runs it, each trajectory on its own, in the
recorded runs, the sweeps' lanes and grids, and the Neural net engine; a bad plug-in is refused in words."""

from __future__ import annotations

import itertools
import sys
import textwrap

import numpy as np
import optax
import pytest
import torch

from gradscape import optimizers
from gradscape import trajectories as tr
from gradscape.trajectories import network as nw
from gradscape.trajectories import plugins, sweeps
from tests.oracles import rosenbrock_grad, run_optax, run_torch

STARTS = ((-1.5, 2.0), (-1.0, -0.5), (1.8, 2.5))
_names = (f"plugin_{i}" for i in itertools.count())  # a name is never reused in one process


@pytest.fixture
def register():
    """register(kind, …) → the plug-in's name; every plug-in registered is removed afterwards."""
    made = []

    def make(kind: str, *args, **kwargs) -> str:
        name = next(_names)
        if kind == "optax":
            plugins.register_optimizer(name, *args, **kwargs)
        else:
            plugins.register_torch_optimizer(*args, name=name, **kwargs)
        made.append(name)
        return name

    yield make
    for name in made:
        plugins.unregister(name)


def adam_factory(learning_rate, b1):
    return optax.adam(learning_rate, b1=b1)


def clipped_factory(learning_rate, max_norm):
    return optax.chain(optax.clip_by_global_norm(max_norm), optax.sgd(learning_rate, momentum=0.9))


@pytest.mark.parametrize("factory, tx", [
    (adam_factory, lambda lr, h: optax.adam(lr, b1=h["b1"])),
    (clipped_factory, lambda lr, h: optax.chain(optax.clip_by_global_norm(h["max_norm"]), optax.sgd(lr, momentum=0.9))),
], ids=["adam", "clip_by_global_norm chain"])
def test_a_registered_optax_optimizer_matches_optax_with_several_starts_at_once(register, factory, tx):
    """Three starts in one batch, float64: each path is optax's own loop from that start alone to 1e-6. The
    clipped chain's global norm would couple the batch if the engine handed it the batch as one array."""
    names = ("b1",) if factory is adam_factory else ("max_norm",)
    name = register("optax", factory, {n: (0.5, 0.0, 10.0) for n in names})
    hyper, lr, steps = {n: 0.8 if n == "b1" else 5.0 for n in names}, 5e-4, 300  # stable: no chaos to amplify rounding
    rec = tr.run("rosenbrock", name, starts=STARTS, steps=steps, learning_rate=lr, hyper=hyper, dtype="float64")
    for j, start in enumerate(STARTS):
        oracle = run_optax(tx(lr, hyper), start, rosenbrock_grad, steps)
        np.testing.assert_allclose(rec.positions[j], oracle, rtol=1e-6, atol=1e-6)
    gradients = np.linalg.norm([rosenbrock_grad(np.array(s)) for s in STARTS], axis=1)
    assert (gradients > hyper.get("max_norm", 0)).all()  # the clip acts at every start


def test_sweep_lanes_and_grids_give_each_lane_its_own_values(register):
    """The sweeps pass per-lane rates and β1 (lanes: (N,); a grid: rows × columns): each lane is optax's
    loop at its own values."""
    name = register("optax", adam_factory, {"b1": (0.9, 0.0, 0.999)})
    rates, b1s, steps = [1e-3, 3e-3, 1e-2, 3e-2], [0.5, 0.8, 0.9, 0.95], 100
    starts = np.array([STARTS[j % 3] for j in range(4)])
    lanes = sweeps.lanes("rosenbrock", name, starts, {"learning_rate": rates, "b1": b1s}, steps=steps, dtype="float64")
    for j in range(4):
        oracle = run_optax(optax.adam(rates[j], b1=b1s[j]), starts[j], rosenbrock_grad, steps)[-1]
        np.testing.assert_allclose(lanes.positions[j], oracle, rtol=1e-6, atol=1e-6)
    (_, _, grid), = sweeps.grid_chunks("rosenbrock", name, STARTS[0], ("learning_rate", rates[:3]), ("b1", b1s[:2]),
                                        steps=steps, dtype="float64")
    for row, b1 in enumerate(b1s[:2]):
        for col, lr in enumerate(rates[:3]):
            oracle = run_optax(optax.adam(lr, b1=b1), STARTS[0], rosenbrock_grad, steps)[-1]
            np.testing.assert_allclose(grid.positions[row * 3 + col], oracle, rtol=1e-6, atol=1e-6)


def test_a_plugin_trains_the_network_as_the_built_in_it_copies(register):
    """On the Neural net engine (one flat parameter vector per run) optax's Adam as a plug-in trains as the
    catalogue's Adam, which the parity tests hold to optax."""
    name = register("optax", lambda learning_rate: optax.adam(learning_rate))
    problem = nw.NetworkProblem(hidden=4, n_points=64, batch_size=16)
    record = nw.train(problem, [nw.NetRun(name, 0.01), nw.NetRun("adam", 0.01, {"b1": 0.9, "b2": 0.999, "eps": 1e-8})], 200)
    np.testing.assert_allclose(record.snapshots[0], record.snapshots[1], rtol=1e-4, atol=1e-5)
    assert np.isfinite(record.loss).all() and (record.diverged_at < 0).all()


@pytest.mark.parametrize("cls, options, hypers, arguments", [
    (torch.optim.Adam, {"betas": (0.8, 0.999)}, {"b1": (0.8, 0.0, 0.999)}, lambda b1: {"betas": (b1, 0.999)}),
    (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}, {"momentum": (0.9, 0.0, 0.999)},
     lambda momentum: {"momentum": momentum, "nesterov": True}),
    (torch.optim.Adagrad, {"initial_accumulator_value": 0.5}, {"initial_accumulator_value": (0.5, 0.0, 10.0)}, None),
    (torch.optim.SGD, {}, {}, None),
], ids=["Adam", "SGD-nesterov", "Adagrad (state made by its constructor)", "SGD (a None in its state)"])
def test_a_registered_torch_optimizer_matches_torch(register, cls, options, hypers, arguments):
    name = register("torch", cls, hyperparameters=hypers, arguments=arguments)
    lr, steps = 5e-4, 60
    rec = tr.run("rosenbrock", name, starts=STARTS[:2], steps=steps, learning_rate=lr, dtype="float64")
    for j, start in enumerate(STARTS[:2]):
        oracle = run_torch(lambda params, lr: cls(params, lr=lr, **options), start, rosenbrock_grad, np.full(steps, lr))
        np.testing.assert_allclose(rec.positions[j], oracle, rtol=1e-6, atol=1e-9)


def test_a_torch_plugin_gives_each_sweep_lane_its_own_rate(register):
    name = register("torch", torch.optim.Adam)
    rates, steps = [1e-3, 1e-2, 5e-2], 30
    lanes = sweeps.lanes("rosenbrock", name, np.array(STARTS), {"learning_rate": rates}, steps=steps, dtype="float64")
    for j, (start, lr) in enumerate(zip(STARTS, rates)):
        oracle = run_torch(lambda params, lr: torch.optim.Adam(params, lr=lr), start, rosenbrock_grad, np.full(steps, lr))[-1]
        np.testing.assert_allclose(lanes.positions[j], oracle, rtol=1e-6, atol=1e-9)


def test_a_plugin_races_in_a_scenario_and_under_a_wrapper(register):
    """A link names it like a built-in; the catalogue's wrappers wrap it."""
    from gradscape.trajectories.scenario import from_query

    name = register("optax", adam_factory, {"b1": (0.9, 0.0, 0.999)}, label="My Adam")
    s, warnings = from_query({"r1": f"{name};lr=0.05;b1=0.7", "r2": "adam", "steps": "50"})
    assert warnings == [] and s.runs[0].optimizer == name and dict(s.runs[0].hyper) == {"b1": 0.7} and s.label(0) == "My Adam"
    wrapped = optimizers.get(f"lookahead({name})")
    assert [h.name for h in wrapped.hypers] == ["b1", "lookahead_k", "lookahead_alpha"]
    assert tr.run("rosenbrock", f"lookahead({name})", steps=20).positions.shape == (1, 21, 2)


def _refused(**call) -> str:
    with pytest.raises(ValueError) as err:
        plugins.register_optimizer(next(_names), **call)
    return str(err.value)


def test_bad_plugins_are_refused_in_words():
    def raising(learning_rate):
        raise RuntimeError("no such thing")

    def wrong_shape(learning_rate):
        return optax.GradientTransformation(lambda p: (), lambda g, s, p=None: (g[:1], s))

    def growing_state(learning_rate):
        return optax.GradientTransformation(lambda p: (), lambda g, s, p=None: (-learning_rate * g, (g,)))

    assert "its factory failed: RuntimeError: no such thing" in _refused(factory=raising)
    assert "not an optax GradientTransformation" in _refused(factory=lambda learning_rate: 42)
    assert "updates of shape (1,) for parameters of shape (2,)" in _refused(factory=wrong_shape)
    assert "a state of another structure" in _refused(factory=growing_state)
    assert "not finite (nan)" in _refused(factory=lambda learning_rate: optax.scale(float("nan")))
    assert "not finite (inf)" in _refused(factory=lambda learning_rate: optax.scale(1e30))  # overflows float32 by step 2
    assert "must accept (learning_rate, b1)" in _refused(factory=lambda lr: optax.sgd(lr), hyperparameters={"b1": (0.9, 0, 1)})
    assert "must be a Hyper or finite (default, low, high[, log])" in _refused(factory=adam_factory, hyperparameters={"b1": "big"})
    assert "other than" in _refused(factory=lambda learning_rate, lr: optax.sgd(learning_rate), hyperparameters={"lr": (1, 0, 2)})
    with pytest.raises(ValueError, match="the name is taken by Adam"):
        plugins.register_optimizer("adam", adam_factory)
    with pytest.raises(ValueError, match="lower-case letters"):
        plugins.register_optimizer("My Adam", adam_factory)
    with pytest.raises(ValueError, match="needs a torch.optim.Optimizer subclass"):
        plugins.register_torch_optimizer(optax.adam)
    with pytest.raises(ValueError, match="LBFGS could not step a parameter: .*closure"):
        plugins.register_torch_optimizer(torch.optim.LBFGS, name=next(_names))
    assert not [k for k in optimizers.REGISTRY if k.startswith("plugin_")]


def test_a_name_is_not_reused_in_one_process():
    """Compiled programs and caches are keyed by the name: once unregistered, it stays retired."""
    name = next(_names)
    plugins.register_optimizer(name, lambda learning_rate: optax.sgd(learning_rate))
    plugins.unregister(name)
    assert name not in optimizers.REGISTRY
    with pytest.raises(ValueError, match="used by an earlier plug-in"):
        plugins.register_optimizer(name, lambda learning_rate: optax.sgd(learning_rate))


def test_plugin_modules_load_by_name_and_fail_in_words(tmp_path, monkeypatch):
    """What the operator names (--plugin, $GRADSCAPE_PLUGINS) is imported once; a missing or failing module,
    or a name that is no module name, is one sentence."""
    good = next(_names)
    (tmp_path / "good_plugin_mod.py").write_text(textwrap.dedent(f"""
        import optax
        from gradscape.trajectories import plugins
        plugins.register_optimizer("{good}", lambda learning_rate: optax.sgd(learning_rate))
    """))
    (tmp_path / "bad_plugin_mod.py").write_text("import optax\nfrom gradscape.trajectories import plugins\n"
                                                "plugins.register_optimizer('adam', lambda learning_rate: optax.sgd(learning_rate))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(plugins.ENVIRONMENT, " good_plugin_mod , ")
    try:
        assert plugins.from_environment() == ["good_plugin_mod"] and good in plugins.plugin_names()
        assert plugins.load(["good_plugin_mod"]) == ["good_plugin_mod"]  # imported once: no second registration
    finally:
        plugins.unregister(good)
        sys.modules.pop("good_plugin_mod", None)
    with pytest.raises(ValueError, match="plug-in module 'bad_plugin_mod': plug-in optimizer 'adam': the name is taken"):
        plugins.load(["bad_plugin_mod"])
    with pytest.raises(ValueError, match="'no_such_plugin_mod' could not be loaded: ModuleNotFoundError"):
        plugins.load(["no_such_plugin_mod"])
    with pytest.raises(ValueError, match="is not a Python module name"):
        plugins.load(["../etc/passwd"])


def test_a_plugin_races_in_the_playground_with_widgets_for_its_hyperparameters(register):
    """The run editor offers the plug-in, draws its hyperparameters from their metadata and a slider moved
    goes into the link; its run is in the results table."""
    from tests.test_playground_apptest import open_playground, results_table, run, scenario_of

    name = register("optax", adam_factory, {"b1": (0.9, 0.0, 0.999)}, label="My Adam")
    at = open_playground({"r1": f"{name};lr=0.05;b1=0.7", "r2": "sgd;lr=0.001", "steps": "100"})
    assert "My Adam · plug-in" in at.selectbox(key="pg.r0.opt").options and at.slider(key=f"pg.r0.h.{name}.b1").value == 0.7
    assert [row[0] for row in results_table(at).rows] == ["My Adam", "SGD"]
    at.slider(key=f"pg.r0.h.{name}.b1").set_value(0.5)
    run(at)
    assert scenario_of(at).runs[0].hyper == (("b1", 0.5),)


def test_the_optimizer_reference_page_shows_a_plugin_live(register):
    from tests.test_pages_apptest import open_page

    name = register("torch", torch.optim.Adam, label="Torch Adam")
    at = open_page("pages/optimizers.py")
    at.selectbox(key="ref_opt").set_value(name).run()
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    assert at.subheader[0].value == "Torch Adam" and "Adam (torch), stepped on the host" in at.latex[0].value
    assert any(t.value.startswith("Final loss") for t in at.caption)
