"""Neural net: a small network's loss landscape, with every optimizer's path on ONE shared plane.

Reads the widgets, trains through trajectories.network (cached per setting), and draws the
plane's contour with the projected paths, the curves and the decision boundary at a chosen step.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import optimizers
import schedules
from landscapes import networks as nets
from trajectories import network as nw
from trajectories import network_views as nv
from trajectories.engine import LR_RANGE
from trajectories.scenario import PALETTE
from ui.frame import page_frame
from ui.state import warn_unused_link
from ui.widgets import log_slider
from viz.network import curve_figures, decision_figure, plane_figure, plane_surface_figure

WIDTHS = (4, 8, 16, 32)
POINTS = (256, 512, 1024)
BATCHES = (16, 32, 64, 128, 256)
STEPS = (200, 500, 1000, 2000)
PLANES = {"pca-final": "PCA of all runs, centred on run 1's final iterate", "pca-mean": "PCA of all runs, centred on their mean",
          "random": "filter-normalized random directions (Li et al.)"}
DEFAULT_RUNS = (("sgd", 0.5), ("momentum", 0.1), ("adam", 0.01), ("rmsprop", 0.003))
EIGEN_POINTS = 40
WIDGET_DEFAULTS = {"nn_hidden": 16, "nn_points": 512, "nn_batch": 64, "nn_steps": 1000, "nn_data_seed": 0, "nn_init_seed": 0,
                   "nn_opts": [k for k, _ in DEFAULT_RUNS]}


# A record holds ≤ 8 runs × 1001 snapshots × P floats (38 MB at width 32): a few settings, not many.
@st.cache_data(max_entries=8, show_spinner="Training…")
def compute(problem: nw.NetworkProblem, runs: tuple[tuple[str, float, str], ...], steps: int, plane_kind: str):
    """Record, plane, projections, the 100×100 plane grid and the loss at each projected point."""
    record = nw.train(problem, [nw.NetRun(o, lr, schedule=s) for o, lr, s in runs], steps)
    plane = nv.random_plane(record) if plane_kind == "random" else nv.pca_plane(record, centre=plane_kind[4:])
    coords, distance = nv.project(plane, record.snapshots)
    grid = nv.plane_grid(record.problem, plane, nv.path_extent(coords), 100)
    plane_loss = nv.plane_losses(record.problem, plane, coords.reshape(-1, 2)).reshape(distance.shape)
    return record, plane, coords, distance, grid, plane_loss


@st.cache_data(max_entries=16, show_spinner="Hessian-vector products…")
def eigenvalues(problem: nw.NetworkProblem, runs, steps: int, plane_kind: str):
    record = compute(problem, runs, steps, plane_kind)[0]
    idx = np.unique(np.linspace(0, len(record.snapshot_steps) - 1, EIGEN_POINTS).astype(int))
    return idx, np.stack([nv.top_hessian_eigenvalues(record.problem, record.snapshots[i, idx]) for i in range(len(runs))])


page_frame("Neural net")
warn_unused_link()
for name, value in WIDGET_DEFAULTS.items():
    st.session_state.setdefault(name, value)
st.title("A neural network's loss landscape")
st.caption("Every run trains the same network from the same weights in its full parameter space; the picture is "
           "ONE plane through that space shared by all runs, so their paths can be compared — and the distance "
           "from the plane says how much the picture hides.")

left, right = st.columns([1, 3])
with left:
    model = st.selectbox("Model", list(nets.MODELS), format_func=lambda k: nets.MODELS[k].name, key="nn_model")
    dataset = st.selectbox("Data set", list(nets.DATASETS), format_func=lambda k: nets.DATASETS[k].name, key="nn_data")
    hidden = st.select_slider("Hidden width", WIDTHS, key="nn_hidden", disabled=not nets.MODELS[model].uses_hidden)
    n_points = st.select_slider("Points", POINTS, key="nn_points")
    batch = st.select_slider("Batch size", BATCHES, key="nn_batch")
    steps = st.select_slider("Training steps", STEPS, key="nn_steps")
    seeds = st.columns(2)
    data_seed = seeds[0].number_input("Data seed", 0, 9999, key="nn_data_seed")
    init_seed = seeds[1].number_input("Init seed", 0, 9999, key="nn_init_seed")
    plane_kind = st.radio("Plane", list(PLANES), format_func=PLANES.get, key="nn_plane")
    keys = st.multiselect("Optimizers", sorted(optimizers.REGISTRY), max_selections=nw.MAX_RUNS, key="nn_opts", format_func=lambda k: optimizers.get(k).name)
    defaults = dict(DEFAULT_RUNS)
    runs = []
    for i, key in enumerate(keys):
        with st.expander(optimizers.get(key).name, expanded=False):
            lr = log_slider("η₀", f"nn_lr_{key}", *LR_RANGE, default=defaults.get(key, optimizers.get(key).default_lr))
            sched = st.selectbox("Schedule", sorted(schedules.REGISTRY), key=f"nn_sched_{key}",
                                 format_func=lambda k: schedules.get(k).name)
        runs.append((key, lr, sched))
    show_eigen = st.toggle("Top Hessian eigenvalue vs 2/η", key="nn_eigen")

with right:
    if not runs:
        st.info("Choose one or more optimizers.")
        st.stop()
    problem = nw.NetworkProblem(model, dataset, int(hidden), int(n_points), None, int(data_seed), int(init_seed), min(int(batch), int(n_points)))
    try:
        record, plane, coords, distance, grid, plane_loss = compute(problem, tuple(runs), int(steps), plane_kind)
    except ValueError as err:
        st.error(str(err))
        st.stop()
    labels = [optimizers.get(k).name for k, _, _ in runs]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(runs))]
    at = st.slider("Playhead step", 0, int(record.steps), int(record.steps), key="nn_at", help="The playhead: markers on the plane and the decision boundary.")
    j = int(np.searchsorted(record.snapshot_steps, at))
    explained = "" if plane.explained is None else f" · explains {100 * plane.explained.sum():.0f} % of the iterates' spread"
    st.markdown(f"**{plane.kind}**{explained} · {record.snapshots.shape[-1]} parameters")
    for i, label in enumerate(labels):
        if record.diverged_at[i] >= 0:
            st.warning(f"{label}: {record.status_text(i)}")
    if st.toggle("3-D surface", key="nn_3d"):
        st.plotly_chart(plane_surface_figure(grid, list(zip(labels, colors, coords, plane_loss)), j), key="nn_surface_chart", width="stretch")
    else:
        st.plotly_chart(plane_figure(grid, list(zip(labels, colors, coords)), j), key="nn_plane_chart", width="stretch")
    shown = st.selectbox("Decision boundary of", range(len(runs)), format_func=lambda i: labels[i], key="nn_boundary_run")
    image, extent = nv.decision_images(record.problem, record.snapshots[shown, j], n=96)
    x, y, _ = nw.problem_arrays(record.problem)
    st.caption(f"step {record.snapshot_steps[j]}: loss {record.loss[shown, j]:.4f}, accuracy {100 * record.accuracy[shown, j]:.1f} %")
    st.plotly_chart(decision_figure(image[0], extent, x, y), key="nn_boundary_chart", width="stretch")
    eig = eigenvalues(problem, tuple(runs), int(steps), plane_kind) if show_eigen else None
    for title, figure in curve_figures(record, labels, colors, distance, plane_loss, int(record.snapshot_steps[j]), eig).items():
        st.markdown(f"**{title}**")
        st.plotly_chart(figure, key=f"nn_{title[:12]}", width="stretch")
