"""The Sweeps page's controls, as views of one SweepScenario in the session and the URL.

The runs, landscape, start points and steps are the sweep's base Scenario, edited by the
Playground's own run editor (ui/run_editor.Editor) through `BaseState`; the sweep's own fields
(kind, rate range, axes, resolution, colouring, ‖∇f‖ tolerance) are seeded into their widgets before
they are drawn and read back by `SweepControls.changed`, which commits a validated scenario. An
exercise's locks (the editor's `mark`, on SWEEP keys and the base's) disable or hide them.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

import streamlit as st

from gradscape.classroom.exercise import FREE
from gradscape.trajectories import engine
from gradscape.trajectories.scenario import Scenario
from gradscape.trajectories.sweep_scenario import (
    COLOURINGS, DEFAULT_RATES, KINDS, LR_COUNT, RESOLUTION, SWEEP, TOL_RANGE, Axis, SweepScenario, from_query, param_bounds,
    sweepable, to_query,
)
from gradscape.ui.fields import read_widgets, seed_widgets
from gradscape.ui.run_editor import Editor
from gradscape.ui.state import ScenarioState
from gradscape.ui.widgets import log_options, log_slider
from gradscape.viz.sweeps import KIND_NAMES, axis_label

RESOLUTIONS = (16, 32, 64, 128, 256, 512)


class BaseState:
    """The run editor's view of a sweep: its base Scenario, committed back into the sweep."""

    def __init__(self, state: ScenarioState) -> None:
        self.state = state

    @property
    def current(self) -> Scenario:
        return self.state.current.base

    def commit(self, base: Scenario) -> Scenario:
        return self.state.commit(replace(self.state.current, base=base)).base


class SweepControls:
    """Widgets for the sweep's own fields under keys `<prefix>.sw.*`, and the base editor."""

    def __init__(self, prefix: str) -> None:
        self.state = ScenarioState(prefix, parse=from_query, encode=to_query, exercises=True)
        self.editor = Editor(BaseState(self.state), prefix)
        self.sw = f"{prefix}.sw"  # the sweep's own widgets: `<prefix>.sw.<link key>`

    def k(self, name: str) -> str:
        return f"{self.sw}.{name}"

    def range_key(self, name: str, low: float, high: float) -> str:
        """Range sliders are keyed by their value and take it as `value=`, not from session state:
        a select slider seeded through session state alone forgets that it is a range."""
        return self.k(f"{name}.range.{low:.6g},{high:.6g}")

    def start(self, mark: Callable[[str], str]) -> SweepScenario:
        """The sweep loaded into `state` (its link read), seeded into the widgets, which honour an exercise's
        locks (`mark`: ui/exercise.Student.mark)."""
        self.editor.mark = mark
        s = self.state.current
        self.seed(s)
        return s

    def seed(self, s: SweepScenario) -> None:
        ss = st.session_state
        self.editor.seed(s.base)
        seed_widgets(SWEEP, s, self.sw)
        ss[self.k("count")] = s.count
        for name in ("x", "y"):
            axis = getattr(s, name)
            ss[self.k(f"{name}.param")] = axis.param

    def commit(self, s: SweepScenario) -> None:
        try:
            self.state.commit(s)
        except ValueError as err:
            self.editor.note(str(err))

    def changed(self) -> None:
        ss = st.session_state
        s = self.state.current
        axes = {}
        for name in ("x", "y"):
            param = ss[self.k(f"{name}.param")]
            old = getattr(s, name)
            if param != old.param:  # a new parameter starts over its whole range (the rate: the default window)
                lo, hi, _ = param_bounds(s.runs[0].optimizer, param)
                axes[name] = Axis(param, *(DEFAULT_RATES if param == "learning_rate" else (lo, hi)))
            else:
                axes[name] = Axis(param, *map(float, ss.get(self.range_key(name, old.low, old.high), (old.low, old.high))))
        s = read_widgets(SWEEP, s, self.sw)
        lo, hi = RESOLUTION.get(s.kind, RESOLUTION["basin"])
        self.commit(replace(
            s, rates=tuple(map(float, ss.get(self.range_key("rates", *s.rates), s.rates))), count=int(ss[self.k("count")]),
            resolution=min(max(s.resolution, lo), hi), **axes,
        ))

    def window(self, x: object, y: object) -> None:
        """A new trainability window (from the map's zoom or the buttons), clipped to the parameters' ranges."""
        try:
            bounds = [tuple(float(v) for v in pair) for pair in (x, y)]
            if any(len(b) != 2 or not all(map(math.isfinite, b)) for b in bounds):
                raise ValueError
        except (TypeError, ValueError):
            self.editor.note("The zoomed window could not be read: drag a box on the map again.")
            return
        s = self.state.current
        axes = {}
        for name, (a, b) in zip(("x", "y"), bounds):
            axis = getattr(s, name)
            lo, hi, _ = param_bounds(s.runs[0].optimizer, axis.param)
            a, b = max(lo, min(a, b)), min(hi, max(a, b))
            axes[name] = Axis(axis.param, float(f"{a:.6g}"), float(f"{b:.6g}")) if a < b else axis
        self.commit(replace(s, **axes))

    def zoom_out(self, factor: float | None) -> None:
        """Widen the trainability window `factor` times about its centre (in log10 on log axes); None: the whole range."""
        s = self.state.current
        windows = []
        for axis in (s.x, s.y):
            lo, hi, log = param_bounds(s.runs[0].optimizer, axis.param)
            if factor is None:
                windows.append(DEFAULT_RATES if axis.param == "learning_rate" else (lo, hi))
                continue
            a, b = (math.log10(axis.low), math.log10(axis.high)) if log else (axis.low, axis.high)
            mid, half = (a + b) / 2, (b - a) * factor / 2
            a, b = mid - half, mid + half
            windows.append((10**a, 10**b) if log else (a, b))
        self.window(*windows)

    # ---- widgets ----
    def kind_control(self) -> None:
        ed = self.editor
        if ed.shown("sweep"):
            st.segmented_control(options=KINDS, key=self.k("sweep"), format_func=KIND_NAMES.get, on_change=self.changed,
                                 required=True, label_visibility="collapsed", **ed.ctl("sweep", "Sweep"))

    def base_controls(self, s: SweepScenario) -> None:
        """Landscape, start point(s) and steps (the engine's exact gradients: no noise, no mini-batches)."""
        ed = self.editor
        ed.landscape_controls(s.base)
        if s.kind != "basin" and ed.shown("start"):
            st.text_input(key=ed.k("start"), on_change=ed.changed, placeholder="default start",
                          **ed.ctl("start", "Start point(s)",
                                   "x, y — several separated by ';' (the rate sweep shows their median and spread)."))
        if ed.shown("steps"):
            st.number_input(min_value=1, max_value=engine.MAX_STEPS, key=ed.k("steps"), step=50, on_change=ed.changed,
                            **ed.ctl("steps", "Steps"))

    def sweep_controls(self, s: SweepScenario) -> None:
        on = self.changed
        ed = self.editor
        if s.kind == "lr":
            if ed.shown("rates"):
                lo, hi = engine.LR_RANGE
                st.select_slider(options=sorted({*log_options(lo, hi), *s.rates}), value=s.rates,
                                 key=self.range_key("rates", *s.rates), on_change=on, format_func=lambda v: f"{v:g}",
                                 **ed.ctl("rates", "Learning rates"))
                st.slider(min_value=LR_COUNT[0], max_value=LR_COUNT[1], key=self.k("count"), on_change=on,
                          **ed.ctl("rates", "Rates per curve"))
            return
        if s.kind in ("heatmap", "trainability"):
            names = sweepable(s.runs[0].optimizer)
            for name in ("x", "y"):
                if not ed.shown(name):
                    continue
                axis = getattr(s, name)
                st.selectbox(options=names, key=self.k(f"{name}.param"), on_change=on,
                             format_func=lambda p: axis_label(s.runs[0].optimizer, p), **ed.ctl(name, f"{name} axis"))
                self.range_control(s, name, axis)
        lo, hi = RESOLUTION[s.kind]
        if ed.shown("res"):
            st.select_slider(options=sorted({*(r for r in RESOLUTIONS if lo <= r <= hi), s.resolution}), key=self.k("res"),
                             on_change=on, **ed.ctl("res", "Resolution (cells per side)"))
        if s.kind == "trainability" and ed.mark("x") == ed.mark("y") == FREE:
            out, reset = st.columns(2)
            out.button("Zoom out ×4", key=self.k("out"), on_click=self.zoom_out, args=(4.0,), width="stretch")
            reset.button("Whole range", key=self.k("reset"), on_click=self.zoom_out, args=(None,), width="stretch")
        if s.kind == "heatmap" and ed.shown("color"):
            st.segmented_control(options=COLOURINGS, key=self.k("color"), on_change=on, required=True,
                                 format_func={"loss": "final loss", "steps": "steps to ‖∇f‖ tolerance"}.get,
                                 **ed.ctl("color", "Colour by"))
        if s.kind == "heatmap" and s.colour == "steps" and ed.shown("tol"):
            log_slider("‖∇f‖ tolerance", self.k("tol"), *TOL_RANGE, on_change=on, locked=ed.locked("tol"))

    def range_control(self, s: SweepScenario, name: str, axis: Axis) -> None:
        lo, hi, log = param_bounds(s.runs[0].optimizer, axis.param)
        key = self.range_key(name, axis.low, axis.high)
        value = (axis.low, axis.high)
        given = self.editor.ctl(name, f"{name} range")
        if log:
            options = sorted({*log_options(lo, hi), *value})
            st.select_slider(options=options, value=value, key=key, on_change=self.changed, format_func=lambda v: f"{v:g}",
                             **given)
        else:
            st.slider(min_value=float(lo), max_value=float(hi), value=value, key=key, step=(hi - lo) / 1000, format="%.4g",
                      on_change=self.changed, **given)
