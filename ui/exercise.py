"""Exercises on a page (classroom/exercise.py): the student's question, answer and reveal, and the
teacher's "Make an exercise" dialog with the student link and its QR code.

A page hands its link holder (ui/state.ScenarioState, or the Lessons page's `LessonLink`) to a
`Student`, which reads the link's token once per token: a damaged or foreign token, or one that holds
no usable exercise, is named in a warning and dropped (the page works as usual); a link whose locked
or hidden values were edited by hand gets the whole exercise back as the teacher set it. While an
exercise is on, the holder's guard refuses changes to its locked controls. Until the student answers,
`hiding` is true: the page sends the player the start points only and leaves out what gives the
answer away (results, exports, the sweep's chart). Submitting grades the answer on the server from
the engine's run of the teacher's settings (set back where the student changed them), and the run plays.

A student seated in a class whose exercise this is (ui/classroom.answering) sends the graded answer to
the class instead: their first answer is their prediction, and its grade, the paths and the run stay
hidden from them as from the board until the teacher reveals (the class's database holds the grade).
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace
from typing import Any, Callable, Protocol

import segno
import streamlit as st

from gradscape.classroom import board, exercise, links, questions
from gradscape.classroom.errors import Unavailable
from gradscape.classroom.exercise import FREE, HIDDEN, LOCKED, PAGES, QUERY_KEY, Exercise
from gradscape.classroom.lesson_questions import LESSON_QUESTIONS
from gradscape.classroom.questions import KINDS, MAX_EXPLANATION, MAX_WORDING, Question
from gradscape.ui import classroom
from gradscape.ui.guard import COMPUTE_ERRORS, failure
from gradscape.viz.text import plain, short_plain
from gradscape.ui.share import share_link

DAMAGED = "This exercise link was changed or damaged, so it cannot be checked: ask your teacher for the link again."
UNUSABLE = "This exercise link cannot be used ({reason}): ask your teacher for a new link."
UNAVAILABLE = "Exercises cannot be checked on this server ({reason}); the page works as usual."
JOIN_FIRST = ("This is a class's exercise: it is answered on the class's board. Join the class with the code your "
              "teacher shows, then open the exercise from the class bar.")
OFFLINE = ("Your class's board cannot be reached right now, so your answer cannot be sent; it is not graded "
           "until it is. Try again in a moment.")
RESET = ("This exercise link was edited by hand ({what} differed from your teacher's): the whole exercise is back as "
         "your teacher set it.")
TOLERANCES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
FACTORS = (1.1, 1.25, 1.5, 2.0, 3.0)
QR_PX = 480  # wide enough to scan from the back of a classroom when projected
LOCK_CHOICES = {FREE: "free", LOCKED: "locked", HIDDEN: "hidden"}
GROUPS = {"sweep": "Sweep", "settings": "Settings", "runs": "Every run"}


class Holder(Protocol):
    """Where a page keeps its state and its link's exercise token (ui/state.ScenarioState is one)."""

    fresh: bool
    guard: Callable[[Any], None] | None

    @property
    def token(self) -> str | None: ...

    @property
    def current(self) -> Any: ...

    def restore(self, state: Any) -> None: ...

    def drop_token(self) -> None: ...

    def warn(self, text: str) -> None: ...


class LessonLink:
    """The Lessons page's holder: the lesson of the link (`lesson=`) and its exercise token, the lesson
    picker's session key (`picker`) set to the exercise's lesson."""

    def __init__(self, query: dict[str, str], prefix: str, picker: str) -> None:
        ss = st.session_state
        self.token_key = f"{prefix}.{QUERY_KEY}"
        self.picker = picker
        self.lesson = query.get("lesson", "")
        token = query.get(QUERY_KEY)
        self.fresh = token is not None and token != ss.get(self.token_key)
        if self.fresh:
            ss[self.token_key] = token
        self.guard: Callable[[Any], None] | None = None
        self.warnings: list[str] = []

    @property
    def token(self) -> str | None:
        return st.session_state.get(self.token_key)

    @property
    def current(self) -> str:
        return self.lesson

    def restore(self, slug: str) -> None:
        self.lesson = st.session_state[self.picker] = slug

    def drop_token(self) -> None:
        st.session_state[self.token_key] = None

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def query(self) -> dict[str, str]:
        return {QUERY_KEY: self.token} if self.token is not None else {}


class Student:
    """A page's exercise, as its student sees it, under session keys `<prefix>.ex.*`."""

    def __init__(self, prefix: str, page: str, holder: Holder) -> None:
        self.p = prefix
        self.page = PAGES[page]
        self.holder = holder
        self.exercise: Exercise | None = self._load()
        self.klass, self.offline = None, False
        if self.exercise is not None:
            try:
                self.klass = classroom.answering(holder.token)
            except Unavailable:
                self.offline = True
        if self.exercise is not None:
            holder.guard = self.exercise.check

    def k(self, name: str) -> str:
        return f"{self.p}.ex.{name}"

    def _refuse(self, text: str) -> None:
        self.holder.warn(text)
        self.holder.drop_token()
        st.session_state[self.k("read")] = None

    def _load(self) -> Exercise | None:
        ss = st.session_state
        token = self.holder.token
        if token is None:
            return None
        known = ss.get(self.k("read"))
        fresh = self.holder.fresh
        if known is None or known[0] != token:
            try:
                ex = exercise.read(token, links.secret())
            except links.TokenError:
                return self._refuse(DAMAGED)
            except exercise.ExerciseError as err:
                return self._refuse(UNUSABLE.format(reason=err))
            except OSError as err:
                return self._refuse(UNAVAILABLE.format(reason=err))
            except COMPUTE_ERRORS as err:
                return self._refuse(UNUSABLE.format(reason=failure(err)))
            ss[self.k("read")] = (token, ex)
            fresh = True
        else:
            ex = known[1]
        if fresh:
            changed = ex.changed(self.holder.current)
            if changed:
                self.holder.restore(ex.base)
                self.holder.warn(RESET.format(what=", ".join(changed)))
        return ex

    # ---- what the page asks ----
    def mark(self, key: str) -> str:
        """'free', 'locked' or 'hidden' (free when there is no exercise)."""
        return FREE if self.exercise is None else self.exercise.mark(key)

    @property
    def grade(self) -> questions.Grade | None:
        """The student's grade: in a class, the one the class holds, once the teacher has revealed."""
        if self.klass is not None:
            answered = self.klass.now.answered
            if answered is None or answered.right is None:
                return None
            return questions.Grade(answered.right, answered.verdict or "")
        graded = st.session_state.get(self.k("graded"))
        return graded[1] if graded and graded[0] == self.holder.token else None

    @property
    def hiding(self) -> bool:
        """Whether the page keeps the answer out of the browser (an exercise not answered yet)."""
        return self.exercise is not None and self.grade is None

    @property
    def asks_click(self) -> bool:
        """Whether a click on the map is the student's answer (until they submit)."""
        return self.hiding and KINDS[self.exercise.question.kind].answer == "click"

    def play(self) -> str:
        """The player's `play` value: a new one after each submission, so the revealed run plays once."""
        return f"reveal-{st.session_state.get(self.k('plays'), 0)}" if self.grade is not None else ""

    def click_handler(self, player_key: str) -> Callable[[], None]:
        """The player's click callback while the map takes the answer: the clicked point, checked."""

        def on_click() -> None:
            click = st.session_state[player_key].click
            try:
                point = (float(click["x"]), float(click["y"]))
            except (TypeError, KeyError, ValueError, OverflowError):
                st.session_state[self.k("error")] = "The map sent an unreadable point: click it again."
                return
            if all(map(math.isfinite, point)):
                st.session_state[self.k("click")] = point

        return on_click

    # ---- callbacks ----
    def _answer(self) -> Any:
        """The student's answer from its widget; ValueError in words when there is none."""
        ss = st.session_state
        kind = KINDS[self.exercise.question.kind].answer
        if kind == "number":
            text = str(ss.get(self.k("number"), "")).strip()
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"'{text[:40]}' is not a number: type one such as 120 or 3e-4.") from None
            if not math.isfinite(value):
                raise ValueError("Type a finite number, such as 120 or 3e-4.")
            return value
        answer = ss.get(self.k("click" if kind == "click" else "pick"))
        if answer is None:
            raise ValueError("Click the map where you think the run ends first." if kind == "click" else "Pick an answer first.")
        return answer

    def submit(self) -> None:
        ss = st.session_state
        ex = self.exercise
        try:
            answer = self._answer()
            graded = questions.grade(ex.question, ex.experiment, answer)
        except COMPUTE_ERRORS as err:
            ss[self.k("error")] = str(err) if isinstance(err, ValueError) else failure(err)
            return
        try:
            klass = classroom.answering(self.holder.token)
        except Unavailable:
            ss[self.k("error")] = OFFLINE
            return
        if klass is None and ex.in_class:
            ss[self.k("error")] = JOIN_FIRST
            return
        if klass is None:
            ss[self.k("graded")] = (self.holder.token, graded)
        else:
            sent = board.Submission(answer=questions.answer_label(ex.question, ex.experiment, answer),
                                    right=graded.right, off=graded.off, verdict=graded.text)
            _, err = classroom.attempt(board.submit, klass.held.code, klass.held.key, sent)
            if err is not None:
                ss[self.k("error")] = str(err)
                return
        ss[self.k("plays")] = ss.get(self.k("plays"), 0) + 1
        if self.changed():
            self.holder.restore(ex.base)

    def free(self) -> None:
        """"Try it yourself": the exercise leaves the student's copy; the settings stay."""
        self.holder.drop_token()
        st.session_state[self.k("graded")] = None

    def changed(self) -> list[str]:
        """The controls that decide the numbers where the student's settings differ from the teacher's."""
        ex = self.exercise
        return [c.label for c in ex.page.controls if c.computes and c.get(self.holder.current) != c.get(ex.base)]

    # ---- drawing ----
    def panel(self, hidden_words: str = "The paths") -> None:
        """The question and its answer widget, or the grade, the explanation and "Try it yourself"."""
        ex = self.exercise
        q, e = ex.question, ex.experiment
        with st.container(border=True, key=f"{self.p}-exercise"):
            st.markdown(f"**:material/quiz: Exercise.** {plain(questions.wording(q, e))}")
            error = st.session_state.pop(self.k("error"), None)
            if error:
                st.error(short_plain(error), icon=":material/error:")
            graded = self.grade
            klass = self.klass
            if graded is not None:
                self._reveal(q, graded)
            elif self.offline:
                self._offline()
            elif klass is None and ex.in_class:
                self._outside()
            elif klass is not None and klass.now.answered is not None:
                self._waiting(klass, hidden_words)
            elif klass is not None and klass.now.state.revealed:
                self._closed()
            else:
                if self.klass is not None:
                    st.caption(plain(f"Class {self.klass.held.code}: your first answer goes to your class's board. "
                                     "Your teacher reveals the right one."))
                self._ask(q, e, hidden_words)

    def _outside(self) -> None:
        """A class's copy of an exercise opened by someone not seated in that class: nothing to answer here."""
        st.info(JOIN_FIRST, icon=":material/groups:")
        st.button("Check again", key=self.k("check"), icon=":material/refresh:")

    def _closed(self) -> None:
        """The class's answer revealed before this student answered: answers are closed."""
        st.info("Your teacher has revealed the answer, so the class takes no more answers: look at the board.",
                icon=":material/lock_clock:")
        st.button("Try it yourself", key=self.k("free"), on_click=self.free, icon=":material/lock_open:",
                  help="Frees the locked controls in your own copy of this page; your link no longer carries the exercise.")

    def _offline(self) -> None:
        """A seated student while the class's database cannot be reached: no answer until it can (it would
        be graded here and never reach the class)."""
        st.warning(OFFLINE, icon=":material/cloud_off:")
        st.button("Check again", key=self.k("check"), icon=":material/refresh:")

    def _waiting(self, klass: classroom.InClass, hidden_words: str) -> None:
        """A class's answer sent and not yet revealed: what the student sent, and a way to ask again."""
        st.info(plain(f"Your answer “{klass.now.answered.answer}” is on class {klass.held.code}'s board. "
                      f"{hidden_words} and your grade appear here when your teacher reveals the answer."),
                icon=":material/hourglass_top:")
        st.button("Check again", key=self.k("check"), icon=":material/refresh:")

    def _ask(self, q: Question, e: questions.Experiment, hidden_words: str) -> None:
        ss = st.session_state
        kind = KINDS[q.kind].answer
        if kind == "number":
            st.text_input("Your answer (a number)", key=self.k("number"), placeholder="e.g. 120 or 3e-4")
        elif kind == "click":
            point = ss.get(self.k("click"))
            st.caption(f"Your click: ({point[0]:.3g}, {point[1]:.3g}). Click again to move it." if point
                       else "Click the 2-D map where you think the run ends.")
        else:
            st.radio("Your answer", questions.options(q, e), index=None, key=self.k("pick"),
                     format_func=lambda o: plain(questions.option_label(q, e, o)))
        changed = self.changed()
        if changed:
            st.caption(plain(f"You changed {', '.join(changed)}: your answer is graded on your teacher's settings, and "
                             "submitting sets them back."))
        st.button("Submit answer", key=self.k("submit"), on_click=self.submit, type="primary", icon=":material/send:")
        st.caption(f"{hidden_words} stay hidden until you answer.")

    def _reveal(self, q: Question, graded: questions.Grade) -> None:
        if graded.right:
            st.success(f"**Right.** {plain(graded.text)}", icon=":material/check_circle:")
        else:
            st.error(f"**Not quite.** {plain(graded.text)}", icon=":material/cancel:")
        if q.explanation:
            st.info(f"**Your teacher explains:** {plain(q.explanation)}", icon=":material/lightbulb:")
        st.button("Try it yourself", key=self.k("free"), on_click=self.free, icon=":material/lock_open:",
                  help="Frees the locked controls in your own copy of this page; your link no longer carries the exercise.")


# ---- the teacher's side ----

@functools.lru_cache(maxsize=32)  # a class's join link is drawn on every board rerun
def qr_svg(link: str) -> str:
    """The link as a QR code (segno, error correction M), an SVG that scales without blur."""
    return segno.make(link, error="m").svg_inline(scale=4, border=4, omitsize=True, dark="#000", light="#fff")


def show_link(query: dict[str, str]) -> None:
    """The student link (copyable, with a warning where students cannot open it) and its QR code."""
    link, warning = share_link(query)
    st.caption("The student link:")
    st.code(link, language=None, wrap_lines=True)
    if warning:
        st.warning(short_plain(warning.strip()), icon=":material/public_off:")
    st.image(qr_svg(link), width=QR_PX, caption="Project this, or share the link: each student gets their own copy.")


def _question_controls(page_name: str, e: questions.Experiment, k: Callable[[str], str]) -> Question:
    """The question's kind and parameters, as the teacher picks them."""
    page = PAGES[page_name]
    kinds = [kind for kind in page.kinds if kind != "lesson"]
    kind = st.selectbox("Question", kinds, format_func=lambda kk: KINDS[kk].title, key=k("kind"))
    params = KINDS[kind].params
    values: dict[str, Any] = {}
    cols = iter(st.columns(3))
    if "run" in params:
        runs = e.sweep.runs if e.sweep is not None else e.scenario.runs
        label = e.sweep.base.label if e.sweep is not None else e.scenario.label
        choices = [i for i, run in enumerate(runs) if run.enabled or e.sweep is not None]
        values["run"] = next(cols).selectbox("Run", choices, format_func=lambda i: f"{i + 1} · {label(i)}", key=k("run"))
    if "start" in params and len(e.scenario.start_points) > 1:
        points = e.scenario.start_points
        values["start"] = next(cols).selectbox("Start point", range(len(points)), key=k("start"),
                                               format_func=lambda j: f"{j + 1} · ({points[j][0]:.3g}, {points[j][1]:.3g})")
    if "tol" in params:
        values["tol"] = next(cols).select_slider("Tolerance f − f* ≤", TOLERANCES, value=1e-3, key=k("tol"),
                                                 format_func=lambda v: f"{v:g}")
    if "rtol" in params:
        values["rtol"] = next(cols).slider("Right within ± (%)", 1, 100, 10, key=k("rtol")) / 100
    if "factor" in params:
        values["factor"] = next(cols).select_slider("Right within a factor", FACTORS, value=1.5, key=k("factor"))
    return Question(kind, **values)


def _lock_controls(page_name: str, k: Callable[[str], str]) -> dict[str, str]:
    """Free, locked or hidden for each lockable control of the page, grouped; the settings that decide
    the numbers start locked."""
    page = PAGES[page_name]
    locks = {}
    for group, title in GROUPS.items():
        controls = [c for c in page.controls if c.group == group and c.key not in page.always]
        if not controls:
            continue
        st.markdown(f"**{title}**")
        cols = st.columns(3)
        for n, c in enumerate(controls):
            mark = cols[n % 3].segmented_control(
                c.label, list(LOCK_CHOICES), format_func=LOCK_CHOICES.get, required=True, key=k(f"lock.{c.key}"),
                default=LOCKED if c.computes else FREE)
            if mark != FREE:
                locks[c.key] = mark
    st.caption("Locking a run setting locks the list of runs too (no adding or removing runs); hiding the list of runs "
               "hides every run setting.")
    return locks


def _offer(page_name: str, state: Any, locks: dict[str, str], question: Question) -> None:
    """The engine's answer (for the teacher) and the student link, or why the question cannot be asked."""
    try:
        ex = exercise.make(page_name, state, locks, question)
        answer = questions.answer_words(ex.question, ex.experiment, questions.solve(ex.question, ex.experiment))
    except COMPUTE_ERRORS as err:
        st.warning(f"This question has no clear answer here: {failure(err)}. Choose another question, run or start point.",
                   icon=":material/block:")
        return
    st.success(f"The engine's answer (you see it; students see it after they answer): {plain(answer)}",
               icon=":material/visibility:")
    try:
        key = links.secret()
    except OSError as err:
        st.error(short_plain(f"Exercise links cannot be signed on this server: {err}. Set {links.SECRET_ENV}."),
                 icon=":material/error:")
        return
    show_link(ex.link(ex.page.clean(state), key))


def teacher_form(page_name: str, state: Any, prefix: str) -> None:
    """The current settings as an exercise: a question, its wording, the locks, the link and QR code."""
    def k(name: str) -> str:
        return f"{prefix}.teach.{name}"

    page = PAGES[page_name]
    e = page.experiment(page.clean(state))
    st.caption("Students open this page as it is now, the question above the map, the answer hidden until they submit. "
               "The engine computes the answer from these settings; it is never in the link.")
    question = _question_controls(page_name, e, k)
    try:
        default = KINDS[question.kind].ask(question, e)
    except COMPUTE_ERRORS:
        default = ""
    wording = st.text_area("Wording (empty: the words below)", key=k("wording"), max_chars=MAX_WORDING, placeholder=default)
    explanation = st.text_area("Explanation, shown after they answer", key=k("explanation"), max_chars=MAX_EXPLANATION)
    with st.expander("Controls: free, locked (shown, disabled) or hidden"):
        locks = _lock_controls(page_name, k)
    _offer(page_name, state, locks, replace(question, wording=wording.strip(), explanation=explanation.strip()))


def lesson_form(slug: str) -> None:
    """A lesson's ready-made question, the engine's answer and the student link; the lesson's verdict explains."""
    question = LESSON_QUESTIONS[slug]
    e = PAGES["lessons"].experiment(slug)
    st.markdown(f"**Question.** {plain(questions.wording(question, e))}")
    st.caption("Students see the lesson's setup and the question; the paths, the claim and the verdict appear after they "
               "answer, the verdict as the explanation.")
    _offer("lessons", slug, {}, question)


teacher_dialog = st.dialog("Make an exercise", width="large")(teacher_form)
lesson_dialog = st.dialog("Use as exercise", width="large")(lesson_form)


def make_button(container, page_name: str, state: Any, prefix: str) -> None:
    """The page's "Make an exercise" button (hidden while the page shows an exercise)."""
    if container.button("Exercise", key=f"{prefix}.teach.open", icon=":material/assignment:", width="stretch",
                        help="Make an exercise of this view: lock controls, ask a question the engine answers, and get a "
                             "student link with a QR code."):
        teacher_dialog(page_name, state, prefix)
