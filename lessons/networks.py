"""Lesson 14: do 2-D pictures say anything about real networks? The PCA plane of a small MLP's
training paths, measured against a random walk's and against what the plane hides."""

from __future__ import annotations

import numpy as np

from gradscape.lessons.base import Check, Finding, Lesson
from gradscape.lessons.measures import fmt
from gradscape.trajectories import network as nw
from gradscape.trajectories.network import NetworkProblem
from gradscape.trajectories import network_views as nv
from gradscape.trajectories.net_scenario import NetScenario
from gradscape.trajectories.scenario import RunSpec, run_labels
from gradscape.viz.lines import Chart, Series

NET = NetScenario(NetworkProblem(n_points=256, hidden=8), steps=500, plane="pca-mean",
                  runs=(RunSpec("sgd", 0.5), RunSpec("adam", 0.01)))
COMPONENTS = 10
WALK_SEED = 0
LI_FRACTION = 0.8  # "most of the movement" in two directions
WALK_MARGIN = 0.05  # a random walk's top-2 fraction against 6/π²·(1 + 1/4)
HIDDEN_GAP = 0.01  # the plane's loss is off the network's by more than 1 % somewhere


def walk_fraction(k: int) -> float:
    """Antognini & Sohl-Dickstein: the k-th principal component of a long high-dimensional random
    walk holds 6/(π²k²) of its spread."""
    return 6.0 / (np.pi**2 * k**2)


def _networks(lesson: Lesson) -> Finding:
    s = lesson.network
    record = nw.train(s.problem, s.net_runs(), s.steps)
    names = list(run_labels(s.runs))
    spectra = [nv.principal_axes(path, path.mean(axis=0), COMPONENTS)[1] for path in record.snapshots]
    steps, size = record.snapshots.shape[1:]
    walk = np.cumsum(np.random.default_rng(WALK_SEED).normal(size=(steps, size)), axis=0)
    walk_spectrum = nv.principal_axes(walk, walk.mean(axis=0), COMPONENTS)[1]
    predicted = walk_fraction(1) + walk_fraction(2)
    plane = nv.pca_plane(record, centre="mean")
    coords, distance = nv.project(plane, record.snapshots)
    on_plane = nv.plane_losses(record.problem, plane, coords.reshape(-1, 2)).reshape(distance.shape)
    gap = np.abs(on_plane - record.loss) / record.loss
    two = [float(sp[:2].sum()) for sp in spectra]
    k = np.arange(1, COMPONENTS + 1)
    chart = Chart(
        "share of a path's spread along its k-th principal direction", "principal component k", "fraction",
        tuple(Series(n, k, sp) for n, sp in zip(names, spectra))
        + (Series(f"random walk ({size} dimensions, {steps} points)", k, walk_spectrum, "#777777"),
           Series("6/(π²k²) (random-walk theory)", k, walk_fraction(k), "#777777", "dot")),
        log_y=True,
    )
    numbers = {**{f"top-2 fraction/{n}": v for n, v in zip(names, two)}, "top-2 fraction/random walk": float(walk_spectrum[:2].sum()),
               "top-2 fraction/shared plane": float(plane.explained.sum()), "max relative loss gap": float(gap.max()),
               "max off-plane distance": float(distance.max())}
    return Finding(
        checks=(
            Check(
                "Two PCA directions capture most of an optimizer's path through a network's weights.",
                "Top-2 share of each run's spread: " + ", ".join(f"{n} {100 * v:.0f} %" for n, v in zip(names, two))
                + f" ({size} weights, {steps} snapshots).",
                min(two) >= LI_FRACTION,
            ),
            Check(
                "A pure random walk in the same dimension also looks low-dimensional to PCA: about 6/π²·(1 + 1/4) "
                f"≈ {100 * predicted:.0f} % of its spread lies in two directions.",
                f"A Gaussian random walk of {steps} points in {size} dimensions: {100 * walk_spectrum[:2].sum():.0f} % in two "
                "directions.",
                abs(walk_spectrum[:2].sum() - predicted) <= WALK_MARGIN,
            ),
            Check(
                "The plane is a projection: the loss drawn at a path's projected point is not the network's loss.",
                f"On the shared plane (PCA of both runs, {100 * plane.explained.sum():.0f} % of their spread) the loss at the "
                f"projected points differs from the network's by up to {100 * gap.max():.0f} %; the iterates lie up to "
                f"{fmt(distance.max())} off the plane.",
                gap.max() > HIDDEN_GAP,
            ),
        ),
        numbers=numbers,
        explanation=(
            "A high explained fraction is necessary for a faithful picture but not evidence of one: a random walk scores "
            f"≈ {100 * predicted:.0f} % too. Here the runs score {100 * min(two):.0f}–{100 * max(two):.0f} % against the "
            f"walk's {100 * walk_spectrum[:2].sum():.0f} %"
            + (", so their paths really are closer to two directions than noise would be" if min(two) > walk_spectrum[:2].sum()
               else ", no better than noise")
            + f"; and still the landscape drawn between them is a slice through a {size}-dimensional function, off the "
            f"network's loss by up to {100 * gap.max():.0f} % where the paths are."
        ),
        charts=(chart,),
    )


NETWORKS = Lesson(
    number=14,
    slug="networks-2d-pictures",
    title="Do 2-D pictures say anything about real networks?",
    question="Is a network's training path really two-dimensional, and what does its plane hide?",
    setup=f"An MLP with {NET.problem.hidden} hidden units per layer on {NET.problem.n_points} two-spiral points, trained by SGD "
    "(η = 0.5) and Adam (η = 0.01) from the same weights for 500 mini-batch steps. Each path's principal "
    "directions are compared with a random walk's; the shared PCA plane's loss with the network's.",
    look_for="On the Neural net page (the button above opens this setting): most of the paths' movement lies in the "
    "plane, but the dotted 'on the plane' losses part from the model's, and the off-plane distance is never zero.",
    claim="Optimizer paths through a network's weights lie in a very low-dimensional space: two PCA directions hold "
    "most of their movement (Li et al. 2018, §6). But high-dimensional random walks are also dominated by their first "
    "principal components, 6/(π²k²) of the spread in the k-th (Antognini & Sohl-Dickstein 2018).",
    source="Li et al. 2018, §6; Antognini & Sohl-Dickstein 2018",
    scenario=None,
    measure=_networks,
    network=NET,
)
