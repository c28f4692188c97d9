"""Optimizer reference: the rule, hyperparameters, reference, source, and its internals live."""

from __future__ import annotations

from itertools import groupby

import streamlit as st

from gradscape import optimizers
from gradscape.optimizers.source import Source, builder_sources, called_sources
from gradscape import trajectories as tr
from gradscape.trajectories.scenario import PALETTE
from gradscape.ui.frame import page_frame
from gradscape.ui.guard import COMPUTE_ERRORS, failure
from gradscape.ui.landscape_picker import landscape_picker, seed_picker
from gradscape.ui.state import warn_unused_link
from gradscape.trajectories.engine import LR_RANGE
from gradscape.ui.widgets import hyper_slider, log_slider
from gradscape.viz.figures import contour_figure
from gradscape.viz.internals import internals_figures, internals_run

FAMILY_ORDER = ("gradient descent", "adaptive learning rate", "adaptive moment", "multi-buffer / wrappers")
KEYS = sorted(optimizers.REGISTRY, key=lambda k: (FAMILY_ORDER.index(optimizers.get(k).family) if optimizers.get(k).family in FAMILY_ORDER else 9, optimizers.get(k).name))


def label(key: str) -> str:
    info = optimizers.get(key)
    return f"{info.family} · {info.name}"


@st.cache_data(max_entries=256, show_spinner=False)
def sources(key: str) -> tuple[tuple[Source, ...], tuple[Source, ...]]:
    info = optimizers.get(key)
    return builder_sources(info), called_sources(info)


def describe(slot: int, key: str, landscape: str, steps: int) -> None:
    info = optimizers.get(key)
    color = PALETTE[slot]
    st.subheader(info.name)
    st.caption(f"{info.family} — {info.reference}")
    st.latex(info.rule_latex)
    if info.notes:
        st.info(info.notes)
    rows = [{"parameter": "learning_rate η₀", "default": info.default_lr, "range": "1e-06 … 100", "scale": "log"}]
    rows += [{"parameter": f"{h.name} {h.label}".strip(), "default": h.default, "range": f"{h.low:g} … {h.high:g}",
              "scale": "log" if h.log else "linear"} for h in info.hypers]
    st.dataframe(rows, hide_index=True, width="stretch")
    own, called = sources(key)
    with st.expander("Implementation source"):
        if info.defined_by:
            st.caption("The wrapper's transform, then the builder of the optimizer it wraps.")
        for part in own:
            st.caption(f"`{part.qualified}`")
            st.code(part.code, language="python")
    with st.expander(f"Code it calls: {len(called)} functions and classes"):
        for module, parts in groupby(called, key=lambda part: part.module):
            st.caption(f"`{module}`")
            st.code("\n\n".join(part.code for part in parts), language="python")
    with st.expander("Hyperparameters for the live run", expanded=False):
        lr = log_slider("η₀", f"ref_{slot}_{key}_lr", *LR_RANGE, default=info.default_lr)
        hyper = tuple((h.name, hyper_slider(h, f"ref_{slot}_{key}_{h.name}")) for h in info.hypers)
    try:
        record = internals_run(landscape, key, lr, hyper, steps)
    except COMPUTE_ERRORS as err:
        st.error(failure(err))
        return
    st.plotly_chart(contour_figure(landscape, [(info.name, color, record)], height=360), width="stretch", key=f"ref_map_{slot}")
    st.caption(f"Final loss {record.losses[0, -1]:.4g} — {record.status_text()}")
    for title, figure in internals_figures(record, color).items():
        st.markdown(f"**{title}**")
        st.plotly_chart(figure, width="stretch", key=f"ref_{slot}_{title}")


page_frame("Optimizer reference")
st.title("Optimizer reference")
warn_unused_link()
top = st.columns([2, 2, 2, 1])
key = top[0].selectbox("Optimizer", KEYS, index=KEYS.index("adam"), format_func=label, key="ref_opt")
other = top[1].selectbox("Compare with", [None, *KEYS], format_func=lambda k: "—" if k is None else label(k), key="ref_other")
if "ref_ls.value" not in st.session_state:
    seed_picker("ref_ls", "rosenbrock")
custom_area = st.container()
with top[2]:
    landscape = landscape_picker("ref_ls", custom_area=custom_area)
steps = int(top[3].number_input("Steps", 10, tr.MAX_STEPS, 300, step=10, key="ref_steps"))

chosen = [key] if other is None else [key, other]
for slot, (column, k) in enumerate(zip(st.columns(len(chosen)), chosen)):
    with column:
        describe(slot, k, landscape, steps)
