"""The Copy-link box builds its link from the server's public address when the teacher browses at
localhost, and says in words when students cannot open the link."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
import streamlit as st

from tests.test_playground_apptest import open_playground
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query
from gradscape.ui.share import PUBLIC_URL_ENV, share_link

QUERY = {"ls": "peaks", "r1": "adam;lr=0.01"}


@pytest.fixture
def server_address():
    """Set Streamlit's browser.serverAddress for one test, then put it back."""
    old = st.get_option("browser.serverAddress")
    yield lambda value: st.config.set_option("browser.serverAddress", value)
    st.config.set_option("browser.serverAddress", old)


def test_the_public_address_replaces_localhost(monkeypatch):
    monkeypatch.setenv(PUBLIC_URL_ENV, "https://class.example.org/gradscape/")
    link, warning = share_link(QUERY, "http://localhost:8501/sweeps")
    assert warning == "" and link.startswith("https://class.example.org/gradscape/sweeps?")
    assert dict(parse_qsl(urlsplit(link).query)) == QUERY
    assert share_link(QUERY, "http://127.0.0.1:8501/")[0].startswith("https://class.example.org/gradscape/?")


def test_without_a_public_address_a_loopback_link_says_so(monkeypatch, server_address):
    monkeypatch.delenv(PUBLIC_URL_ENV, raising=False)
    link, warning = share_link(QUERY, "http://127.0.0.1:8501/")
    assert link.startswith("http://127.0.0.1:8501/?") and "students can't open it" in warning and PUBLIC_URL_ENV in warning
    assert share_link(QUERY, "http://10.0.0.7:8501/lessons")[1] == ""  # browsed at an address the class reaches
    server_address("10.0.0.7")
    link, warning = share_link(QUERY, "http://localhost:8501/lessons")
    assert warning == "" and link.startswith("http://10.0.0.7:8501/lessons?")


def test_a_malformed_public_address_is_named(monkeypatch):
    monkeypatch.setenv(PUBLIC_URL_ENV, "class server")
    link, warning = share_link(QUERY, "http://localhost:8501/")
    assert link.startswith("http://localhost:8501/?") and "'class server' is not an http(s) address" in warning


def test_the_playground_box_shows_the_public_link_or_what_is_wrong(monkeypatch):
    monkeypatch.setenv(PUBLIC_URL_ENV, "http://192.168.1.20:8501")
    at = open_playground(QUERY)
    (code,) = at.code
    assert code.value.startswith("http://192.168.1.20:8501/?")
    assert dict(parse_qsl(urlsplit(code.value).query)) == to_query(Scenario(landscape="peaks", runs=(RunSpec("adam", 0.01),)))
    assert not at.warning
    monkeypatch.setenv(PUBLIC_URL_ENV, "192.168.1.20")  # no scheme: said, not guessed
    at.run()
    assert any("is not an http(s) address" in w.value and PUBLIC_URL_ENV in w.value.replace("\\_", "_") for w in at.warning)
