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
from gradscape.trajectories.scenario import VIEWS, Scenario
from gradscape.ui.run_editor import VIEW_NAMES, Editor

_PROBLEM = tuple(attr for _, attr, _ in ns.PROBLEM_FIELDS)
_VIEW = tuple(attr for _, attr, _ in ns.VIEW_FIELDS)


class NetEditor(Editor):
    """Widgets for the Neural net page's state, under session keys `<prefix>.<field>`."""

    def seed(self, s: ns.NetScenario) -> None:
        """Write `s` into the widgets' keys (every run, before any widget is drawn)."""
        super().seed(Scenario(runs=s.runs, view=s.view))
        for names, obj in ((_PROBLEM, s.problem), (_VIEW, s)):
            for name in names:
                st.session_state[self.k(name)] = getattr(obj, name)
        st.session_state[self.k("eigen")] = s.eigen
        st.session_state[self.k("present")] = s.presentation

    def data_of(self, s: ns.NetScenario) -> None:
        """A network's batch size is the problem's (its sidebar), not a run's."""
        return None

    def from_widgets(self, s: ns.NetScenario) -> ns.NetScenario:
        ss = st.session_state
        problem = replace(s.problem, **{name: ss[self.k(name)] for name in _PROBLEM})
        problem = replace(problem, data_seed=int(problem.data_seed), init_seed=int(problem.init_seed))
        runs = tuple(self._run_from_widgets(s, i) if i == self.edited(s) else run for i, run in enumerate(s.runs))
        return replace(s, problem=problem, runs=runs, **{name: ss[self.k(name)] for name in _VIEW},
                       eigen=bool(ss[self.k("eigen")]), presentation=bool(ss[self.k("present")]))

    def problem_controls(self, s: ns.NetScenario) -> None:
        """Model, data, sizes, seeds, the plane, the view and the Hessian toggle."""
        on = self.changed
        st.selectbox("Model", list(nets.MODELS), format_func=lambda k: nets.MODELS[k].name, key=self.k("model"), on_change=on)
        st.selectbox("Data set", list(nets.DATASETS), format_func=lambda k: nets.DATASETS[k].name, key=self.k("dataset"),
                     on_change=on)
        st.select_slider("Hidden width", ns.WIDTHS, key=self.k("hidden"), on_change=on,
                         disabled=not s.problem.spec.uses_hidden)
        st.select_slider("Points", ns.POINTS, key=self.k("n_points"), on_change=on)
        st.select_slider("Batch size", ns.BATCHES, key=self.k("batch_size"), on_change=on)
        st.select_slider("Training steps", ns.STEPS, key=self.k("steps"), on_change=on)
        seeds = st.columns(2)
        seeds[0].number_input("Data seed", 0, ns.MAX_SEED, key=self.k("data_seed"), on_change=on)
        seeds[1].number_input("Init seed", 0, ns.MAX_SEED, key=self.k("init_seed"), on_change=on)
        st.radio("Plane", list(ns.PLANES), format_func=ns.PLANES.get, key=self.k("plane"), on_change=on)
        st.segmented_control("View", list(VIEWS), key=self.k("view"), format_func=VIEW_NAMES.get, on_change=on, required=True)
        st.toggle("Top Hessian eigenvalue vs 2/η", key=self.k("eigen"), on_change=on)
