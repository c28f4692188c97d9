"""The class board's pieces that students and teachers share, and the class bar students see.

- `attempt`: a board call on the app's database (classroom/store.py), a refusal returned instead of
  raised (every refusal is a ClassError; it may quote what someone typed, so pages show it plain).
  While the database cannot be reached, the pages say so and keep working; the next call tries again.
- A student's seat (the class's code, their key, their name) lives in their session, set by the Join
  page, and in a cookie of their browser (`gradscape_seat`: the code and key, for a class's lifetime
  after the student's last visit; "Leave class" deletes it), so a reload or a second tab keeps their
  seat and their name: a new session takes the seat from the cookie once the database confirms the
  key. The Playground's class bar (`bar`) submits their run (not while the page holds an exercise's
  answer back), and freezes the page while the teacher has paused the class: the controls are greyed and do not take clicks, and the page's state refuses
  every change (`ScenarioState.guard`, which asks the database at the moment of the change, so a
  control that was drawn before the pause does not get through either). A student's page does not
  poll: it learns of a pause, or a resume, at its next rerun (the bar's "Check again" is one).
- The links a class hands out (`join_link`, `teacher_link`, `playground_link`; QR codes: ui/exercise.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import streamlit as st

from gradscape import lessons
from gradscape.classroom import board, measure, store
from gradscape.classroom.errors import ClassError, Ended, Forbidden, NotFound, Unavailable
from gradscape.classroom.exercise import QUERY_KEY
from gradscape.trajectories.scenario import Scenario, to_query
from gradscape.ui.guard import COMPUTE_ERRORS, failure
from gradscape.viz.text import plain, script_json, short_plain
from gradscape.ui.share import share_link
from gradscape.ui.state import ScenarioState

SEAT = "class.seat"
SEAT_COOKIE = "gradscape_seat"
COOKIE = "class.cookie"  # what the browser's cookie must become at the next chance: the seat, or None to delete it
LEFT = "class.left"  # the student left: this session no longer takes a seat from the cookie it started with
JOINED = "class.joined"  # set by the Join button: the next run goes on to the Playground
NOTES = "class.notes"
JOIN_PATH, BOARD_PATH = "join", "class"  # navigation.py's url paths of the Join and Class pages
PAUSED = "Your teacher has paused the class: look up! Your controls come back when they resume it."
FREEZE_CSS = """<style>
section[data-testid="stSidebar"] [data-testid="stSidebarUserContent"], .stMain .ovz, .stMain [class*="st-key-pg-"] {
  pointer-events: none; opacity: 0.45; filter: grayscale(0.6); }
</style>"""
T = TypeVar("T")


def attempt(fn: Callable[..., T], *args, **kwargs) -> tuple[T | None, ClassError | None]:
    """`fn(engine, …)` and None, or None and the refusal (for a caller that words it itself)."""
    try:
        return fn(store.connect(), *args, **kwargs), None
    except ClassError as err:
        return None, err


def note(text: str, kind: str = "error") -> None:
    """A message for the next run of the page (a callback's outcome)."""
    st.session_state.setdefault(NOTES, []).append((kind, text))


def show_notes() -> None:
    for kind, text in st.session_state.pop(NOTES, []):
        getattr(st, kind)(short_plain(text), icon=":material/check_circle:" if kind == "success" else ":material/error:")


# ---- links ----
def _page_url(path: str) -> str:
    """The app's page `path` (a url path of navigation.py, "" for the root) at the address this browser used."""
    return urljoin(st.context.url or "http://localhost/", path or ".")


def join_link(code: str) -> tuple[str, str]:
    """The Join page's link for a class, and a warning when students cannot open it (ui/share.py)."""
    return share_link({"code": code}, _page_url(JOIN_PATH))


def teacher_link(code: str, token: str) -> tuple[str, str]:
    """The Class page's link that steers a class: its code and the teacher's token."""
    return share_link({"code": code, "token": token}, _page_url(BOARD_PATH))


def playground_link(query: dict[str, str]) -> str:
    """The Playground at this browser's address with a submitted run's link."""
    return f"{_page_url('')}?{urlencode(query)}"


def lesson_title(slug: str | None) -> str | None:
    """A lesson's title, None for no lesson or one this build does not have."""
    return next((lesson.title for lesson in lessons.LESSONS if lesson.slug == slug), None)


# ---- the student's seat ----
@dataclass(frozen=True)
class Held:
    """What a student's session holds of their class."""

    code: str
    key: str
    name: str


def _from_cookie() -> Held | None | bool:
    """The seat the browser's cookie names, if the database confirms it; None for none; False when the
    database cannot say now (the next run asks again). A confirmed cookie is written again (its lifetime
    starts over), one that seats no one is deleted."""
    value = st.context.cookies.get(SEAT_COOKIE)
    code, _, key = value.partition(".") if isinstance(value, str) else ("", "", "")
    if not key:
        return None
    now, err = attempt(board.seat, code, key)
    if isinstance(err, Unavailable):
        return False
    held = None if now is None or now.state.ended else Held(now.state.code, key, now.name)
    st.session_state[COOKIE] = held
    return held


def seat() -> Held | None:
    """The student's seat: this session's, else (once per session) the one their browser's cookie holds."""
    ss = st.session_state
    if SEAT not in ss and not ss.get(LEFT):
        found = _from_cookie()
        if found is False:
            return None
        ss[SEAT] = found
    return ss.get(SEAT)


def take_seat(held: Held) -> None:
    st.session_state[SEAT] = held
    st.session_state[COOKIE] = held


def leave() -> None:
    ss = st.session_state
    ss[SEAT] = None
    ss[LEFT] = True
    ss[COOKIE] = None


def keep_cookie() -> None:
    """Write the seat's cookie in the browser (or delete it) when it changed: a script of no height, once."""
    ss = st.session_state
    if COOKIE not in ss:
        return
    held = ss.pop(COOKIE)
    value, age = ("", 0) if held is None else (f"{held.code}.{held.key}", int(board.lifetime_s()))
    cookie = f"{SEAT_COOKIE}={value}; path=/; max-age={age}; SameSite=Lax"
    st.html(f"<script>document.cookie = {script_json(cookie)} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True, width=1)


def just_joined() -> bool:
    """Whether the Join button has just seated the student (asked once)."""
    return bool(st.session_state.pop(JOINED, False))


def _join() -> None:
    ss = st.session_state
    code = ss.get("class.join.code", "")
    joined, err = attempt(board.join, code, ss.get("class.join.name", ""))
    if err is not None:
        note(str(err))
        return
    take_seat(Held(board.normalize_code(code), joined.student, joined.name))
    ss[JOINED] = True


def join_form(code: str) -> None:
    """The class code (from the join link, else typed) and a display name."""
    show_notes()
    ss = st.session_state
    if "class.join.code" not in ss:
        ss["class.join.code"] = code[:20]
    with st.form("class.join", border=True):
        st.text_input("Class code", key="class.join.code", max_chars=20, placeholder="e.g. K7Q2MX")
        st.text_input("Your name, as the class will see it", key="class.join.name", max_chars=board.MAX_NAME,
                      help="No account: this name is all the class knows of you. Your teacher decides when names are shown.")
        st.form_submit_button("Join", type="primary", icon=":material/login:", on_click=_join, key="class.join.go")
    st.caption("Then explore in the Playground and press “Submit my run” to send your run to the class's board.")


def _pause_guard(held: Held, before: Callable[[Scenario], None] | None) -> Callable[[Scenario], None]:
    """The page's commit guard while in a class: `before` (an exercise's lock check, if any), then a refusal of
    every change while the class is paused (asked at the moment of the change; a database that cannot be
    reached leaves the student's own page alone)."""

    def guard(scenario: Scenario) -> None:
        if before is not None:
            before(scenario)
        now, _ = attempt(board.seat, held.code, held.key)
        if now is not None and now.state.paused and not now.state.ended:
            raise ValueError(PAUSED)

    return guard


def _submit(held: Held, scenario: Scenario, run: int, start: int) -> None:
    """The Submit button's callback: the run measured on the server and sent to the class."""
    try:
        sub = measure.submission(to_query(scenario), run=run, start=start)
    except ClassError as err:
        note(str(err))
        return
    except COMPUTE_ERRORS as err:
        note(f"This run cannot be submitted: {failure(err)}")
        return
    entry, err = attempt(board.submit, held.code, held.key, sub)
    if err is not None:
        note(str(err) + (" Your run stays in this page's link." if isinstance(err, Unavailable) else ""))
    else:
        note(f"Sent: your run is entry #{entry} on the class board.", "success")


def _pickers(scenario: Scenario, key: str) -> tuple[int, int] | None:
    """Which run and start to submit (pickers only where there is a choice); None when every run is off."""
    enabled = [i for i, r in enumerate(scenario.runs) if r.enabled]
    if not enabled:
        return None
    run = enabled[0]
    start = 0
    if len(enabled) > 1:
        run = st.selectbox("Run to submit", enabled, format_func=lambda i: f"{i + 1} · {scenario.label(i)}", key=f"{key}.run")
    if len(scenario.start_points) > 1:
        points = scenario.start_points
        start = st.selectbox("From start", range(len(points)), key=f"{key}.start",
                             format_func=lambda j: f"{j + 1} · ({points[j][0]:g}, {points[j][1]:g})")
    return run, start


def exercise_token(link: str) -> str | None:
    """The exercise token of a link ('sweeps?…&ex=…', as the Class page keeps a class's, or a pasted one)."""
    return dict(parse_qsl(urlsplit(link).query)).get(QUERY_KEY)


@dataclass(frozen=True)
class InClass:
    """A student answering their class's exercise: their seat and the class as they see it now."""

    held: Held
    now: board.Seat


def answering(token: str | None) -> InClass | None:
    """The student's class, when it is running and its exercise is the one whose token `token` is; raises
    Unavailable when the student holds a seat and the database cannot say (an answer must wait for it)."""
    held = seat()
    if held is None or token is None:
        return None
    now, err = attempt(board.seat, held.code, held.key)
    if isinstance(err, Unavailable):
        raise err
    if now is None or now.state.ended or not now.state.exercise:
        return None
    return InClass(held, now) if exercise_token(now.state.exercise) == token else None


def _links(state: board.State, answering_here: bool) -> None:
    """The lesson and the exercise the class is about, as links (the exercise in a new tab, which takes the
    student's seat from its cookie; not on a page that asks an exercise already)."""
    title = lesson_title(state.lesson)
    if title is not None:
        st.page_link("pages/lessons.py", label=f"Open the lesson: {title}", icon=":material/school:",
                     query_params={"lesson": state.lesson})
    if state.exercise and not answering_here:
        st.link_button("Answer the class's exercise", urljoin(_page_url(""), state.exercise), icon=":material/quiz:")


def bar(state: ScenarioState, scenario: Scenario, key: str = "class.bar", hiding: bool = False,
        read: board.Seat | None = None) -> None:
    """The Playground's class bar for a student in a class (nothing otherwise); see the module's text.
    `hiding`: the page holds an exercise's answer back, so its run is not sent (the board would show it).
    `read`: the student's seat as this run already read it (the exercise's), not read again."""
    held = seat()
    if held is None:
        return
    exercise_guard = state.guard
    state.guard = _pause_guard(held, exercise_guard)
    with st.container(border=True, key=key):
        show_notes()
        now, err = (read, None) if read is not None else attempt(board.seat, held.code, held.key)
        info, submit, leave_box = st.columns([5, 3, 1.2], vertical_alignment="center")
        leave_box.button("Leave class", key=f"{key}.leave", on_click=leave, width="stretch")
        if err is not None:
            if isinstance(err, Unavailable):
                info.error(short_plain(f"{err} Your run stays in this page's link; the Submit button comes back by itself."),
                           icon=":material/cloud_off:")
                submit.button("Try again", key=f"{key}.retry", icon=":material/refresh:")
            else:
                info.error(short_plain(str(err)), icon=":material/error:")
                if isinstance(err, (Forbidden, NotFound, Ended)):
                    state.guard = exercise_guard
            return
        c = now.state
        info.markdown(f"**Class {c.code}** · {plain(c.title)}  \nYou are **{plain(now.name)}** · "
                      f"{now.submitted} sent to the board")
        with info:
            _links(c, answering_here=hiding)
        if c.ended:
            submit.info("This class has ended.", icon=":material/flag:")
            state.guard = exercise_guard
            return
        if c.paused:
            st.html(FREEZE_CSS)
            submit.warning(PAUSED, icon=":material/pause_circle:")
            submit.button("Check again", key=f"{key}.check", icon=":material/refresh:")
            return
        if not c.open:
            submit.info("Submissions to this class are closed.", icon=":material/block:")
            return
        if hiding:
            submit.caption("Answer the exercise below first: until then, the board does not take this page's run "
                           "(it would show everyone the answer).")
            return
        with submit:
            picked = _pickers(scenario, key)
            st.button("Submit my run", key=f"{key}.submit", type="primary", icon=":material/send:", width="stretch",
                      disabled=picked is None, on_click=_submit, args=(held, scenario, *(picked or (0, 0))),
                      help="Sends this run (its link; the server runs it) to your class's board.")
