"""trajectories.suggest: a rate that moves a run on a new landscape, calmly; the run's own rate kept when it
already gets as far as any, and None when every rate tried blows up."""

from __future__ import annotations

from gradscape import landscapes
from gradscape import trajectories as tr
from gradscape.trajectories.scenario import RunSpec
from gradscape.trajectories.suggest import CALM, sensible_rate
from gradscape.ui.rates import LADDER

STEPS = 300


def final_loss(landscape: str, run: RunSpec, lr: float) -> float:
    start = landscapes.get(landscape).starts[0]
    return float(tr.run(landscape, run.optimizer, learning_rate=lr, starts=[start], steps=STEPS).losses[0, -1])


def test_a_rate_that_barely_moves_is_replaced_by_one_that_gets_further():
    sgd = RunSpec("sgd", 1e-4)
    start = landscapes.get("beale").starts[0]
    rate = sensible_rate("beale", sgd, start, STEPS, LADDER)
    assert rate in LADDER and rate > sgd.lr
    assert final_loss("beale", sgd, rate) < final_loss("beale", sgd, sgd.lr) / 10


def test_a_good_rate_stays_and_labels_or_colours_do_not_matter():
    adam = RunSpec("adam", 0.05, label="mine", color="#123456")
    start = landscapes.get("quadratic").starts[0]
    assert sensible_rate("quadratic", adam, start, STEPS, LADDER) == 0.05


def test_none_when_every_rate_blows_up():
    assert sensible_rate("rosenbrock", RunSpec("sgd", 100.0), (-1.5, 2.0), STEPS, (30.0, 50.0)) is None


def test_a_rate_that_flies_across_the_map_first_is_not_chosen():
    start = (-1.5, 2.0)
    wild = tr.run("rosenbrock", "adam", learning_rate=1.0, starts=[start], steps=STEPS).losses[0]
    assert wild.max() > 2 * wild[0]  # a large rate climbs far above the start before it lands low
    rate = sensible_rate("rosenbrock", RunSpec("adam", 1e-4), start, STEPS, LADDER)
    losses = tr.run("rosenbrock", "adam", learning_rate=rate, starts=[start], steps=STEPS).losses[0]
    assert rate < 1.0 and losses.max() <= losses[0] * (1 + CALM) and losses[-1] < losses[0] / 10
