"""Lessons: the seeds' experiments as one-click scenarios, each with a verdict computed live.

`?lesson=<slug>` opens a lesson directly (`&present=1` in presentation mode: the player fills the
screen, the claim and the verdict in large type). The player is the Playground's; its map sets no
start (a lesson's starts are its own), but where a lesson's runs start from several points, one
run's paths can be coloured and labelled by start point (viz/starts.py). "Reset lesson" brings back
the lesson's own view (camera, zoom, playhead, paths by run); "Open in the Playground" carries the
lesson's scenario over to play with further. "Use as exercise" gives a teacher the lesson's ready-made
question as a student link (ui/exercise.py); opened with `ex=`, the page asks it first and shows the
paths, the claim and the verdict once the student has answered.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from gradscape import lessons
from gradscape.lessons.base import Finding, Lesson
from gradscape.lessons.references import cited
from gradscape.trajectories import budget
from gradscape.trajectories.net_scenario import to_query as net_query
from gradscape.ui import player, presentation
from gradscape.ui.exercise import LessonLink, Student, lesson_dialog
from gradscape.ui.export_menu import export_menu
from gradscape.ui.frame import page_frame, title_row
from gradscape.trajectories.scenario import Scenario
from gradscape.ui.share import share_box
from gradscape.ui.state import link_query, show_link_warnings, unused_keys
from gradscape.viz.player import RunTrace, run_trace
from gradscape.viz.starts import by_start, starts_summary

PLAYER_KEY = "lesson.player"
COLOUR_KEY = "lesson.colour"
RUN_KEY = "lesson.run"
RESETS = "lesson.resets"
BY_START = "start point"
PRESENT_KEY = "lesson.present"
SLUG_KEY = "lesson.slug"
PICKER_PX = 300  # the lesson picker in the title row: a short title whole, a long one cut in the box (whole in its list)
CLAIM_PX = 250  # while presenting, the claim and the verdict stay in view under the player
VERDICT_STYLE = {"confirmed": ("success", ":material/check_circle:"), "partly confirmed": ("warning", ":material/rule:"),
                 "not confirmed": ("error", ":material/cancel:")}

page_frame("Lessons")


@st.cache_data(max_entries=32, show_spinner="Running the lesson's experiment…")
def finding(slug: str) -> Finding:
    """A lesson's verdict: deterministic, so computed once per server for every visitor (no session's CPU budget pays)."""
    with budget.unmetered():
        return lessons.get(slug).check()


def pick() -> tuple[Lesson, Student]:
    """The lesson of the link (`lesson=`, and `present=1` for presentation mode) on the session's first run, then the
    picker's, or the exercise's (`ex=`), which hides the picker; and the page's exercise."""
    slugs = [lesson.slug for lesson in lessons.LESSONS]
    query, warnings = link_query()
    wanted = query.get("lesson", slugs[0])
    if wanted not in slugs:
        warnings.append(f"there is no lesson '{wanted}'; showing the first one.")
        wanted = slugs[0]
    present = query.get("present", "0")
    if present not in ("0", "1"):
        warnings.append(f"'present={present}' should be 0 or 1; using 0.")
    holder = LessonLink(query, "lesson", SLUG_KEY)
    student = Student("lesson", "lessons", holder)
    show_link_warnings(warnings + holder.warnings + unused_keys(query, lambda k: k in ("lesson", "present", "ex")))
    if st.session_state.get(SLUG_KEY) not in slugs or "lesson.linked" not in st.session_state:
        st.session_state[SLUG_KEY] = wanted
        st.session_state[PRESENT_KEY] = present == "1"
        st.session_state["lesson.linked"] = True
    if student.exercise is not None:
        slug = st.session_state[SLUG_KEY] = student.exercise.base
    else:
        slug = st.selectbox("Lesson", slugs, key=SLUG_KEY, width=PICKER_PX,
                            format_func=lambda s: f"{lessons.get(s).number}. {lessons.get(s).title}")
    st.query_params.from_dict({**link(slug), **holder.query()})
    return lessons.get(slug), student


def link(slug: str) -> dict[str, str]:
    """This page's link for lesson `slug`, in presentation mode when it is on."""
    return {"lesson": slug, **presenting()}


def presenting() -> dict[str, str]:
    """`present=1` while presenting (for this page's link and the pages a lesson opens), else nothing."""
    return {"present": "1"} if st.session_state.get(PRESENT_KEY) else {}


def lesson_traces(lesson: Lesson) -> list[tuple[int, RunTrace]]:
    s = lesson.scenario
    with budget.unmetered():  # fixed runs, computed once per server
        return [(i, run_trace(s, i)) for i, run in enumerate(s.runs) if run.enabled]


def reset_lesson() -> None:
    """Back to the lesson's own view: paths by run, and a fresh player (the lesson's camera, zoom and playhead)."""
    st.session_state[RESETS] = st.session_state.get(RESETS, 0) + 1
    for key in (COLOUR_KEY, RUN_KEY):
        st.session_state.pop(key, None)


def paths_by(s: Scenario, traces: list[tuple[int, RunTrace]]) -> tuple[Scenario, list[tuple[int, RunTrace]]]:
    """Where the runs start from several points, the control that colours one run's paths by start point;
    the scenario and traces the player then shows."""
    if len(s.start_points) < 2:
        return s, traces
    by, which = st.columns([2, 3], vertical_alignment="bottom")
    mode = by.segmented_control("Colour the paths by", ["run", BY_START], default="run", required=True, key=COLOUR_KEY)
    if mode != BY_START:
        which.caption(f"Each run draws {len(s.start_points)} paths, from {starts_summary(s.start_points)}. Colour the "
                      "paths by start point to tell them apart.")
        return s, traces
    shown = dict(traces)
    i = which.selectbox("Run", list(shown), format_func=s.label, key=RUN_KEY)
    return by_start(s, i, shown[i])


def show_verdict(result: Finding) -> None:
    kind, icon = VERDICT_STYLE[result.verdict]
    getattr(st, kind)(f"**This run: {result.verdict}**", icon=icon)
    for check in result.checks:
        mark = ":green[✓ holds]" if check.holds else ":red[✗ does not hold]"
        st.markdown(f"- {mark} — *{check.claim}*  \n  {check.measured}")
    if result.explanation:
        st.markdown(f"**Why:** {result.explanation}")


picker, opener, teach, reset_box, share, export_box, present = title_row(None, 7)
with picker:
    lesson, student = pick()
presentation.apply(bool(presenting()), below_px=CLAIM_PX)
with share.popover("Copy link", icon=":material/link:"):
    share_box({**link(lesson.slug), **student.holder.query()}, "this lesson")
presentation.toggle(present, PRESENT_KEY)
if not student.hiding:  # the other pages show the paths
    if lesson.scenario is not None and opener.button("Open in the Playground", icon=":material/open_in_new:",
                                                     help="Play with this scenario further."):
        st.switch_page("pages/playground.py", query_params={**lesson.query(), **presenting()})
    if lesson.network is not None and opener.button("Open on the Neural net page", icon=":material/open_in_new:",
                                                    help="Train this setting and see its plane."):
        st.switch_page("pages/networks.py", query_params={**net_query(lesson.network), **presenting()})
if student.exercise is None and teach.button("Use as exercise", icon=":material/assignment:",
                                             help="This lesson's question as a student link with a QR code: students "
                                                  "answer before they see the run."):
    lesson_dialog(lesson.slug)
reset_box.button("Reset lesson", icon=":material/restart_alt:", on_click=reset_lesson,
                 help="Back to the lesson's own view: its camera, zoom and playhead, paths coloured by run.")
st.subheader(f"{lesson.number}. {lesson.title} — {lesson.question}")
if student.exercise is not None:
    if student.hiding:
        st.markdown(f"**Setup.** {lesson.setup}")
    student.panel("The runs, the source's claim and the verdict")
if lesson.scenario is not None:
    traces = lesson_traces(lesson)
    shown, shown_traces = paths_by(replace(lesson.scenario, presentation=bool(presenting())), traces)
    data = player.player_data(shown, shown_traces, zoom=lesson.zoom, hide_paths=student.hiding)
    # a click on a lesson's map sets no start, so the map offers one only where it answers an exercise
    data.update(clickable=student.asks_click, clickHint="click where you think the run ends", play=student.play())
    key = f"{PLAYER_KEY}.{st.session_state.get(RESETS, 0)}"
    player.render(data, key=key, on_click=student.click_handler(key) if student.asks_click else lambda: None)
    if not student.hiding:
        with export_box:
            export_menu(lesson.scenario, traces, key="lesson.export", title=f"Lesson {lesson.number} {lesson.title}",
                        zoom=lesson.zoom)
if student.hiding:
    st.stop()
result = finding(lesson.slug)
if presenting():  # the claim and the verdict in large type; the rest folded away
    with st.container(key="present-claim"):
        claim, verdict = st.columns(2)
        claim.markdown(f"**What the source claims.** {lesson.claim}")
        claim.caption(f"Source: {lesson.source}")
        with verdict:
            show_verdict(result)
    with st.expander("Setup and what to look for"):
        st.markdown(f"**Setup.** {lesson.setup}")
        st.markdown(f"**What to look for.** {lesson.look_for}")
else:
    text, claim = st.columns(2)
    with text:
        st.markdown(f"**Setup.** {lesson.setup}")
        st.markdown(f"**What to look for.** {lesson.look_for}")
    with claim:
        st.markdown(f"**What the source claims.** {lesson.claim}")
        st.caption(f"Source: {lesson.source}")
        with st.expander("References"):
            for reference in cited(lesson.source):
                st.caption(reference)
    show_verdict(result)
for chart_row in range(0, len(result.charts), 2):
    for column, chart in zip(st.columns(2), result.charts[chart_row : chart_row + 2]):
        column.plotly_chart(chart.figure(), width="stretch", key=f"lesson.chart.{chart.title}")
