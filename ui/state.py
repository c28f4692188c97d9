"""A page's Scenario in the session, kept in sync with the URL's query string.

The scenario is the one source of truth: it is read from the link (malformed values fall back
with warnings) on the session's first run and whenever the page is opened with a different,
non-empty link (another page handing over a scenario), replaced only through `commit`
(validated), and every commit rewrites the query string, so the address bar is always a link
that restores the exact view. The codec (from_query, to_query) defaults to the Playground's
Scenario; the Sweeps page passes its SweepScenario's, the Neural net page its NetScenario's.

On a page that hands out exercises, an exercise's token (`ex=`, classroom/exercise.py) rides along: it is kept beside the scenario, written
back with it, and read afresh with a new link; `guard` (the exercise's lock check) may refuse a commit.
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from gradscape.classroom.exercise import QUERY_KEY
from gradscape.trajectories.scenario import Scenario, from_query, to_query
from gradscape.viz.text import short_plain

MAX_LINK_WARNINGS = 5  # boxes a link can make; the rest are counted in one more


class ScenarioState:
    """Session storage for one page's scenario, under keys starting with `prefix`."""

    def __init__(self, prefix: str, parse: Callable[[dict], tuple[Any, list[str]]] = from_query,
                 encode: Callable[[Any], dict[str, str]] = to_query, exercises: bool = False) -> None:
        self.key = f"{prefix}.scenario"
        self.warnings_key = f"{prefix}.link_warnings"
        self.token_key = f"{prefix}.{QUERY_KEY}"
        self.parse = parse
        self.encode = encode
        self.exercises = exercises  # whether the page reads an exercise token (elsewhere `ex` is an unknown key)
        self.fresh = False  # whether this run read the scenario from the link
        self.guard: Callable[[Any], None] | None = None  # raises ValueError for a scenario that may not be committed

    def load(self) -> Scenario:
        """The session's scenario: the link's on the first run, and again when a new non-empty link (or
        exercise token) arrives."""
        ss = st.session_state
        link, repeated = link_query()
        token = link.pop(QUERY_KEY, None) if self.exercises else None
        self.fresh = (self.key not in ss or (bool(link) and link != self.encode(ss[self.key]))
                      or (token is not None and token != ss.get(self.token_key)))
        if self.fresh:
            scenario, warnings = self.parse(link)
            ss[self.key] = scenario
            ss[self.token_key] = token
            ss[self.warnings_key] = repeated + warnings
        write_query(self.query())
        return ss[self.key]

    @property
    def current(self) -> Scenario:
        return st.session_state[self.key]

    @property
    def token(self) -> str | None:
        """The exercise token the page's link carries (None: no exercise)."""
        return st.session_state.get(self.token_key)

    def query(self) -> dict[str, str]:
        """The page's link: the scenario's, and the exercise token while there is one."""
        token = self.token
        return {**self.encode(self.current), **({QUERY_KEY: token} if token is not None else {})}

    def drop_token(self) -> None:
        """Forget the exercise: the link no longer carries it."""
        st.session_state[self.token_key] = None
        write_query(self.query())

    def restore(self, scenario: Any) -> None:
        """Store `scenario` as it is, past the guard (an exercise's own settings)."""
        st.session_state[self.key] = scenario
        write_query(self.query())

    def warn(self, text: str) -> None:
        """Add a warning about the link (shown with the link's own, until the first change)."""
        st.session_state.setdefault(self.warnings_key, []).append(text)

    def commit(self, scenario: Scenario) -> Scenario:
        """Validate, check against the guard, and store; raises ValueError (naming the field) and keeps the old one otherwise."""
        scenario.validate()
        if self.guard is not None:
            self.guard(scenario)
        if scenario != st.session_state.get(self.key):
            st.session_state[self.warnings_key] = []
        st.session_state[self.key] = scenario
        write_query(self.query())
        return scenario

    def link_warnings(self) -> list[str]:
        """What was wrong with the link this session started from (cleared by the first change)."""
        return st.session_state.get(self.warnings_key, [])


def link_query() -> tuple[dict[str, str], list[str]]:
    """The link's parameters, one value each (the last, as Streamlit's), and a warning for
    every key the link repeats (the earlier values are ignored)."""
    params = st.query_params
    warnings = [f"'{k}' appears {n} times in the link; using the last value."
                for k in params if (n := len(params.get_all(k))) > 1]
    return params.to_dict(), warnings


def unused_keys(query: dict[str, str], used: Callable[[str], bool]) -> list[str]:
    """A warning naming the link's keys that a page does not read (none when it reads them all)."""
    extra = [k for k in query if not used(k)]
    return [f"this page does not use {', '.join(repr(k) for k in extra)} from the link; ignored."] if extra else []


def show_link_warnings(texts: list[str]) -> None:
    """A link's warnings, as plain text (they quote the link): at most MAX_LINK_WARNINGS boxes and one
    that counts the rest and quotes them, cut like any link text (999 unknown keys: six boxes, not 999)."""
    if len(texts) > MAX_LINK_WARNINGS + 1:
        texts = [*texts[:MAX_LINK_WARNINGS], f"… and {len(texts) - MAX_LINK_WARNINGS} more: {' '.join(texts[MAX_LINK_WARNINGS:])}"]
    for text in texts:
        st.warning(f"Link: {short_plain(text)}", icon=":material/link_off:")


def warn_unused_link() -> None:
    """On a page that reads nothing from its link: a warning naming the keys it ignores."""
    show_link_warnings(unused_keys(link_query()[0], lambda k: False))


def write_query(query: dict[str, str]) -> None:
    """Rewrite the query string only when it differs (every write is a message to the browser)."""
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)

