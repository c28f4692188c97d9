"""Join: a student joins a class with its code and a display name, then explores and submits in the Playground."""

import streamlit as st

from gradscape.ui import classroom
from gradscape.ui.frame import page_frame
from gradscape.viz.text import plain

page_frame("Join a class")
st.title("Join a class")
held = classroom.seat()
if held is not None and classroom.just_joined():
    st.switch_page("pages/playground.py")
if held is not None:
    st.success(plain(f"You are in class {held.code} as {held.name}."), icon=":material/groups:")
    st.page_link("pages/playground.py", label="Back to the Playground", icon=":material/sports_score:")
    st.button("Leave this class", on_click=classroom.leave)
else:
    classroom.join_form(st.query_params.get("code", ""))
