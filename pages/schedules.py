"""Schedules: compare learning-rate curves over T steps, grouped by family, with formulas.

The page's state is a Scenario whose runs carry the schedules (one curve per run), so it shares
the Playground's link format and a curve can be opened in the Playground as it is.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from gradscape import schedules
from gradscape.schedules.presets import PRESETS as RAW_PRESETS
from gradscape import trajectories as tr
from gradscape.trajectories.scenario import MAX_RUNS, PALETTE, RUN_KEY, RunSpec, Scenario, from_query, to_query
from gradscape.ui.frame import page_frame
from gradscape.ui.guard import COMPUTE_ERRORS, failure
from gradscape.ui.state import link_query, show_link_warnings, unused_keys
from gradscape.trajectories.engine import LR_RANGE
from gradscape.ui.widgets import hyper_slider, log_slider
from gradscape.viz.lines import Series, line_figure

MIN_T = 10
PAGE_KEYS = ("ls", "steps", "logy")  # and the runs: what this page reads from a link
FAMILY_ORDER = {f: i for i, f in enumerate(schedules.FAMILIES)}
KEYS = sorted(schedules.REGISTRY, key=lambda k: (FAMILY_ORDER[schedules.get(k).family], schedules.get(k).name))


def label(key: str) -> str:
    info = schedules.get(key)
    return f"{info.family} · {info.name}"


def load(scenario: Scenario) -> None:
    """Put a scenario's schedules into the widgets' state."""
    st.session_state["sched_keys"] = [r.schedule for r in scenario.runs]
    st.session_state["sched_T"] = scenario.steps
    st.session_state["sched_logy"] = scenario.log_loss
    for i, run in enumerate(scenario.runs):
        info = schedules.get(run.schedule)
        st.session_state[f"sched_{i}_lr"] = run.lr
        for h, value in info.resolve(dict(run.schedule_params)).items():
            st.session_state[f"sched_{i}_{run.schedule}_{h}"] = value


def load_preset() -> None:
    preset = PRESETS.get(st.session_state["sched_preset"])
    if preset is not None:
        load(preset)


def _preset_scenarios() -> dict[str, Scenario]:
    """The catalogue's presets as page states (η₀ from the preset, 0.1 where it leaves it open)."""
    out = {}
    for preset in RAW_PRESETS.values():
        runs = tuple(RunSpec("sgd", preset.lr or 0.1, schedule=key, schedule_params=tuple(params.items()), label=lab)
                     for key, params, lab in preset.entries)
        out[preset.name] = Scenario(runs=runs[:MAX_RUNS], steps=preset.T, log_loss=False)
    return out


PRESETS = _preset_scenarios()
DEFAULT = PRESETS[RAW_PRESETS["five-policies"].name]


def _read_here(key: str) -> bool:
    return key in PAGE_KEYS or bool(RUN_KEY.fullmatch(key))


def from_link() -> tuple[Scenario, list[str]]:
    """The page state a link describes, with a warning for everything it ignores: the
    Playground's settings this page has no use for, a schedule named twice (each is one
    curve here), T below the page's minimum. A link without runs keeps the default curves."""
    query, warnings = link_query()
    if not query:
        return DEFAULT, []
    scenario, parsed = from_query({k: v for k, v in query.items() if _read_here(k)})
    warnings += parsed + unused_keys(query, _read_here)
    runs, seen = [], set()
    for run in scenario.runs:
        if run.schedule in seen:
            warnings.append(f"schedule '{schedules.get(run.schedule).name}' appears twice; this page shows each once, so the second is ignored.")
        else:
            seen.add(run.schedule)
            runs.append(run)
    if not any(RUN_KEY.fullmatch(k) for k in query):
        runs = list(DEFAULT.runs)
    steps = scenario.steps
    if steps < MIN_T:
        warnings.append(f"'steps={steps}' is below this page's minimum T = {MIN_T}; using {MIN_T}.")
        steps = MIN_T
    log_loss = scenario.log_loss if "logy" in query else DEFAULT.log_loss
    return replace(scenario, runs=tuple(runs), steps=steps, log_loss=log_loss), warnings


page_frame("Schedules")
st.title("Learning-rate schedules")
st.caption("Every schedule of the catalogue, as a pure function of the step k (0 = first update) and the run length T.")

if "sched_keys" not in st.session_state:
    scenario, warnings = from_link()
    show_link_warnings(warnings)
    load(scenario)

top = st.columns([2, 1, 1, 1])
top[0].selectbox("Preset", ["—", *PRESETS], key="sched_preset", on_change=load_preset,
                 help="Seed 000's Noam and SGDR figures; seed 003's five policies.")
top[1].number_input("T (steps)", MIN_T, tr.MAX_STEPS, key="sched_T", step=10)
top[2].toggle("log y axis", key="sched_logy")
keys = st.multiselect("Schedules", KEYS, key="sched_keys", format_func=label, max_selections=MAX_RUNS)
T = int(st.session_state["sched_T"])
chart = st.container()

runs, curves, problems = [], [], []
for family in schedules.FAMILIES:
    members = [(i, k) for i, k in enumerate(keys) if schedules.get(k).family == family]
    if not members:
        continue
    st.subheader(family.capitalize())
    for i, key in members:
        info = schedules.get(key)
        with st.expander(info.name, expanded=len(keys) <= 3):
            st.latex(info.latex)
            st.markdown(f"**When:** {info.when}  \n**Reference:** {info.reference}")
            cols = st.columns(3)
            with cols[0]:
                lr = log_slider("η₀", f"sched_{i}_lr", *LR_RANGE, default=0.1)
            params = {}
            for j, h in enumerate(info.params):
                with cols[(j + 1) % 3]:
                    params[h.name] = hyper_slider(h, f"sched_{i}_{key}_{h.name}")
        run = RunSpec("sgd", lr, schedule=key, schedule_params=tuple(params.items()))
        runs.append(run)
        try:
            curves.append(Series(info.name, np.arange(T), tr.schedule_curve(key, T, lr, params), PALETTE[i % len(PALETTE)]))
        except COMPUTE_ERRORS as err:
            problems.append(f"{info.name}: {failure(err)}")
        if st.button("Open in the Playground", key=f"sched_{i}_send", help="The default Playground runs, all with this schedule."):
            target = replace(Scenario(), steps=T, runs=tuple(replace(r, schedule=key, schedule_params=run.schedule_params) for r in Scenario().runs))
            st.switch_page("pages/playground.py", query_params=to_query(target))

with chart:
    for p in problems:
        st.error(p)
    if curves:
        figure = line_figure(curves, y_title="learning rate η_k", log_y=st.session_state["sched_logy"], height=440)
        st.plotly_chart(figure, width="stretch", key="schedule_curves")
    else:
        st.info("Choose one or more schedules above.")
st.query_params.from_dict(to_query(Scenario(runs=tuple(runs), steps=T, log_loss=st.session_state["sched_logy"])))
