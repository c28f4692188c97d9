"""The class server (`streamlit run app.py`, served through st.App) in headless Chromium: it draws
a hostile link's paths and shows the link's bad values as plain text."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.e2e.harness import wait_for_app
from gradscape.viz.text import ZERO_WIDTH

pytestmark = pytest.mark.browser

HOSTILE = {"ls": "[win a prize](http://evil.example)", "steps": "<b>9</b>", "r1": "adam;lr=nan", "r2": "sgd;label=**x**"}


def test_class_server_shows_a_hostile_link_as_plain_text(page, app_url):
    page.goto(f"{app_url}/?{urlencode(HOSTILE)}")
    page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=90_000)
    wait_for_app(page)
    alerts = page.locator("[data-testid=stAlert]")
    text = " ".join(alerts.all_inner_texts()).replace(ZERO_WIDTH, "")
    assert "unknown landscape '[win a prize](http://evil.example)'" in text and "'steps=<b>9</b>'" in text
    assert "'r1.lr=nan'" in text
    assert alerts.locator("a, b").count() == 0  # nothing in a link became markup
    sidebar = page.locator("[data-testid=stSidebar]")
    assert "**x**" in sidebar.inner_text() and sidebar.locator("strong", has_text="x").count() == 0
    assert page.locator("[data-testid=stException]").count() == 0 and page.errors == []


def test_the_playgrounds_own_path_opens_it_at_the_root_without_streamlits_page_not_found(page, app_url):
    page.goto(f"{app_url}/sweeps")  # a tab that already shows the app: where Streamlit would say "Page not found"
    wait_for_app(page)
    page.goto(f"{app_url}/playground?{urlencode({'ls': 'a/b', 'r1': 'adam'})}")
    page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=90_000)
    wait_for_app(page)
    assert page.url.startswith(f"{app_url}/?") and "r1=adam" in page.url
    assert "unknown landscape 'a/b'" in page.locator("[data-testid=stAlert]").first.inner_text()
    assert page.get_by_text("Page not found").count() == 0 and page.errors == []
