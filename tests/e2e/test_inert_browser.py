"""Hostile run labels (tests/test_inert_text.py) through every page that shows runs and every
interactive export, in Chromium: no link, image, inline handler or outside address comes from them
(the network outside the app is blocked and every attempt recorded), no emphasis, heading or emoji
either, and each sink (the player's legend, Plotly legends and titles, the Sweeps page's "no final
loss" line and "Best …" buttons, the Neural net page's warnings, the Playground's sweep links) shows
the label as written. The Lessons page takes no labels from a link."""

from __future__ import annotations

import os
import re
from urllib.parse import urlencode, urlsplit

import pytest

from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories import network as nw
from gradscape.trajectories import network_views as nv
from gradscape.trajectories import sweep_scenario
from gradscape.trajectories.scenario import to_query
from gradscape.viz import export, network_export, sweep_export
from gradscape.viz import sweeps as vs
from gradscape.viz.player import run_trace
from gradscape.viz.text import ZERO_WIDTH
from tests.e2e.harness import wait_for_app
from tests.test_inert_text import EVIL, HOSTILE_LABELS, NETWORK, NO_LOSS, PLAYGROUND, SWEEPS

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("GRADSCAPE_SHOTS")  # a folder to keep screenshots in, when set

# What a label could have become: an element that links, loads or runs, or emphasis, a heading, a
# list or an emoji from its text; an attribute that fetches from outside the page's own origin.
LIVE = """(evil) => {
  const found = [];
  const fetching = ["href", "src", "srcset", "xlink:href", "action", "formaction", "poster", "data", "background"];
  for (const el of document.querySelectorAll("*")) {
    if (el.matches("a.ovz-app-link")) continue; // an export's link back to the app (the labels ride in its query)
    const tag = el.tagName.toLowerCase();
    for (const a of el.attributes) {
      const v = a.value.trim();
      if (a.name.startsWith("on")) found.push(`${tag} ${a.name}=${v}`);
      if (a.name === "style" && v.includes(evil)) found.push(`${tag} style=${v}`);
      if (fetching.includes(a.name) && v && !/^(data:|blob:|#)/.test(v)) {
        const url = new URL(v, location.href); // the app's own links may carry a label in their query
        if (url.origin !== location.origin || url.pathname.endsWith("/x")) found.push(`${tag} ${a.name}=${v}`);
      }
    }
    const text = el.textContent;
    if (/^(b|strong|em|i|del|s|code)$/.test(tag) && /^(b|bold|x)$/.test(text.trim())) found.push(`<${tag}>${text}`);
    if (/^(h[1-6]|li|blockquote|pre)$/.test(tag) && /img src|evil/.test(text)) found.push(`<${tag}>${text}`);
    if (tag === "tspan" && /bold/.test(el.getAttribute("style") || "") && /bold/.test(text)) found.push(`bold tspan ${text}`);
  }
  if (document.body.textContent.includes("\\u274c")) found.push("the :x: emoji");
  return found;
}"""


HOVER = """([curve, point]) => {
  const gd = document.querySelector(".ovz-loss .ovz-plot");
  Plotly.Fx.hover(gd, [{ curveNumber: curve, pointNumber: point }]);
  return gd.querySelector(".hoverlayer").textContent;
}"""


def shown(text: str) -> str:
    """Text as the page shows it, for comparison: no zero-width spaces, runs of white space (a line
    separator among them) as one space."""
    return " ".join(text.replace(ZERO_WIDTH, "").split())


LABELS = [shown(label) for label in HOSTILE_LABELS]


def texts(page, selector: str) -> list[str]:
    return [shown(t) for t in page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")]


def guard(page, allowed: str) -> list[str]:
    """Block every request outside `allowed` (and the relative image 'x' a label names); returns those asked for."""
    asked: list[str] = []

    def route(r):
        if r.request.url.startswith(allowed) and not urlsplit(r.request.url).path.endswith("/x"):
            r.continue_()
        else:
            asked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return asked


def assert_inert(page, asked: list[str], name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"inert-{name}.png"), full_page=True)
    assert page.evaluate(LIVE, EVIL) == []
    assert asked == [] and page.errors == []
    assert page.locator("[data-testid=stException]").count() == 0


SWEEP_OF = {f"sweeps-{s.kind}": s for s in SWEEPS}
PAGES = {
    "playground": ("", to_query(PLAYGROUND)),
    **{name: ("sweeps", sweep_scenario.to_query(s)) for name, s in SWEEP_OF.items()},
    "networks": ("networks", ns.to_query(NETWORK)),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_page_shows_hostile_labels_as_text(page, app_url, name):
    path, query = PAGES[name]
    asked = guard(page, app_url)
    page.goto(f"{app_url}/{path}?{urlencode(query)}")
    wait_for_app(page, timeout_ms=120_000)
    if name in ("playground", "networks"):
        page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=120_000)
        legend = shown(page.locator(".ovz-legend").inner_text())
        assert all(label in legend for label in (LABELS if name == "playground" else LABELS[:4]))
    if name == "playground":
        page.get_by_role("button", name="Sweep this run").click()
        page.locator("[data-testid=stPageLink]").first.wait_for(timeout=30_000)
        wait_for_app(page)
        assert texts(page, "[data-testid=stPageLink]") == [f"{label}: final loss vs learning rate" for label in LABELS]
        sidebar = shown(page.locator("[data-testid=stSidebar]").inner_text())
        assert all(label in sidebar for label in LABELS)  # the run editor's summary (Markdown with its own HTML)
    elif name == "sweeps-lr":
        page.wait_for_selector(".js-plotly-plot .legendtext", timeout=60_000)
        assert texts(page, ".js-plotly-plot .legendtext") == LABELS
        body = shown(page.locator("[data-testid=stMain]").inner_text())
        for label, optimizer in zip(LABELS, NO_LOSS):
            assert (f"{label}: no final loss at any rate" if optimizer == "sgd" else f"Best {label}: η = ") in body
        assert page.get_by_role("button", name=re.compile("^Best ")).count() == NO_LOSS.count("adam")
    elif name.startswith("sweeps-"):
        page.wait_for_selector(".ovz-sweep[data-ready='1']", state="attached", timeout=120_000)
        wait_for_app(page)
        titles = " ".join(texts(page, ".ovz-sweep .gtitle"))
        assert all(shown(label) in titles for label in sweep_export.shown_labels(SWEEP_OF[name]))
    elif name == "networks":
        warnings = shown(" ".join(page.locator("[data-testid=stAlert]").all_inner_texts()))
        assert all(f"{label}: diverged" in warnings for label in LABELS[1:4])
        page.wait_for_selector("[data-testid=stPlotlyChart] .legendtext", timeout=60_000)
        legends = texts(page, "[data-testid=stPlotlyChart] .legendtext")
        assert set(LABELS[:4]) <= set(legends)
    assert_inert(page, asked, name)


def _exported(kind: str) -> tuple[str, list[str]]:
    """The interactive page of one view and the labels it shows."""
    if kind == "player":
        traces = [(i, run_trace(PLAYGROUND, i)) for i in range(len(PLAYGROUND.runs))]
        return export.player_html(PLAYGROUND, traces, title="Labels"), list(HOSTILE_LABELS)
    if kind == "networks":
        view = nv.plane_view(nw.train(NETWORK.problem, NETWORK.net_runs(), NETWORK.steps), NETWORK.plane)
        return network_export.network_html(NETWORK, view, title="Labels"), [r.label for r in NETWORK.runs]
    sweep = SWEEP_OF[f"sweeps-{kind}"]
    return sweep_export.sweep_html(sweep, vs.compute(sweep), title="Labels"), sweep_export.shown_labels(sweep)


@pytest.mark.parametrize("kind", ["player", "lr", "basin", "networks"])
def test_an_exported_page_with_hostile_labels_starts_and_shows_them_as_text(page, tmp_path, kind):
    text, labels = _exported(kind)
    labels = [shown(label) for label in labels]
    path = tmp_path / "export.html"
    path.write_text(text, encoding="utf-8")
    asked = guard(page, "file:")
    page.goto(path.as_uri())
    if kind in ("player", "networks"):
        page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=30_000)
        assert page.locator(".ovz").get_attribute("data-paths").startswith(f"{len(labels)}:")  # every run's paths drawn
        legend = shown(page.locator(".ovz-legend").inner_text())
        assert all(label in legend for label in labels)
        if kind == "player":  # the last label's %{x} is no hover template: its loss curve's hover shows it as written
            hover = shown(page.evaluate(HOVER, [len(labels) - 1, 5]))
            assert hover.startswith(labels[-1]) and "step 5:" in hover
    elif kind == "lr":
        page.wait_for_selector(".js-plotly-plot .legendtext", timeout=30_000)
        assert texts(page, ".js-plotly-plot .legendtext") == labels
    else:
        page.wait_for_selector(".ovz-sweep[data-ready='1']", state="attached", timeout=30_000)
        assert texts(page, ".ovz-sweep .gtitle") == [f"{label} (η = 0.05)" for label in labels]
    title = shown(page.title())
    assert all(label in title for label in labels)
    assert_inert(page, asked, f"export-{kind}")
