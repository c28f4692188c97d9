"""The Playground's controls, as views of one Scenario: landscape, 1–8 runs, start points and
steps, display.

Widgets never own state: before they are drawn, `seed` writes the current scenario into their
session keys; a change calls back `Editor.changed`, which reads the keys into a new scenario and
commits it (validated). Structural edits (add, duplicate, remove a run; a map click; a start
point dragged on the map) are
callbacks that build the new scenario directly. The runs are listed one line each and edited one
at a time (picked by number), which keeps reruns light. Keys are `<prefix>.<field>` and
`<prefix>.r<i>.<field>`; optimizer and schedule parameters include the optimizer or schedule in
the key, so switching optimizer starts from that optimizer's defaults. Where an exercise locks a
control (`Editor.mark`: a SCENARIO key, "run.<key>" or "r", classroom/exercise.py) it is drawn disabled
with a lock; where it hides one, it is not drawn. The page's commit guard refuses any change to them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace
from typing import Callable

import streamlit as st

from gradscape import optimizers
from gradscape import schedules
from gradscape.classroom.exercise import FREE, HIDDEN, LOCKED, RUN_PREFIX, RUNS
from gradscape.landscapes.base import DataSet
from gradscape.trajectories import engine, typed
from gradscape.trajectories.scenario import (
    MAX_LABEL, MAX_RUNS, MAX_STARTS, PALETTE, SCENARIO, VIEWS, RunSpec, Scenario, drawn_colors, format_starts, free_color,
    kept_colors,
)
from gradscape.ui import rates
from gradscape.ui.fields import read_widgets, seed_widgets
from gradscape.ui.landscape_picker import landscape_picker, picked, seed_picker
from gradscape.ui.state import ScenarioState
from gradscape.ui.widgets import hyper_slider, lockable, log_slider, rate_input
from gradscape.viz.player import landscape_asset, run_trace
from gradscape.viz.text import plain

VIEW_NAMES = {"2d": "2-D", "3d": "3-D", "both": "both"}
CLICK_MODES = {"set": "sets start", "add": "adds start"}


def moved_to(s: Scenario, landscape: str) -> Scenario:
    """`s` on another landscape: that landscape's default starts, no batch sizes."""
    return replace(s, landscape=landscape, starts=(), batch_size=None, runs=tuple(replace(run, batch_size=None) for run in s.runs))


def warm_runs(s: Scenario, landscape: str) -> None:
    """What the Playground draws first when `s` moves to `landscape`: its switched-on runs there and
    the landscape's grid, into the shared caches (run by the build queue, charged to the session that asked)."""
    moved = moved_to(s, landscape)
    for i, run in enumerate(moved.runs):
        if run.enabled:
            run_trace(moved, i)
    landscape_asset(landscape)


class Editor:
    """Widgets for one page's scenario, under session keys starting with `prefix`."""

    def __init__(self, state: ScenarioState, prefix: str) -> None:
        self.state = state
        self.p = prefix
        self.notes_key = f"{prefix}.notes"
        self.mark: Callable[[str], str] = lambda key: FREE  # an exercise's lock on a control (set by the page)

    # ---- an exercise's locks ----
    def locked(self, key: str) -> bool:
        return self.mark(key) == LOCKED

    def shown(self, key: str) -> bool:
        return self.mark(key) != HIDDEN

    def ctl(self, key: str, label: str, help: str | None = None) -> dict:
        """A control's label, disabled flag and help, as an exercise's lock on `key` makes them."""
        return lockable(label, self.locked(key), help)

    # ---- keys ----
    def k(self, name: str) -> str:
        return f"{self.p}.{name}"

    def rk(self, i: int, name: str) -> str:
        return f"{self.p}.r{i}.{name}"

    def lr_key(self, i: int, opt: str) -> str:
        return self.rk(i, f"lr.{opt}")

    def hyper_key(self, i: int, opt: str, name: str) -> str:
        return self.rk(i, f"h.{opt}.{name}")

    def sched_key(self, i: int, sched: str, name: str) -> str:
        return self.rk(i, f"s.{sched}.{name}")

    # ---- notes shown on the next run (errors from callbacks) ----
    def note(self, text: str) -> None:
        st.session_state.setdefault(self.notes_key, []).append(text)

    def pop_notes(self) -> list[str]:
        return st.session_state.pop(self.notes_key, [])

    # ---- scenario -> widget state ----
    def seed(self, s: Scenario) -> None:
        """Write `s` into the widgets' keys (every run, before any widget is drawn)."""
        seed_picker(self.k("ls"), s.landscape)
        seed_widgets(SCENARIO, s, self.p)
        self.seed_run(s)

    def seed_run(self, s: Scenario) -> None:
        """Write the edited run of `s` into its editor's keys."""
        ss = st.session_state
        i = self.edited(s)
        run = s.runs[i]
        opt = optimizers.get(run.optimizer)
        sched = schedules.get(run.schedule)
        ss[self.rk(i, "on")] = run.enabled
        ss[self.rk(i, "label")] = run.label
        ss[self.rk(i, "color")] = s.color(i)
        ss[self.rk(i, "opt")] = run.optimizer
        data = self.data_of(s)
        if data is not None:
            ss[self.rk(i, "B")] = s.batch_of(i) or data.size
        ss[self.lr_key(i, run.optimizer)] = run.lr
        for name, value in opt.resolve(dict(run.hyper)).items():
            ss[self.hyper_key(i, run.optimizer, name)] = int(value) if opt.hyper(name).integer else value
        ss[self.rk(i, "s")] = run.schedule
        params = {h.name: h for h in sched.params}
        for name, value in {**sched.defaults(), **dict(run.schedule_params)}.items():
            ss[self.sched_key(i, run.schedule, name)] = int(value) if params[name].integer else value

    def edited(self, s: Scenario) -> int:
        """The index of the run whose editor is shown (kept in range). It lives under `<prefix>.edited`, which
        no widget owns: the sidebar's picker (`edit`) and presentation's (`pick`) are seeded from it and write it."""
        ss = st.session_state
        i = ss.get(self.k("edited"))
        if not isinstance(i, int) or not 0 <= i < len(s.runs):
            i = ss[self.k("edited")] = 0
        ss[self.k("edit")] = ss[self.k("pick")] = i
        return i

    def pick(self, key: str) -> None:
        """A run picker's callback: its run becomes the edited one."""
        st.session_state[self.k("edited")] = st.session_state[key]

    # ---- widget state -> scenario ----
    def data_of(self, s: Scenario) -> DataSet | None:
        """The data set whose mini-batches a run's own batch size picks from (None: no batch sizes)."""
        return typed.landscape(s.landscape).data

    def _run_from_widgets(self, s: Scenario, i: int) -> RunSpec:
        """Run i as its editor shows it (only the edited run has widgets). Its batch size is its
        own only when it differs from the scenario's, so the scenario's stays its default."""
        ss = st.session_state
        data = self.data_of(s)
        batch = s.runs[i].batch_size
        if data is not None and self.rk(i, "B") in ss:
            b = int(ss[self.rk(i, "B")])
            batch = None if b == (s.batch_size or data.size) else b
        opt_key = ss[self.rk(i, "opt")]
        opt = optimizers.get(opt_key)
        sched_key = ss[self.rk(i, "s")]
        sched = schedules.get(sched_key)
        hyper = tuple(
            (h.name, v) for h in opt.hypers if (v := float(ss.get(self.hyper_key(i, opt_key, h.name), h.default))) != h.default
        )
        params = tuple(
            (h.name, v) for h in sched.params if (v := float(ss.get(self.sched_key(i, sched_key, h.name), h.default))) != h.default
        )
        color = ss.get(self.rk(i, "color"), "")
        return RunSpec(
            optimizer=opt_key,
            learning_rate=float(ss.get(self.lr_key(i, opt_key), opt.default_lr)),
            hyper=hyper,
            schedule=sched_key,
            schedule_params=params,
            label=ss.get(self.rk(i, "label"), "").strip()[:MAX_LABEL],
            color="" if color.lower() == PALETTE[i % len(PALETTE)].lower() else color,
            enabled=bool(ss.get(self.rk(i, "on"), True)),
            batch_size=batch,
        )

    def runs_from_widgets(self, s) -> tuple[RunSpec, ...]:
        """The runs with the edited one as its editor shows it."""
        return tuple(self._run_from_widgets(s, i) if i == self.edited(s) else run for i, run in enumerate(s.runs))

    def from_widgets(self, s: Scenario) -> Scenario:
        """The scenario the widgets show; raises ValueError for a bad typed start point. On another
        landscape the start points and batch size are that landscape's defaults."""
        ls_key = picked(self.k("ls"))
        runs = self.runs_from_widgets(s)
        if ls_key != s.landscape:
            return moved_to(read_widgets(SCENARIO, replace(s, runs=runs), self.p, skip=("start", "batch")), ls_key)
        return read_widgets(SCENARIO, replace(s, runs=runs), self.p)

    # ---- callbacks ----
    def _commit(self, s: Scenario) -> None:
        try:
            self.state.commit(s)
        except ValueError as err:
            self.note(str(err))

    def changed(self) -> None:
        """Commit what the widgets show; on another landscape each run gets a rate suited to it (ui/rates.py)."""
        old = self.state.current
        try:
            s = self.from_widgets(old)
        except ValueError as err:
            self.note(str(err))
            return
        if isinstance(s, Scenario) and s.landscape != old.landscape:
            s, notice = rates.propose(s, [old.label(i) for i in range(len(old.runs))])
            rates.remember(self.p, notice)
        self._commit(s)

    # Structural edits keep every run's colour: a new run gets the first colour nobody is drawn in.
    def add_run(self) -> None:
        s = self.state.current
        used = {r.optimizer for r in s.runs}
        key = next((k for k in optimizers.REGISTRY if k not in used), next(iter(optimizers.REGISTRY)))
        new = RunSpec(key, optimizers.get(key).default_lr, color=free_color(s.runs))
        self._commit(replace(s, runs=kept_colors(drawn_colors(s.runs) + (new,))))
        st.session_state[self.k("edited")] = len(self.state.current.runs) - 1

    def duplicate_run(self, i: int) -> None:
        """A copy right after run i, in a colour of its own; labels tell the two apart (scenario.run_labels)."""
        s = self.state.current
        runs = drawn_colors(s.runs)
        copy = replace(runs[i], color=free_color(s.runs))
        self._commit(replace(s, runs=kept_colors(runs[: i + 1] + (copy,) + runs[i + 1 :])))
        st.session_state[self.k("edited")] = min(i + 1, len(self.state.current.runs) - 1)

    def remove_run(self, i: int) -> None:
        s = self.state.current
        runs = drawn_colors(s.runs)
        self._commit(replace(s, runs=kept_colors(runs[:i] + runs[i + 1 :])))
        st.session_state[self.k("edited")] = max(0, i - 1)

    def use_default_start(self) -> None:
        s = self.state.current
        choice = st.session_state.get(self.k("default_start"))
        st.session_state[self.k("default_start")] = None
        if choice is None:
            return
        ls = typed.landscape(s.landscape)
        starts = ls.starts if choice == "all" else (ls.starts[choice],)
        self._commit(replace(s, starts=tuple(starts)))

    def map_point(self, x: object, y: object, what: str) -> tuple[tuple[float, float], ...] | None:
        """A point the map sent (by a `what`: click or drag) as a one-start tuple, checked like a link's and
        rounded to a thousandth of the domain; None, with a note, where it is unreadable, outside the
        domain, or an exercise locks the start points."""
        s = self.state.current
        if self.mark("start") != FREE:
            self.note(f"The start points are locked by your teacher; the {what} changes nothing.")
            return None
        try:
            point = (float(x), float(y))
        except (TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond float's range
            self.note(f"The map sent an unreadable point ({x!r}, {y!r}).")
            return None
        (x0, x1), (y0, y1) = typed.landscape(s.landscape).domain
        digits = max(0, math.ceil(3 - math.log10(max(x1 - x0, y1 - y0))))  # a thousandth of the domain
        try:
            return SCENARIO.by_key["start"].kind.from_widget(f"{point[0]:.{digits}f},{point[1]:.{digits}f}", s)
        except ValueError as err:
            self.note(str(err))
            return None

    def set_start(self, x: object, y: object) -> None:
        """A start point from a map click: replaces the starts or adds one (per the Map click mode)."""
        starts = self.map_point(x, y, "click")
        if starts is None:
            return
        s = self.state.current
        if st.session_state.get(self.k("click")) == "add":
            starts = (s.start_points + starts)[-MAX_STARTS:]
        self._commit(replace(s, starts=starts))

    def move_start(self, index: object, x: object, y: object) -> None:
        """A start point dragged on the map: start `index` moves to (x, y), checked as a click's point is;
        the other starts stay where they are."""
        s = self.state.current
        points = s.start_points
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(points):
            self.note(f"The map moved a start point that is not there ({index!r}).")
            return
        moved = self.map_point(x, y, "drag")
        if moved is not None:
            self._commit(replace(s, starts=points[:index] + moved + points[index + 1 :]))

    # ---- widgets ----
    def landscape_controls(self, s: Scenario, network: Callable[[], None] | None = None, warm: bool = False) -> None:
        """The landscape picker (with "Neural net…" where `network` leaves for it) and what it teaches;
        `warm`: a new typed landscape's build also computes `s`'s runs on it (see `warm_runs`)."""
        ls = typed.landscape(s.landscape)
        if not self.shown("ls"):
            return
        if self.locked("ls"):
            st.selectbox(options=[ls.name], key=self.k("ls.locked"), **self.ctl("ls", "Landscape"))
        else:
            landscape_picker(self.k("ls"), self.changed, network=network, warm=functools.partial(warm_runs, s) if warm else None)
        st.caption(ls.teaches)

    def start_controls(self, s: Scenario) -> None:
        """Start points, steps, gradient noise, batch size (data landscapes only), seed."""
        on = self.changed
        ls = typed.landscape(s.landscape)
        if self.shown("start"):
            st.text_input(key=self.k("start"), on_change=on, placeholder=f"default: {format_starts(ls.starts[:1])}",
                          **self.ctl("start", "Start point(s)",
                                     f"x, y — several separated by ';' (up to {MAX_STARTS}). "
                                     "Or click the 2-D map, or drag a start there."))
        if self.mark("start") == FREE:
            st.selectbox(
                "Default starts", [*range(len(ls.starts)), "all"], index=None, key=self.k("default_start"),
                placeholder="Pick a default start…", on_change=self.use_default_start,
                format_func=lambda c: "all defaults" if c == "all" else format_starts((ls.starts[c],)),
            )
        if self.shown("steps"):
            st.number_input(min_value=1, max_value=engine.MAX_STEPS, key=self.k("steps"), step=50, on_change=on,
                            **self.ctl("steps", "Steps"))
        if self.shown("noise"):
            log_slider("Gradient noise σ", self.k("noise"), 1e-3, engine.MAX_NOISE, zero=True, on_change=on,
                       help="Gaussian noise added to every gradient the optimizers see.", locked=self.locked("noise"))
        if ls.data is not None and self.shown("batch"):
            st.number_input(min_value=1, max_value=ls.data.size, key=self.k("batch"), on_change=on,
                            **self.ctl("batch", f"Batch size (of {ls.data.size} samples)",
                                       "Mini-batch gradients; the full size means full-batch gradient descent."))
        if self.shown("seed"):
            st.number_input(min_value=0, max_value=2**31 - 1, key=self.k("seed"), on_change=on, **self.ctl("seed", "Seed"))

    def click_control(self) -> None:
        """What a click on the 2-D map does: set the start (the default) or add one (nothing where an exercise locks the start)."""
        if self.mark("start") != FREE:
            return
        st.segmented_control("Map click", list(CLICK_MODES), key=self.k("click"), format_func=CLICK_MODES.get,
                             required=True, default="set",
                             help=("Sets start: every run starts from the clicked point instead. "
                                   f"Adds start: one more start point (up to {MAX_STARTS})."))

    def display_controls(self, s: Scenario) -> None:
        if self.shown("view"):
            st.segmented_control(options=list(VIEWS), key=self.k("view"), format_func=VIEW_NAMES.get, on_change=self.changed,
                                 required=True, **self.ctl("view", "View"))
        if self.shown("logy"):
            st.toggle(key=self.k("logy"), on_change=self.changed,
                      **self.ctl("logy", "Log loss axis", "Plots f − f* on a log axis when the landscape's minimum value f* is known."))

    def rate_control(self, s: Scenario, i: int) -> None:
        """Run i's learning rate, dragged or typed (not drawn where an exercise hides it)."""
        if self.shown(RUN_PREFIX + "lr"):
            rate_input("Learning rate η", self.lr_key(i, s.runs[i].optimizer), *engine.LR_RANGE, on_change=self.changed,
                       color=s.color(i), locked=self.locked(RUN_PREFIX + "lr"))

    def run_summary(self, s: Scenario, i: int) -> str:
        """One line of markdown: colour, number, label, rate, schedule; struck through when off."""
        run = s.runs[i]
        text = f"**{i + 1}** {plain(run.display_label())} · η={run.lr:.3g}"
        if run.batch_size is not None:
            text += f" · B={run.batch_size}"
        if run.schedule != "constant":
            text += f" · {schedules.get(run.schedule).name}"
        if not run.enabled:
            text = f"~~{text}~~ (off)"
        return f'<span style="color:{s.color(i)}">●</span> {text}'

    def run_controls(self, s: Scenario) -> None:
        """The runs, one line each, and the editor of the one picked by number (where an exercise hides the
        list of runs: nothing; where it locks it: no adding, duplicating or removing)."""
        if not self.shown(RUNS):
            return
        on = self.changed
        st.markdown("  \n".join(self.run_summary(s, j) for j in range(len(s.runs))), unsafe_allow_html=True)
        i = st.segmented_control("Edit run", list(range(len(s.runs))), key=self.k("edit"), format_func=lambda j: str(j + 1),
                                 required=True, on_change=self.pick, args=(self.k("edit"),))
        run = s.runs[i]
        opt = optimizers.get(run.optimizer)
        sched = schedules.get(run.schedule)

        def shown(key: str) -> bool:
            return self.shown(RUN_PREFIX + key)

        def ctl(key: str, *args) -> dict:
            return self.ctl(RUN_PREFIX + key, *args)

        with st.container(border=True):
            cols = st.columns([1, 1, 3], vertical_alignment="center")
            if shown("on"):
                cols[0].toggle(key=self.rk(i, "on"), on_change=on,
                               **ctl("on", "on", "Switch the run off to hide it without losing its settings."))
            if shown("color"):
                cols[1].color_picker(key=self.rk(i, "color"), on_change=on, label_visibility="collapsed", **ctl("color", "colour"))
            if shown("label"):
                cols[2].text_input(key=self.rk(i, "label"), placeholder=s.label(i), on_change=on, label_visibility="collapsed",
                                   **ctl("label", "label",
                                         "The run's name in legends (empty: its optimizer, and what sets it apart from namesakes)."))
            if shown("opt"):
                st.selectbox(options=list(optimizers.REGISTRY), key=self.rk(i, "opt"), on_change=on,
                             format_func=lambda k: f"{optimizers.get(k).name} · {optimizers.get(k).family}", **ctl("opt", "Optimizer"))
            self.rate_control(s, i)
            data = self.data_of(s)
            if data is not None and shown("B"):
                st.number_input(min_value=1, max_value=data.size, key=self.rk(i, "B"), on_change=on,
                                **ctl("B", f"Batch size B (of {data.size})",
                                      "This run's mini-batch; the sidebar's batch size is the default of every run."))
            if shown("h"):
                for h in opt.hypers:
                    hyper_slider(h, self.hyper_key(i, run.optimizer, h.name), on_change=on, locked=self.locked(RUN_PREFIX + "h"))
            if shown("s"):
                st.selectbox(options=list(schedules.REGISTRY), key=self.rk(i, "s"), on_change=on,
                             format_func=lambda k: f"{schedules.get(k).name} · {schedules.get(k).family}", **ctl("s", "Schedule"))
            if shown("sp"):
                for h in sched.params:
                    hyper_slider(h, self.sched_key(i, run.schedule, h.name), on_change=on, locked=self.locked(RUN_PREFIX + "sp"))
            if self.mark(RUNS) == FREE:
                b1, b2 = st.columns(2)
                b1.button("Duplicate", key=self.k("dup"), on_click=self.duplicate_run, args=(i,),
                          disabled=len(s.runs) >= MAX_RUNS, width="stretch")
                b2.button("Remove", key=self.k("del"), on_click=self.remove_run, args=(i,),
                          disabled=len(s.runs) <= 1, width="stretch")
        if self.mark(RUNS) == FREE:
            st.button("Add run", key=self.k("add"), on_click=self.add_run, disabled=len(s.runs) >= MAX_RUNS,
                      icon=":material/add:", width="stretch")
        elif self.locked(RUNS):
            st.caption(":material/lock: The list of runs is locked by your teacher.")


def click_handler(editor: Editor, player_key: str) -> Callable[[], None]:
    """The player's click callback: the clicked point becomes the start (validated)."""

    def on_click() -> None:
        click = st.session_state[player_key].click
        if isinstance(click, dict):
            editor.set_start(click.get("x"), click.get("y"))

    return on_click


def drag_handler(editor: Editor, player_key: str) -> Callable[[], None]:
    """The player's drag callback: the dragged start point moves where it was dropped (validated)."""

    def on_drag() -> None:
        drag = st.session_state[player_key].drag
        if isinstance(drag, dict):
            editor.move_start(drag.get("index"), drag.get("x"), drag.get("y"))

    return on_drag
