"""The Class page: a teacher starts a class, projects its join code, and steers it from the board.

- **The teacher's token** comes once, in the teacher link that `start_form` shows after creating the
  class (the database keeps only its hash). Opening that link puts the token in the teacher's session
  and takes it out of the address bar at once: a projected address bar shows the class's code, never
  the token. Every action sends it to the server, which checks it (classroom/board.py); a reload asks
  for the teacher link again.
- **The board** is made for a projector: anonymous unless the teacher shows names, every path on one
  map, the class's basin map and rates against losses (viz/class_board.py), the answers before the
  reveal and a leaderboard after it, and the entries with a link each that opens them in the Playground.
- **Live.** A fragment asks the database every POLL_S seconds for what changed since the version the
  board last saw (a few rows, or none); only when something did does the whole page rerun to redraw
  the figures. Students' pages do not poll (ui/classroom.py).
- **Snapshots.** The teacher pins entries, orders them, and presents them one at a time: that entry's
  path over the others, greyed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

import streamlit as st

from gradscape import lessons
from gradscape.classroom import board, exercise, links, store
from gradscape.classroom.errors import ClassError, Invalid
from gradscape.trajectories import typed
from gradscape.ui import clients
from gradscape.ui.classroom import (attempt, exercise_token, join_link, lesson_title, note, playground_link, show_notes,
                                    teacher_link)
from gradscape.ui.guard import COMPUTE_ERRORS, failure
from gradscape.ui.routing import DEFAULT_PAGE_PATH
from gradscape.ui.exercise import qr_svg
from gradscape.viz import class_board as figures
from gradscape.viz.class_board import Drawn
from gradscape.viz.text import plain, short_plain

TEACHER = "class.teacher"
FRESH = "class.fresh"  # the teacher link not yet confirmed as saved
VIEW = "class.view"
JUST_READ = "class.just_read"  # a full run's board read (its error, or None), for the poll's first pass to reuse
PRESENT = "class.present"
AT = "class.present.at"
PICKED = "class.entry"
SHOW_CODE = "class.show_code"
POLL_S = 1.0
# The code in type as large as its column allows (a 1280-pixel projector gives it ~300 px), never clipped:
# its size follows the column's width (container query units), at most 4.6rem.
CODE_BOX_CSS = "text-align: center; container-type: inline-size;"
CODE_CSS = ("font: 700 min(4.6rem, 19cqi)/1 ui-monospace, 'DejaVu Sans Mono', monospace; letter-spacing: 0.12em; "
            "padding: 0.2rem 0.6rem; border: 3px solid currentColor; border-radius: 0.6rem; display: inline-block; "
            "white-space: nowrap;")
FLAGS = {"paused": "Pause the class", "open": "Submissions open", "revealed": "Reveal the answers", "names_shown": "Show names"}
FLAG_HELP = {
    "paused": "Freezes every student's controls and Submit button, with a message, until you resume.",
    "open": "Closed: students keep working but cannot submit.",
    "revealed": "Before: the class's answers. After: the leaderboard (and, for an exercise, the right answers first).",
    "names_shown": "Off: students show as 'Student 1', 'Student 2', … (safe to project).",
}


@dataclass(frozen=True)
class Teacher:
    code: str
    token: str


@dataclass
class View:
    """What this board has seen of its class: everything up to `version`, merged from the polls."""

    code: str
    version: int = 0
    state: board.State | None = None
    entries: dict[int, board.Entry] = field(default_factory=dict)
    numbers: dict[int, int] = field(default_factory=dict)  # student → k of "Student k", in order of first entry
    pins: tuple[int, ...] = ()
    names: dict[int, str] = field(default_factory=dict)
    students: int = 0

    def merge(self, b: board.Board) -> bool:
        """Take in what changed; whether anything did."""
        for e in b.entries:
            self.numbers.setdefault(e.student, len(self.numbers) + 1)
            if e.removed:
                self.entries.pop(e.id, None)
            else:
                self.entries[e.id] = e
        changed = b.state.version != self.version or self.state is None or b.state != self.state
        self.version, self.state = b.state.version, b.state
        if b.names is not None:  # None: unchanged since the version this view has
            self.pins, self.names, self.students = b.pins, dict(b.names), b.students
        return changed

    def who(self, student: int) -> str:
        """A student as the board shows them: their name while names are shown, else 'Student k'."""
        return self.names.get(student) or f"Student {self.numbers.get(student, '?')}"

    def rows(self) -> list[Drawn]:
        return [Drawn(e.id, self.who(e.student), e.submission) for e in sorted(self.entries.values(), key=lambda e: e.id)]


# ---- who is the teacher ----
def teacher() -> Teacher | None:
    """The teacher of the class the page shows: from a teacher link (its token checked on the server, then moved
    out of the address bar), or from this session. None shows the start form."""
    params = st.query_params
    code, token = params.get("code"), params.get("token")
    if token is not None:
        del st.query_params["token"]
        _, err = attempt(board.board, code, token, since=0)
        if err is not None:
            st.error(short_plain(str(err)), icon=":material/key_off:")
            return None
        code = board.normalize_code(code)
        st.session_state[TEACHER] = Teacher(code, token)
    held: Teacher | None = st.session_state.get(TEACHER)
    if code is not None and (held is None or not _same_code(code, held.code)):
        st.info(short_plain(f"This board shows class {code} only to its teacher: open your teacher link for it."),
                icon=":material/key:")
        return None
    if held is not None:
        st.query_params["code"] = held.code
    return held


def _same_code(typed: str, code: str) -> bool:
    """Whether a code as typed (any case, spaces, dashes) is `code`."""
    try:
        return board.normalize_code(typed) == code
    except Invalid:
        return False


def exercise_target(link: str) -> str | None:
    """The class's copy of a pasted exercise link: its page's path and query, the token read and signed again
    as the class's (exercise.for_class: answered through a seat only), so that the link opens this app
    wherever it is served and shows no one the answer before the reveal; None for none, Invalid in words
    for a link that holds no usable exercise of this server."""
    link = link.strip()
    if not link:
        return None
    token = exercise_token(link)
    if not token:
        raise Invalid("An exercise link is the student link an exercise dialog gives (it holds ex=…).")
    try:
        key = links.secret()
        ex = exercise.read(token, key)
    except links.TokenError:
        raise Invalid("This exercise link was changed or damaged, or made on another server: make it again here.") from None
    except exercise.ExerciseError as err:
        raise Invalid(f"This exercise link cannot be used ({err}).") from None
    except OSError as err:
        raise Invalid(f"Exercises cannot be checked on this server ({err}).") from None
    except COMPUTE_ERRORS as err:
        raise Invalid(f"This exercise link cannot be used ({failure(err)}).") from None
    path = "" if ex.page.name == DEFAULT_PAGE_PATH else ex.page.name
    query = dict(parse_qsl(urlsplit(link).query))
    return f"{path}?{urlencode({**query, exercise.QUERY_KEY: exercise.for_class(ex).token(key)})}"


def creator() -> str | None:
    """Who creates a class, as the class keeps it (board.creator_key of their address, client_address);
    None for the server's own machine, which is not capped."""
    address = clients.client_address(st.context.ip_address, st.context.headers.get("X-Real-IP"), clients.trusted_proxies())
    if address is None:
        return None
    try:
        return board.creator_key(address, links.secret())
    except OSError:  # no secret can be read or made: the class is made, uncapped (the global cap holds)
        return None


def _create() -> None:
    ss = st.session_state
    try:
        exercise = exercise_target(ss.get("class.new.exercise") or "")
    except ClassError as err:
        note(str(err))
        return
    created, err = attempt(board.create_session, ss.get("class.new.title", ""), lesson=ss.get("class.new.lesson"),
                           exercise=exercise, creator=creator())
    if err is not None:
        note(str(err))
        return
    ss[TEACHER] = Teacher(created.code, created.teacher_token)
    ss[FRESH] = True
    ss.pop(VIEW, None)
    st.query_params.from_dict({"code": created.code})


def start_form() -> None:
    """Start a class: a title, and optionally a lesson or an exercise."""
    show_notes()
    st.title("Start a class")
    st.caption("Students join with a code and a name (no accounts), explore in the Playground and submit their runs; "
               "this page becomes the board you project.")
    with st.form("class.new", border=True):
        st.text_input("Title", key="class.new.title", max_chars=board.MAX_TITLE, placeholder="e.g. Adam vs SGD on Rosenbrock")
        slugs = [lesson.slug for lesson in lessons.LESSONS]
        st.selectbox("Lesson (optional)", slugs, index=None, key="class.new.lesson", format_func=lesson_title,
                     placeholder="No lesson")
        st.text_input("Exercise link (optional)", key="class.new.exercise", max_chars=board.MAX_QUERY,
                      help="The student link of an exercise ('Make an exercise' on the Playground or Sweeps page).")
        st.form_submit_button("Start the class", type="primary", on_click=_create, icon=":material/play_arrow:")
    st.caption("Already started one? Open its teacher link: it holds the key to its controls.")


# ---- polling ----
def refresh(t: Teacher) -> tuple[View, bool, ClassError | None]:
    """The board's view brought up to date (what changed since it last looked): the view, whether it changed,
    and the refusal if the database did not answer (the view then stays as it was)."""
    view: View | None = st.session_state.get(VIEW)
    if view is None or view.code != t.code:
        view = st.session_state[VIEW] = View(t.code)
    b, err = attempt(board.board, t.code, t.token, since=view.version)
    return view, (b is not None and view.merge(b)), err


@st.fragment(run_every=POLL_S)
def _live(t: Teacher) -> None:
    """The poll: a full run has just read the board (`show`), so its own first pass only shows that read's error."""
    if JUST_READ in st.session_state:
        changed, err = False, st.session_state.pop(JUST_READ)
    else:
        _, changed, err = refresh(t)
    if changed:
        st.rerun()
    if err is not None:
        st.error(short_plain(f"{err} The board shows what it had and keeps asking every {POLL_S:g} s."),
                 icon=":material/cloud_off:")


# ---- teacher actions ----
def _act(t: Teacher, fn: Callable, *args, **kwargs) -> None:
    _, err = attempt(fn, t.code, t.token, *args, **kwargs)
    if err is not None:
        note(str(err))


def _flag(t: Teacher, name: str) -> None:
    _act(t, board.set_flags, **{name: bool(st.session_state[f"class.flag.{name}"])})


def _export(t: Teacher, kind: str) -> Callable[[], str]:
    """The download's data, made when it is clicked (a class's export is read then, not on every rerun)."""

    def make() -> str:
        rows = board.export_rows(store.connect(), t.code, t.token)
        return board.export_csv(rows) if kind == "csv" else board.export_json(rows)

    return make


def _entry_words(view: View, entry: int) -> str:
    """An entry as the picker lists it: '#12 · Student 3 · adam η=0.05' ('#12' for one the board no longer has)."""
    e = view.entries.get(entry)
    if e is None:
        return f"#{entry}"
    s = e.submission
    rate = f" η={s.learning_rate:.3g}" if s.learning_rate is not None else ""
    return f"#{entry} · {view.who(e.student)} · {s.optimizer or s.answer or ''}{rate}"


def _on_picked(t: Teacher, fn: Callable) -> None:
    """A button's callback: `fn` on the entry picked at the moment of the click."""
    _act(t, fn, st.session_state.get(PICKED))


def _move(t: Teacher, by: int) -> None:
    """The picked pinned entry one place earlier (by=-1) or later (+1) among the pins."""
    order = list(st.session_state[VIEW].pins)
    entry = st.session_state.get(PICKED)
    if entry in order:
        i = order.index(entry)
        j = max(0, min(len(order) - 1, i + by))
        order[i], order[j] = order[j], order[i]
        _act(t, board.order_pins, order)


def controls(t: Teacher, view: View) -> None:
    """The sidebar: the class's switches, snapshots, entries, downloads and the end."""
    s = view.state
    ss = st.session_state
    st.header("Teacher controls")
    for name, label in FLAGS.items():
        ss[f"class.flag.{name}"] = getattr(s, name)
        st.toggle(label, key=f"class.flag.{name}", on_change=_flag, args=(t, name), disabled=s.ended, help=FLAG_HELP[name])
    st.toggle("Show the join code", key=SHOW_CODE, value=True)
    st.subheader("Entries")
    ids = sorted(view.entries)
    if ids:
        picked = st.selectbox("Entry", ids[::-1], key=PICKED, format_func=lambda e: _entry_words(view, e))
        pin, remove = st.columns(2)
        if picked in view.pins:
            pin.button("Unpin", key="class.unpin", on_click=_on_picked, args=(t, board.unpin), disabled=s.ended,
                       width="stretch", icon=":material/keep_off:", help="Takes it out of the snapshots.")
        else:
            pin.button("Pin", key="class.pin", on_click=_on_picked, args=(t, board.pin), disabled=s.ended,
                       width="stretch", icon=":material/keep:", help="Adds it to the snapshots, after the others.")
        remove.button("Remove", key="class.remove", on_click=_on_picked, args=(t, board.remove_entry), disabled=s.ended,
                      width="stretch", icon=":material/delete:", help="Takes it off the board and out of the downloads.")
        if picked in view.pins and len(view.pins) > 1:
            earlier, later = st.columns(2)
            earlier.button("Earlier", key="class.earlier", on_click=_move, args=(t, -1), disabled=s.ended,
                           width="stretch", icon=":material/arrow_upward:")
            later.button("Later", key="class.later", on_click=_move, args=(t, 1), disabled=s.ended,
                         width="stretch", icon=":material/arrow_downward:")
    else:
        st.caption("No entries yet.")
    st.caption(f"Snapshots: {', '.join(f'#{e}' for e in view.pins) or 'none pinned'}")
    st.subheader("Download")
    csv_box, json_box = st.columns(2)
    csv_box.download_button("CSV", _export(t, "csv"), file_name=f"class-{t.code}.csv", mime="text/csv", on_click="ignore",
                            key="class.csv", icon=":material/download:", width="stretch")
    json_box.download_button("JSON", _export(t, "json"), file_name=f"class-{t.code}.json", mime="application/json",
                             on_click="ignore", key="class.json", icon=":material/download:", width="stretch")
    if not s.ended:
        with st.popover("End the class…", icon=":material/flag:", width="stretch"):
            st.caption("Students can no longer join or submit; the board and the downloads stay.")
            st.button("End it now", key="class.end", type="primary", on_click=_act, args=(t, board.end))


# ---- the projector ----
def _header(t: Teacher, view: View) -> None:
    s = view.state
    show_code = st.session_state.get(SHOW_CODE, True) and not s.ended
    words, code, qr = st.columns([5, 4, 2] if show_code else [1, 0.01, 0.01], vertical_alignment="center")
    words.title(plain(s.title))
    count = len(view.entries)
    status = [f"{view.students} student{'s' * (view.students != 1)}", f"{count} entr{'ies' if count != 1 else 'y'}"]
    status += [w for on, w in ((s.ended, ":red[ended]"), (s.paused and not s.ended, ":orange[paused]"),
                               (not s.open and not s.ended, ":orange[submissions closed]"), (s.revealed, "revealed"),
                               (s.names_shown, "names shown")) if on]
    words.markdown(" · ".join(status))
    lesson = lesson_title(s.lesson)
    if lesson:
        words.caption(plain(f"Lesson: {lesson}"))
    if s.exercise:
        words.caption("With an exercise: students open it from their class bar; each one's first answer counts.")
    if show_code:
        link, warning = join_link(t.code)
        where = urlsplit(link)
        code.html(f'<div style="{CODE_BOX_CSS}">Join at <b>{html.escape(where.netloc + where.path)}</b><br>'
                  f'<span style="{CODE_CSS}" data-testid="class-code">{t.code}</span></div>')
        qr.image(qr_svg(link), width="stretch")
        if warning:
            st.caption(short_plain(warning.strip()))


def _fresh_token(t: Teacher) -> None:
    if not st.session_state.get(FRESH):
        return
    link, warning = teacher_link(t.code, t.token)
    with st.container(border=True, key="class.token"):
        st.markdown("**Your teacher link**: it holds this class's secret key. Save it now (bookmark or copy it): it is "
                    "shown only this once, and only it opens the controls again.")
        st.code(link, language=None, wrap_lines=True)
        if warning:
            st.caption(short_plain(warning.strip()))
        st.button("I saved it", key="class.saved", on_click=lambda: st.session_state.pop(FRESH, None), type="primary")


def _landscape(view: View, rows: list[Drawn]) -> str | None:
    """The landscape the figures show: the one most entries ran on, or the teacher's pick."""
    counted = [(k, n) for k, n in figures.landscapes_by_count(rows) if _known(k)]
    if not counted:
        return None
    if len(counted) == 1:
        return counted[0][0]
    names = {k: f"{typed.landscape(k).name} ({n})" for k, n in counted}
    if st.session_state.get("class.landscape") not in names:
        st.session_state["class.landscape"] = counted[0][0]
    return st.radio("Landscape", list(names), key="class.landscape", format_func=names.get, horizontal=True)


def _known(key: str) -> bool:
    try:
        typed.landscape(key)
    except ValueError:
        return False
    return True


def _chart(figure: dict, key: str) -> None:
    st.plotly_chart(figure, key=key, width="stretch", config={"displaylogo": False})


def _answers(view: View, rows: list[Drawn], landscape: str | None) -> None:
    """Before the reveal, the class's predictions (each student's first answer) without a grade; after it, the
    answers with the right ones green, the exercise's leaderboard, and the runs' leaderboard."""
    s = view.state
    if s.revealed and landscape is not None:
        st.subheader("Leaderboard")
        st.caption("Each student's lowest final loss − f* on this landscape, lowest first.")
        table = figures.leaderboard(landscape, rows)
        st.dataframe(table, hide_index=True, width="stretch", key="class.leaders",
                     column_order=["rank", "who", "entry", "optimizer", "learning rate", "final loss − f*", "ended"],
                     column_config={"learning rate": st.column_config.NumberColumn(format="%.3g"),
                                    "final loss − f*": st.column_config.NumberColumn(format="%.3e")})
    answered = figures.first_answers(rows)
    if not answered:
        if not s.revealed:
            st.subheader("Predictions")
            st.caption("No answers yet.")
        return
    st.subheader("Answers" if s.revealed else "Predictions")
    st.caption((f"{len(answered)} students' first answers" if len(answered) != 1 else "1 student's first answer")
               + (": the right ones green." if s.revealed else "; which are right stays hidden until you reveal."))
    grades = [r.sub.right is True for r in answered] if s.revealed else None
    _chart(figures.answers_figure([r.sub.answer for r in answered], grades), "class.answers")
    if s.revealed:
        st.subheader("Exercise leaderboard")
        st.caption("Right answers first, then the closest to the engine's, then the earliest.")
        st.dataframe(figures.answer_board(rows), hide_index=True, width="stretch", key="class.answer_board",
                     column_order=["rank", "who", "answer", "right", "off", "entry"],
                     column_config={"right": st.column_config.CheckboxColumn("right"),
                                    "off": st.column_config.NumberColumn("how far off", format="%.3g",
                                                                         help="0: the engine's answer exactly")})


def _entries_table(view: View, rows: list[Drawn]) -> None:
    st.subheader("Entries")
    table = [{"#": r.id, "student": r.who, "optimizer": r.sub.optimizer, "η": r.sub.learning_rate,
              "ended": figures.category(r.sub.landscape, r.sub) if r.sub.landscape and _known(r.sub.landscape) else r.sub.end_state,
              "final loss": r.sub.final_loss, "answer": r.sub.answer, **({"right": r.sub.right} if view.state.revealed else {}),
              "snapshot": view.pins.index(r.id) + 1 if r.id in view.pins else None,
              "open": playground_link(r.sub.query) if r.sub.query else None} for r in rows[::-1]]
    st.dataframe(table, hide_index=True, width="stretch", key="class.entries", column_config={
        "η": st.column_config.NumberColumn(format="%.3g"), "final loss": st.column_config.NumberColumn(format="%.4g"),
        "open": st.column_config.LinkColumn("open", display_text="open in the Playground")})


def _board(view: View) -> None:
    rows = view.rows()
    landscape = _landscape(view, rows)
    if landscape is None:
        st.info("No runs yet: students join with the code, explore in the Playground and press “Submit my run”.",
                icon=":material/hourglass_empty:")
    else:
        drawn = figures.on_map(rows, landscape)
        paths, starts = st.columns(2)
        with paths:
            st.subheader("Every path")
            st.caption(f"{len(drawn)} path{'s' * (len(drawn) != 1)} on {typed.landscape(landscape).name}"
                       + (f" (the {figures.MAX_PATHS} most recent)" if len(drawn) == figures.MAX_PATHS else "")
                       + ", coloured by where each ended.")
            _chart(figures.paths_figure(landscape, drawn), "class.paths")
        with starts:
            st.subheader("Where the class's starts lead")
            st.caption("Each start point, coloured by the minimum its path came to rest at (grey and other colours: "
                       "how it ended otherwise, as the legend says): a basin map built by the class.")
            _chart(figures.starts_figure(landscape, [r for r in rows if r.sub.landscape == landscape]), "class.starts")
        rates, answers = st.columns(2)
        with rates:
            st.subheader("Learning rate vs final loss")
            _chart(figures.rates_figure(landscape, [r for r in rows if r.sub.landscape == landscape]), "class.rates")
        with answers:
            _answers(view, rows, landscape)
    if landscape is None:
        _answers(view, rows, None)
    if rows:
        _entries_table(view, rows)


def _present(view: View) -> None:
    """The pinned entries one at a time: that path over the others, greyed, and what it is."""
    pins = [e for e in view.pins if e in view.entries]
    if not pins:
        st.info("Pin entries (sidebar: Entries → Pin) to present them here one by one.", icon=":material/push_pin:")
        return
    at = min(max(st.session_state.get(AT, 0), 0), len(pins) - 1)
    back, where, ahead = st.columns([1, 4, 1], vertical_alignment="center")
    back.button("Previous", key="class.prev", disabled=at == 0, on_click=lambda: st.session_state.update({AT: at - 1}),
                icon=":material/arrow_back:", width="stretch")
    ahead.button("Next", key="class.next", disabled=at == len(pins) - 1, on_click=lambda: st.session_state.update({AT: at + 1}),
                 icon=":material/arrow_forward:", width="stretch")
    entry = view.entries[pins[at]]
    s = entry.submission
    where.markdown(f"### Snapshot {at + 1} of {len(pins)}: #{entry.id} · {plain(view.who(entry.student))}")
    facts = [f"{plain(s.optimizer)}" if s.optimizer else None,
             f"η = {s.learning_rate:.3g}" if s.learning_rate is not None else None,
             f"final loss {s.final_loss:.4g}" if s.final_loss is not None else None,
             plain(figures.category(s.landscape, s)) if s.landscape and _known(s.landscape) else None,
             f"answer: {plain(s.answer)}" if s.answer else None]
    st.markdown(" · ".join(f for f in facts if f))
    if s.query:
        st.link_button("Open in the Playground", playground_link(s.query), icon=":material/open_in_new:")
    if s.landscape and s.path and _known(s.landscape):
        rows = figures.on_map(view.rows(), s.landscape)
        _chart(figures.paths_figure(s.landscape, rows, highlight=entry.id, height=640), "class.snapshot")


def show(t: Teacher) -> None:
    """The board of the teacher's class, its controls in the sidebar."""
    view, _, err = refresh(t)
    if view.state is None:
        st.error(short_plain(str(err)), icon=":material/cloud_off:")
        st.button("Try again", icon=":material/refresh:")
        return
    with st.sidebar:
        controls(t, view)
    show_notes()
    _fresh_token(t)
    _header(t, view)
    st.session_state[JUST_READ] = err
    _live(t)
    if st.toggle("Present the snapshots", key=PRESENT, help="The pinned entries, one at a time."):
        _present(view)
    else:
        _board(view)
