"""Lessons: the seeds' experiments as one-click scenarios, each with a verdict computed live.

`?lesson=<slug>` opens a lesson directly. The player is the Playground's, sized for a
projector; "Open in the Playground" carries the lesson's scenario over to play with further.
"""

from __future__ import annotations

import streamlit as st

import lessons
from lessons.base import Finding, Lesson
from trajectories.net_scenario import to_query as net_query
from ui import player
from ui.export_menu import export_menu
from ui.frame import page_frame
from ui.markdown import short_plain
from ui.state import link_query, unused_keys
from viz.player import RunTrace, run_trace

PLAYER_KEY = "lesson.player"
VERDICT_STYLE = {"confirmed": ("success", ":material/check_circle:"), "partly confirmed": ("warning", ":material/rule:"),
                 "not confirmed": ("error", ":material/cancel:")}

page_frame("Lessons")


@st.cache_data(max_entries=32, show_spinner="Running the lesson's experiment…")
def finding(slug: str) -> Finding:
    """A lesson's verdict: deterministic, so computed once per server for every visitor."""
    return lessons.get(slug).check()


def pick() -> Lesson:
    slugs = [lesson.slug for lesson in lessons.LESSONS]
    query, warnings = link_query()
    wanted = query.get("lesson", slugs[0])
    if wanted not in slugs:
        warnings.append(f"there is no lesson '{wanted}'; showing the first one.")
        wanted = slugs[0]
    for text in warnings + unused_keys(query, lambda k: k == "lesson"):
        st.warning(f"Link: {short_plain(text)}", icon=":material/link_off:")
    if st.session_state.get("lesson.slug") not in slugs or "lesson.linked" not in st.session_state:
        st.session_state["lesson.slug"] = wanted
        st.session_state["lesson.linked"] = True
    slug = st.selectbox("Lesson", slugs, key="lesson.slug",
                        format_func=lambda s: f"{lessons.get(s).number}. {lessons.get(s).title}")
    st.query_params.from_dict({"lesson": slug})
    return lessons.get(slug)


def lesson_traces(lesson: Lesson) -> list[tuple[int, RunTrace]]:
    s = lesson.scenario
    return [(i, run_trace(s, i)) for i, run in enumerate(s.runs) if run.enabled]


def show_verdict(result: Finding) -> None:
    kind, icon = VERDICT_STYLE[result.verdict]
    getattr(st, kind)(f"**This run: {result.verdict}**", icon=icon)
    for check in result.checks:
        mark = ":green[✓ holds]" if check.holds else ":red[✗ does not hold]"
        st.markdown(f"- {mark} — *{check.claim}*  \n  {check.measured}")
    if result.explanation:
        st.markdown(f"**Why:** {result.explanation}")


picker, opener, export_box = st.columns([4, 1, 0.8], vertical_alignment="bottom")
with picker:
    lesson = pick()
if lesson.scenario is not None and opener.button("Open in the Playground", icon=":material/open_in_new:", width="stretch",
                                                 help="Play with this scenario further."):
    st.switch_page("pages/playground.py", query_params=lesson.query())
if lesson.network is not None and opener.button("Open on the Neural net page", icon=":material/open_in_new:", width="stretch",
                                                help="Train this setting and see its plane."):
    st.switch_page("pages/networks.py", query_params=net_query(lesson.network))
st.subheader(f"{lesson.number}. {lesson.title} — {lesson.question}")
if lesson.scenario is not None:
    traces = lesson_traces(lesson)
    player.render(player.player_data(lesson.scenario, traces, zoom=lesson.zoom), key=PLAYER_KEY, on_click=lambda: None)
    with export_box:
        export_menu(lesson.scenario, traces, key="lesson.export", title=f"Lesson {lesson.number} {lesson.title}", zoom=lesson.zoom)
text, claim = st.columns(2)
with text:
    st.markdown(f"**Setup.** {lesson.setup}")
    st.markdown(f"**What to look for.** {lesson.look_for}")
with claim:
    st.markdown(f"**What the source claims.** {lesson.claim}")
    st.caption(f"Source: {lesson.source}")
result = finding(lesson.slug)
show_verdict(result)
for chart_row in range(0, len(result.charts), 2):
    for column, chart in zip(st.columns(2), result.charts[chart_row : chart_row + 2]):
        column.plotly_chart(chart.figure(), width="stretch", key=f"lesson.chart.{chart.title}")
