"""A page's Scenario in the session, kept in sync with the URL's query string.

Any frozen state object works that has `validate()` and a link codec (`to_query`, and a
`from_query` returning (object, warnings) that never raises): the Playground's Scenario by
default, the Neural net page's NetScenario through `ScenarioState(prefix, codec=...)`.

The scenario is the one source of truth: it is read from the link once per session (malformed
values fall back with warnings), replaced only through `commit` (validated), and every commit
rewrites the query string, so the address bar is always a link that restores the exact view.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from trajectories.scenario import Scenario, from_query, to_query
from ui.markdown import plain


class Codec(NamedTuple):
    """How a state object is written to and read from a link."""

    to_query: Callable[[Any], dict[str, str]]
    from_query: Callable[[dict[str, str]], tuple[Any, list[str]]]


SCENARIO = Codec(to_query, from_query)


class ScenarioState:
    """Session storage for one page's scenario, under keys starting with `prefix`."""

    def __init__(self, prefix: str, codec: Codec = SCENARIO) -> None:
        self.key = f"{prefix}.scenario"
        self.warnings_key = f"{prefix}.link_warnings"
        self.codec = codec

    def load(self) -> Scenario:
        """The session's scenario; on the session's first run, the one the link describes."""
        if self.key not in st.session_state:
            scenario, warnings = self.codec.from_query(st.query_params.to_dict())
            st.session_state[self.key] = scenario
            st.session_state[self.warnings_key] = warnings
        scenario = st.session_state[self.key]
        sync_query(scenario, self.codec)
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
        sync_query(scenario, self.codec)
        return scenario

    def link_warnings(self) -> list[str]:
        """What was wrong with the link this session started from (cleared by the first change), as plain
        text for markdown: the warnings quote the link's values, which must not render as markup."""
        return [plain(text) for text in st.session_state.get(self.warnings_key, [])]


def sync_query(scenario: Scenario, codec: Codec = SCENARIO) -> None:
    """Rewrite the query string only when it differs (every write is a message to the browser)."""
    query = codec.to_query(scenario)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def share_url(scenario: Scenario, codec: Codec = SCENARIO) -> str:
    """The absolute link that restores `scenario`."""
    parts = urlsplit(st.context.url or "")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(codec.to_query(scenario)), ""))
