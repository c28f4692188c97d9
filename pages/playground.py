"""Playground (first version): one landscape, one optimizer, its path on the contour map."""

import streamlit as st

import landscapes
import optimizers
import trajectories as tr
from viz.figures import contour_figure

st.title("optiviz")
left, right = st.columns([1, 3])
with left:
    landscape = st.selectbox("Landscape", list(landscapes.REGISTRY), format_func=lambda k: landscapes.get(k).name, index=1)
    optimizer = st.selectbox("Optimizer", list(optimizers.REGISTRY), format_func=lambda k: optimizers.get(k).name, index=3)
    lr = st.number_input("Learning rate η", min_value=1e-5, max_value=10.0, value=optimizers.get(optimizer).default_lr, format="%.5f")
    steps = st.slider("Steps", 10, tr.MAX_STEPS, 500, step=10)
try:
    record = tr.run(landscape, optimizer, learning_rate=lr, steps=steps)
except ValueError as err:
    st.error(str(err))
    st.stop()
with left:
    st.metric("Final loss", f"{record.losses[0, -1]:.4g}")
    st.caption(record.status_text())
with right:
    st.plotly_chart(contour_figure(landscape, [(optimizers.get(optimizer).name, "#e6194b", record)]), width="stretch")
