"""Exercises: a page's settings, the controls a student may not change, and a question, in one link.

An exercise link is the page's own link (the student's current settings) plus `ex=<token>`, a signed
token (classroom/links.py) holding {v, page, base, locks, question}: `base` the whole link of the
settings the teacher set up, `locks` {control: "locked" | "hidden"}, `question` its kind, parameters
and the teacher's texts. The answer is not in it: the engine computes it when the student submits.

The controls are the pages' field tables (trajectories/fields.py): a lock names a field of the page's
table by its link key ("steps", "ls", "tol"), a run field as "run.<key>" (every run's), or "r" (the list
of runs: adding, duplicating, removing). Locking any run field locks the list of runs too, and hiding
the list hides every run field: a locked run cannot be removed and re-added with other values.

A token is read like a link: even signed, its content is checked (known keys, a base the page reads
without a warning, locks on lockable controls, a question that fits the runs) and refused in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

from gradscape import lessons
from gradscape.classroom import links, questions
from gradscape.classroom.questions import Experiment, Question
from gradscape.trajectories import scenario as sc
from gradscape.trajectories import sweep_scenario as sw
from gradscape.trajectories.fields import Field, Table

VERSION = 1
QUERY_KEY = "ex"
LOCKED, HIDDEN, FREE = "locked", "hidden", "free"
MAX_BASE_KEYS = 64
MAX_BASE_VALUE = 4096
RUN_PREFIX = "run."
RUNS = "r"
TOKEN_KEYS = {"v", "page", "base", "locks", "question"}
CLASS_KEY = "class"  # a class's copy of an exercise: answered only by a student seated in a class that hands it out


class ExerciseError(ValueError):
    """A token that is signed but holds no usable exercise; the message says why, in words."""


@dataclass(frozen=True)
class Control:
    """One lockable control of a page: its lock key, its name, and how to read its value from the page's state."""

    key: str
    label: str
    group: str  # "sweep", "settings" or "runs": how the teacher's dialog groups them
    computes: bool  # decides the numbers: locked by default in the teacher's dialog
    get: Callable[[Any], Any] = field(compare=False)


def _table_controls(table: Table, group: str, of: Callable[[Any], Any], keys: tuple[str, ...] | None = None,
                    computes: bool = False) -> tuple[Control, ...]:
    """The lockable fields of `table` (those named in `keys`) as controls of the state `of` reads them from;
    `computes` marks them all as deciding the numbers (a sweep's own fields decide what it shows)."""
    return tuple(Control(f.key, f.label, group, computes or f.computes, lambda s, f=f: f.get(of(s)))
                 for f in table.lockable() if keys is None or f.key in keys)


def _run_controls(runs_of: Callable[[Any], tuple]) -> tuple[Control, ...]:
    def get(f: Field) -> Callable[[Any], Any]:
        return lambda s: tuple(f.get(run) for run in runs_of(s))

    return tuple(Control(RUN_PREFIX + f.key, f.label, "runs", f.computes, get(f)) for f in sc.RUN.lockable())


@dataclass(frozen=True)
class Page:
    """A page that hands out exercises: how it reads and writes its link, its lockable controls, the
    question kinds it asks, and what a question is asked about."""

    name: str
    script: str  # the page file a link opens
    read: Callable[[Mapping[str, str]], tuple[Any, list[str]]]
    write: Callable[[Any], dict[str, str]]
    controls: tuple[Control, ...]
    experiment: Callable[[Any], Experiment]
    clean: Callable[[Any], Any] = lambda s: s  # the state a student starts from (step 0, not presenting)
    always: tuple[str, ...] = ()  # controls hidden in every exercise of the page

    @property
    def by_key(self) -> dict[str, Control]:
        return {c.key: c for c in self.controls}

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k, kind in questions.KINDS.items() if self.name in kind.pages)


def _lesson_read(query: Mapping[str, str]) -> tuple[str, list[str]]:
    slug = query.get("lesson", "")
    unknown = sorted(set(query) - {"lesson"})
    warnings = [f"'{k[:40]}' is not a setting of a lesson link" for k in unknown[:5]]
    if slug not in lessons.REGISTRY:
        return lessons.LESSONS[0].slug, [f"there is no lesson '{slug[:40]}'", *warnings]
    return slug, warnings


def _sweep_clean(s: sw.SweepScenario) -> sw.SweepScenario:
    return replace(s, base=replace(s.base, presentation=False, playhead=0))


SWEEP_BASE_KEYS = ("ls", "start", "steps", "r")  # the base's controls the Sweeps page draws
PAGES: dict[str, Page] = {
    "playground": Page(
        "playground", "pages/playground.py", sc.from_query, sc.to_query,
        _table_controls(sc.SCENARIO, "settings", lambda s: s) + _run_controls(lambda s: s.runs),
        lambda s: Experiment(scenario=s), lambda s: replace(s, presentation=False, playhead=0),
    ),
    "sweeps": Page(
        "sweeps", "pages/sweeps.py", sw.from_query, sw.to_query,
        tuple(c for c in _table_controls(sw.SWEEP, "sweep", lambda s: s, computes=True) if c.key != "base")
        + _table_controls(sc.SCENARIO, "settings", lambda s: s.base, SWEEP_BASE_KEYS) + _run_controls(lambda s: s.base.runs),
        lambda s: Experiment(sweep=s), _sweep_clean,
    ),
    "lessons": Page(
        "lessons", "pages/lessons.py", _lesson_read, lambda slug: {"lesson": slug},
        (Control("lesson", "the lesson", "settings", True, lambda slug: slug),),
        lambda slug: Experiment(scenario=lessons.get(slug).scenario, lesson=slug), always=("lesson",),
    ),
}


def normalize(page: Page, locks: Mapping[str, str]) -> dict[str, str]:
    """The locks as they apply: a locked run field locks the list of runs, a hidden list hides every
    run field, and the page's `always` controls are hidden."""
    out = dict(locks)
    run_keys = [c.key for c in page.controls if c.key.startswith(RUN_PREFIX)]
    if out.get(RUNS) == HIDDEN:
        out.update({k: HIDDEN for k in run_keys})
    elif RUNS in page.by_key and any(k in out for k in run_keys):
        out.setdefault(RUNS, LOCKED)
    out.update({k: HIDDEN for k in page.always})
    return out


@dataclass(frozen=True)
class Exercise:
    """A validated exercise: its page, the teacher's settings (`base`, as state and as link), the
    locks as they apply, and the question."""

    page: Page
    base: Any
    base_query: dict[str, str]
    locks: dict[str, str]
    question: Question
    in_class: bool = False  # a class's copy (for_class): answered through a seat in that class only

    def mark(self, key: str) -> str:
        """'free', 'locked' or 'hidden'."""
        return self.locks.get(key, FREE)

    def fixed(self, key: str) -> bool:
        """Whether a student may not change the control (locked or hidden)."""
        return key in self.locks

    def changed(self, state: Any) -> list[str]:
        """The names of the locked or hidden controls whose value in `state` differs from the teacher's."""
        return [c.label for c in self.page.controls if c.key in self.locks and c.get(state) != c.get(self.base)]

    def check(self, state: Any) -> None:
        """Raise ValueError in words when `state` changes a locked or hidden control (a page's commit guard)."""
        changed = self.changed(state)
        if changed:
            raise ValueError(f"{', '.join(changed)}: locked by your teacher, so it stays as it was.")

    @property
    def experiment(self) -> Experiment:
        return self.page.experiment(self.base)

    def payload(self) -> dict[str, Any]:
        return {"v": VERSION, "page": self.page.name, "base": self.base_query, "locks": self.locks,
                "question": questions.to_dict(self.question), **({CLASS_KEY: True} if self.in_class else {})}

    def token(self, key: bytes) -> str:
        return links.sign(self.payload(), key)

    def link(self, state: Any, key: bytes) -> dict[str, str]:
        """The student link's query: the page's link of `state` and the token."""
        return {**self.page.write(state), QUERY_KEY: self.token(key)}


def make(page_name: str, state: Any, locks: Mapping[str, str], question: Question) -> Exercise:
    """An exercise of the page's current `state` (the student starts at step 0, not presenting); ValueError
    (NoAnswer among them) in words when the question does not fit the runs."""
    page = PAGES[page_name]
    base = page.clean(state)
    ex = _validated(page, page.write(base), dict(locks), questions.to_dict(question))
    questions.solve(ex.question, ex.experiment)
    return ex


def _validated(page: Page, base_query: Any, locks: Any, question: Any) -> Exercise:
    if not isinstance(base_query, dict) or len(base_query) > MAX_BASE_KEYS or not all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= MAX_BASE_VALUE and len(v) <= MAX_BASE_VALUE
            for k, v in base_query.items()):
        raise ExerciseError("its settings are not a short list of named text values")
    base, warnings = page.read(base_query)
    if warnings:
        raise ExerciseError(f"its settings are not valid: {warnings[0]}")
    if not isinstance(locks, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in locks.items()):
        raise ExerciseError("its locks are not a list of named controls")
    unknown = sorted(k for k in locks if k not in page.by_key)
    if unknown:
        raise ExerciseError(f"it locks {', '.join(repr(k[:40]) for k in unknown[:5])}, which the {page.name} page has no "
                            "lockable control of")
    bad = sorted(k for k, v in locks.items() if v not in (LOCKED, HIDDEN))
    if bad:
        raise ExerciseError(f"its lock on {bad[0][:40]!r} is neither '{LOCKED}' nor '{HIDDEN}'")
    try:
        q = questions.from_dict(question, page.name)
        questions.check(q, page.experiment(base))
    except ValueError as err:
        raise ExerciseError(str(err)) from None
    return Exercise(page, base, dict(base_query), normalize(page, locks), q)


def for_class(ex: Exercise) -> Exercise:
    """The class's copy of an exercise: its page grades an answer only for a student seated in a class whose
    exercise it is (the answer goes to the class), so the link a class hands out shows no one the answer early."""
    return replace(ex, in_class=True)


def read(token: str, key: bytes) -> Exercise:
    """The exercise a link's token holds; TokenError when it is not a token of this server's,
    ExerciseError when its content is not a usable exercise (a question that does not fit its runs
    among them: this runs the engine on the exercise's settings)."""
    try:
        payload = links.open_token(token, key)
    except links.ContentError as err:
        raise ExerciseError(str(err)) from None
    if set(payload) - {CLASS_KEY} != TOKEN_KEYS or payload.get(CLASS_KEY, True) is not True:
        raise ExerciseError("it does not hold the parts of an exercise (v, page, base, locks, question)")
    if payload["v"] != VERSION or isinstance(payload["v"], bool):
        raise ExerciseError(f"it is an exercise of another version ({str(payload['v'])[:20]}), not {VERSION}")
    if not isinstance(payload["page"], str) or payload["page"] not in PAGES:
        raise ExerciseError(f"it is for a page '{str(payload['page'])[:40]}' that gradscape has no exercises on")
    ex = replace(_validated(PAGES[payload["page"]], payload["base"], payload["locks"], payload["question"]),
                 in_class=CLASS_KEY in payload)
    try:
        questions.solve(ex.question, ex.experiment)
    except ValueError as err:
        raise ExerciseError(f"its question has no clear answer: {err}") from None
    return ex
