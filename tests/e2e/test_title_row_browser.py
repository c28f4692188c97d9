"""The title row of every page with tools beside its title, at a projector's sizes with the sidebar open:
no label is cut short, no button overflows the page, and the title keeps its words whole."""

from __future__ import annotations

import pytest

from gradscape.ui.frame import TITLE_ROW
from tests.e2e.harness import wait_for_app

pytestmark = pytest.mark.browser

PAGES = ["/", "/lessons", "/sweeps", "/networks", "/?present=1"]
SIZES = [{"width": 1024, "height": 768}, {"width": 1280, "height": 800}]
ROW = f".st-key-{TITLE_ROW}"

# Every element of the row whose text is cut (an empty one, the picker's hidden input, cuts nothing): its content wider than its box while it clips or ends in an
# ellipsis; every element reaching past the page's main column; the title's words, each on one line.
MEASURE = """row => {
  const main = document.querySelector('.stMainBlockContainer').getBoundingClientRect();
  const cut = [], outside = [];
  for (const el of row.querySelectorAll('*')) {
    const css = getComputedStyle(el), r = el.getBoundingClientRect();
    if (r.width === 0 || !el.textContent.trim()) continue;
    if ((css.overflowX !== 'visible' || css.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1)
      cut.push(el.textContent.trim());
    if (r.right > main.right + 1) outside.push(el.textContent.trim());
  }
  const h1 = row.querySelector('h1');
  const split = [];
  if (h1) {
    const range = document.createRange();
    const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        if (range.getClientRects().length > 1) split.push(m[0]);
      }
  }
  return {cut, outside, split, buttons: row.querySelectorAll('button').length};
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_the_title_row_fits_a_projector(page, app_url, size):
    page.set_viewport_size(size)
    for path in PAGES:
        page.goto(f"{app_url}{path}")
        wait_for_app(page, 120_000)
        row = page.locator(ROW)
        row.get_by_role("button", name="Copy link").or_(row.get_by_role("button", name="Share")).wait_for()
        found = row.evaluate(MEASURE)
        assert found["buttons"] >= 2, path
        assert (found["cut"], found["outside"], found["split"]) == ([], [], []), path
