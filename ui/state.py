"""A page's Scenario in the session, kept in sync with the URL's query string.

The scenario is the one source of truth: it is read from the link (malformed values fall back
with warnings) on the session's first run and whenever the page is opened with a different,
non-empty link (another page handing over a scenario), replaced only through `commit`
(validated), and every commit rewrites the query string, so the address bar is always a link
that restores the exact view. The codec (from_query, to_query) defaults to the Playground's
Scenario; the Sweeps page passes its SweepScenario's, the Neural net page its NetScenario's.
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from gradscape.trajectories.scenario import Scenario, from_query, to_query
from gradscape.viz.text import short_plain

MAX_LINK_WARNINGS = 5  # boxes a link can make; the rest are counted in one more


class ScenarioState:
    """Session storage for one page's scenario, under keys starting with `prefix`."""

    def __init__(self, prefix: str, parse: Callable[[dict], tuple[Any, list[str]]] = from_query,
                 encode: Callable[[Any], dict[str, str]] = to_query) -> None:
        self.key = f"{prefix}.scenario"
        self.warnings_key = f"{prefix}.link_warnings"
        self.parse = parse
        self.encode = encode

    def load(self) -> Scenario:
        """The session's scenario: the link's on the first run, and again when a new non-empty link arrives."""
        link, repeated = link_query()
        if self.key not in st.session_state or (link and link != self.encode(st.session_state[self.key])):
            scenario, warnings = self.parse(link)
            st.session_state[self.key] = scenario
            st.session_state[self.warnings_key] = repeated + warnings
        scenario = st.session_state[self.key]
        write_query(self.encode(scenario))
        return scenario

    @property
    def current(self) -> Scenario:
        return st.session_state[self.key]

    def commit(self, scenario: Scenario) -> Scenario:
        """Validate and store; raises ValueError (naming the field) and keeps the old one otherwise."""
        scenario.validate()
        if scenario != st.session_state.get(self.key):
            st.session_state[self.warnings_key] = []
        st.session_state[self.key] = scenario
        write_query(self.encode(scenario))
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

