"""What the player's wire costs in the browser: the worst case a user can ask for (8 runs × 16
starts × 5000 steps) reaches the page in at most 3 MB and still plays in step."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.e2e.harness import wait_for_app
from tests.test_player_payload import worst_case
from gradscape.trajectories.scenario import to_query

pytestmark = pytest.mark.browser


def test_the_worst_case_reaches_the_browser_in_at_most_3_mb(page, app_url):
    received = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(len(frame))))
    page.goto(f"{app_url}/?{urlencode(to_query(worst_case()))}")
    wait_for_app(page, timeout_ms=120_000)
    page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=120_000)
    total = sum(received)
    print(f"worst case: {total} bytes over the websocket")
    assert 500_000 < total <= 3_000_000  # the lower bound: the runs really came through this socket
    state = page.evaluate("() => ({...document.querySelector('.ovz').dataset})")
    assert state["paths"].startswith("8:")
    page.get_by_role("button", name="Last step").click()
    steps = page.evaluate("() => [...document.querySelectorAll('.ovz-map2d, .ovz-lr, .ovz-loss')].map(p => p.dataset.step)")
    assert steps == ["5000"] * 3
    assert page.errors == []
