"""gradscape's page script: the navigation between the views (each lives in pages/).

`streamlit run app.py` serves this script through app.py's `st.App`, which warms the default
scenario at server start; tests (AppTest) run this script directly.
"""

import streamlit as st

from gradscape.trajectories import runtime
from gradscape.ui import classroom
from gradscape.ui.frame import app_icon
from gradscape.ui.routing import DEFAULT_PAGE_PATH

runtime.configure()  # once per process: float64 available, one XLA device per core, the compilation cache
app_icon()
navigation = st.navigation(
    [
        st.Page("pages/playground.py", title="Playground", icon=":material/sports_score:", default=True, url_path=DEFAULT_PAGE_PATH),
        st.Page("pages/lessons.py", title="Lessons", icon=":material/school:", url_path="lessons"),
        st.Page("pages/sweeps.py", title="Sweeps", icon=":material/grid_on:", url_path="sweeps"),
        st.Page("pages/schedules.py", title="Schedules", icon=":material/show_chart:", url_path="schedules"),
        st.Page("pages/optimizers.py", title="Optimizer reference", icon=":material/menu_book:", url_path="optimizers"),
        st.Page("pages/networks.py", title="Neural net", icon=":material/hub:", url_path="networks"),
        st.Page("pages/class.py", title="Class", icon=":material/groups:", url_path=classroom.BOARD_PATH),
        st.Page("pages/join.py", title="Join", icon=":material/login:", url_path=classroom.JOIN_PATH),
    ],
    position="top",
)
navigation.run()
classroom.keep_cookie()  # after the page: a page that switches to another leaves it to that one
