"""The Neural net page's controls, as views of one NetScenario (the Playground's editor pattern).

The run list and the one-run editor (optimizer, rate, hyperparameters, schedule, duplicate,
remove, add) are the Playground's own (ui/run_editor.Editor), reused unchanged: its run widgets
are seeded from a Scenario carrying the same runs and view. This subclass adds the problem's
widgets (model, data, sizes, seeds, plane) and reads them back into a NetScenario.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from gradscape.landscapes import networks as nets
from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories.scenario import VIEWS
from gradscape.ui.fields import read_widgets, seed_widgets
from gradscape.ui.run_editor import VIEW_NAMES, Editor



class NetEditor(Editor):
    """Widgets for the Neural net page's state, under session keys `<prefix>.<link key>`."""

    def seed(self, s: ns.NetScenario) -> None:
        """Write `s` into the widgets' keys (every run, before any widget is drawn)."""
        seed_widgets(ns.NET, s, self.p)
        self.seed_run(s)

    def data_of(self, s: ns.NetScenario) -> None:
        """A network's batch size is the problem's (its sidebar), not a run's."""
        return None

    def from_widgets(self, s: ns.NetScenario) -> ns.NetScenario:
        return read_widgets(ns.NET, replace(s, runs=self.runs_from_widgets(s)), self.p)

    def problem_controls(self, s: ns.NetScenario) -> None:
        """Model, data, sizes, seeds, the plane, the view and the Hessian toggle."""
        on = self.changed
        st.selectbox("Model", list(nets.MODELS), format_func=lambda k: nets.MODELS[k].name, key=self.k("model"), on_change=on)
        st.selectbox("Data set", list(nets.DATASETS), format_func=lambda k: nets.DATASETS[k].name, key=self.k("data"),
                     on_change=on)
        st.select_slider("Hidden width", ns.WIDTHS, key=self.k("h"), on_change=on,
                         disabled=not s.problem.spec.uses_hidden)
        st.select_slider("Points", ns.POINTS, key=self.k("n"), on_change=on)
        st.select_slider("Batch size", ns.BATCHES, key=self.k("batch"), on_change=on)
        st.select_slider("Training steps", ns.STEPS, key=self.k("steps"), on_change=on)
        seeds = st.columns(2)
        seeds[0].number_input("Data seed", 0, ns.MAX_SEED, key=self.k("dseed"), on_change=on)
        seeds[1].number_input("Init seed", 0, ns.MAX_SEED, key=self.k("iseed"), on_change=on)
        st.radio("Plane", list(ns.PLANES), format_func=ns.PLANES.get, key=self.k("plane"), on_change=on)
        st.segmented_control("View", list(VIEWS), key=self.k("view"), format_func=VIEW_NAMES.get, on_change=on, required=True)
        st.toggle("Top Hessian eigenvalue vs 2/η", key=self.k("eig"), on_change=on)
