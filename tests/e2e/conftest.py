"""Browser-test fixtures: one app server per session, a fresh Chromium page per test.

`page.errors` collects uncaught page errors; `app_url` is the server's base URL, `app_data` its data folder.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.harness import app_server, launch_chromium

VIEWPORT = {"width": 1440, "height": 1000}


@pytest.fixture(scope="session")
def app_data(tmp_path_factory):
    """The server's data folder (the class board's SQLite file): the test session's own."""
    return tmp_path_factory.mktemp("gradscape-data")


@pytest.fixture(scope="session")
def app_url(app_data):
    with app_server(env={"GRADSCAPE_DATA_DIR": str(app_data)}) as (url, _proc, _log):
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    p = context.new_page()
    p.errors = []
    p.on("pageerror", lambda err: p.errors.append(str(err)))
    yield p
    context.close()
