"""Browser-test fixtures: one app server per session, a fresh Chromium page per test.

`page.errors` collects uncaught page errors; `app_url` is the server's base URL.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.harness import app_server, launch_chromium

VIEWPORT = {"width": 1440, "height": 1000}


@pytest.fixture(scope="session")
def app_url():
    with app_server() as (url, _proc, _log):
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
