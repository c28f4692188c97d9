"""Every page through malformed and hostile links (AppTest): no exception reaches the user,
every ignored value is named in a warning, warnings render as plain text, the link the page
writes back is clean and within the caps, and each run finishes within AppTest's timeout.

Queries are grouped into a few test items (each a loop of fresh sessions), so the suite pays
for pytest's set-up a handful of times, not once per link.
"""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gradscape import schedules
from gradscape import trajectories as tr
from gradscape.ui import run_editor
from gradscape.ui import state as ui_state
from gradscape.viz import player
from gradscape.trajectories.scenario import MAX_RUNS, MAX_STARTS, Scenario, from_query
from gradscape.viz.text import plain

APP = Path(__file__).resolve().parent.parent / "navigation.py"
RUN_TIMEOUT = 10  # seconds per script run: the bound, enforced by AppTest
FIRST_TIMEOUT = 120  # a worker's first run imports JAX and may compile
CHUNK = 24

# Values that are wrong for every number, flag, name and colour of the link format.
HOSTILE = [
    "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e999", "-1", "-0.5", "99999999999999999999", "abc", "", " ",
    "<script>alert(1)</script>", "[win a prize](http://evil.example)", "'; DROP TABLE runs;--", "%zz", "%E0%A4%A",
    "é🚀∞", "1;2", "\n# heading", "{{7*7}}", "${7*7}", "javascript:alert(1)", "www.evil.example",
]
HUGE = "9" * 100_000  # a 100 kB value
DATA = "linear_regression"

Case = tuple[dict, tuple[str, ...]]  # (query, fragments that the warnings must contain)


def _top_level(v: str) -> Case:
    keys = ("steps", "noise", "seed", "view", "logy", "present")
    return {**{k: v for k in keys}, "ls": v, "start": v}, (*keys, "landscape", "start point")


def _run_level(v: str) -> Case:
    runs = {"r1": f"adam;lr={v}", "r2": f"adam;b1={v}", "r3": f"sgd;s=cosine;s.min_ratio={v}", "r4": f"sgd;color={v}",
            "r5": v, "r6": f"sgd;on={v}", "r7": f"sgd;s={v}", "r8": f"momentum;label={v}"}
    return runs, ("r1", "r2", "r3", "r4", "r5", "r6", "r7")


def _data_level(v: str) -> Case:
    return {"ls": DATA, "batch": v, "r1": f"sgd;B={v}"}, ("'batch=", "r1")


def _bounds(steps: int) -> list[Case]:
    """Every schedule with every parameter at its low, then its high bound, eight runs a link."""
    cases = []
    keys = sorted(schedules.REGISTRY)
    for end in ("low", "high"):
        runs = [f"sgd;s={k};" + ";".join(f"s.{h.name}={getattr(h, end):.6g}" for h in schedules.get(k).params) for k in keys]
        for i in range(0, len(runs), MAX_RUNS):
            cases.append(({"steps": str(steps), **{f"r{j + 1}": r for j, r in enumerate(runs[i : i + MAX_RUNS])}}, ()))
    return cases


def playground_cases() -> list[Case]:
    cases: list[Case] = []
    for v in HOSTILE:
        cases += [_top_level(v), _run_level(v), _data_level(v), ({"steps": v}, ("'steps=",)), ({"r1": f"nesterov;lr={v}"}, ("r1",))]
    cases += [
        ({"steps": HUGE}, ("'steps=",)), ({"r1": HUGE}, ("r1",)), ({"ls": HUGE}, ("landscape",)), ({"r1": f"adam;label={HUGE}"}, ("r1: the label is cut",)),
        ({"start": ";".join(["0,0"] * 50)}, (f"first {MAX_STARTS} start points",)),
        ({f"r{i}": "sgd" for i in range(1, 21)}, ("r9", "r20")),
        ({"steps": "100000"}, ("'steps=",)), ({"steps": "0"}, ("'steps=",)), ({"steps": "2.5"}, ("'steps=",)),
        ({"noise": "0.0005"}, ()), ({"noise": "100"}, ()), ({"noise": "100.0001"}, ("'noise=",)),
        ({"r1": "adam;lr=0.0123;b1=0.12345;b2=0.9999999"}, ()), ({"r1": "sgd;lr=1e-6", "r2": "sgd;lr=100"}, ()),
        ({"steps": ["10", "20"], "r1": ["adam", "sgd"]}, ("'steps' appears 2", "'r1' appears 2")),
        ({"foo": "1", "r" + "9" * 5000: "adam", "r0": "sgd"}, ("'foo'", "'r999")),
        ({"ls": "rosenbrock", "batch": "4", "r1": "sgd;B=4"}, ("'batch'", "r1")),
        ({"ls": DATA, "batch": "0", "r1": "sgd;B=257"}, ("'batch=0'", "r1.B")),
        ({"r1": "adam;lr=1;lr=2;lr=nan"}, ("r1.lr",)), ({"r1": "adam;b1"}, ("r1",)), ({"r1": ";;;"}, ("r1",)),
        ({"r1": "adam;s.min_ratio=0.5"}, ("r1",)), ({"lesson": "<b>x</b>" * 10, "present": "1"}, ()),
        ({"start": "1e308,0;nan,nan;0,0"}, ("start point",)), ({"ls": DATA, "start": "-2,-3", "batch": "1", "noise": "100"}, ()),
    ]
    return cases + _bounds(1)


def schedules_cases() -> list[Case]:
    cases: list[Case] = [
        ({"r1": "sgd;s=cosine", "r2": "sgd;s=cosine;s.min_ratio=0.2"}, ("appears twice",)),
        ({"r1": "sgd;s=step", "r2": "sgd;s=step", "r3": "sgd;s=step"}, ("appears twice",)),
        ({"r1": "sgd;s=cosine", "steps": "5"}, ("below this page's minimum",)),
        ({"steps": "1"}, ("below this page's minimum",)), ({"steps": "3", "logy": "1"}, ("below",)),
        ({"r1": "sgd;s=cosine", "noise": "1", "start": "0,0", "view": "3d"}, ("'noise'", "'start'", "'view'")),
        ({"r1": ["sgd;s=cosine", "sgd;s=step"]}, ("'r1' appears 2",)),
    ]
    for v in HOSTILE[::4]:
        cases.append(({"steps": v, "r1": f"sgd;lr={v};s=cosine", "r2": f"sgd;s={v}", "logy": v}, ("'steps=", "r1", "r2", "'logy=")))
    bounds = [({**q, "steps": "1"}, ("below this page's minimum",)) for q, _ in _bounds(1)]
    return cases + bounds


def lessons_cases() -> list[Case]:
    cases: list[Case] = [({"lesson": v}, ("no lesson",)) for v in HOSTILE[::3]]
    return cases + [
        ({"lesson": HUGE}, ("no lesson",)), ({"lesson": ["batch-size", "lookahead"]}, ("'lesson' appears 2",)),
        ({"lesson": "batch-size", "steps": "1e308", "r1": "adam"}, ("'steps'", "'r1'")),
    ]


def reference_cases() -> list[Case]:
    return [({"opt": v, v or "empty": "1"}, ("'opt'",)) for v in HOSTILE[::3]] + [({"x": HUGE}, ("'x'",))]


def sweeps_cases() -> list[Case]:
    return [({"foo": v, "res": v, "tol": v, "steps": v}, ("'foo'", "'res=", "'tol=", "'steps=")) for v in HOSTILE[::6]]


def networks_cases() -> list[Case]:
    return [({"width": v, "h": v, "r1": "adam"}, ("'width'", "'h=")) for v in HOSTILE[::8]]


PAGES = {
    "playground": ("pages/playground.py", playground_cases),
    "schedules": ("pages/schedules.py", schedules_cases),
    "lessons": ("pages/lessons.py", lessons_cases),
    "reference": ("pages/optimizers.py", reference_cases),
    "networks": ("pages/networks.py", networks_cases),
    "sweeps": ("pages/sweeps.py", sweeps_cases),
}
ITEMS = [(page, start) for page, (_, cases) in PAGES.items() for start in range(0, len(cases()), CHUNK)]


def test_there_are_enough_hostile_links():
    assert sum(len(cases()) for _, cases in PAGES.values()) >= 200


def _unescaped(text: str) -> bool:
    """Markdown that could render as a link, markup or HTML: an unescaped [, <, ` or *, or what
    GitHub Markdown links by itself (`://`, `www.`)."""
    return bool(re.search(r"(?<!\\)[\[<`*]|:/|(?i:www\.)", text.replace("**", "").replace("\\:", ":")))


def visit(page: str, query: dict, timeout: float) -> tuple[AppTest, list[str]]:
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.switch_page(PAGES[page][0])
    at.query_params.update(query)
    at.run()
    return at, [w.value for w in at.warning]


@pytest.fixture(scope="module")
def warm() -> None:
    """One generous first run per worker: imports, compiled programs, lesson verdicts."""
    for page in PAGES:
        visit(page, {}, FIRST_TIMEOUT)


@pytest.mark.parametrize(("page", "start"), ITEMS, ids=[f"{p}-{s}" for p, s in ITEMS])
def test_hostile_links(warm, page, start):
    problems = []
    for query, fragments in PAGES[page][1]()[start : start + CHUNK]:
        at, warnings = visit(page, query, RUN_TIMEOUT)
        shown = " ".join(warnings).replace("\\", "")
        label = {k: (v[:40] if isinstance(v, str) else v) for k, v in list(query.items())[:4]}
        if at.exception:
            problems.append((label, "exception", at.exception[0].value[:300]))
            continue
        cut = bool(warnings) and " more: " in warnings[-1] and warnings[-1].endswith("…")  # the summary ran out of room
        problems += [(label, "not named", f) for f in fragments if plain(f).replace("\\", "") not in shown and not cut]
        problems += [(label, "markup", w[:120]) for w in warnings + [e.value for e in at.error] if _unescaped(w)]
        if page == "playground":
            written, rewarned = from_query({k: at.query_params[k] for k in at.query_params})
            if rewarned or written.steps > tr.MAX_STEPS or len(written.runs) > MAX_RUNS or len(written.starts) > MAX_STARTS:
                problems.append((label, "link written back", rewarned))
    assert not problems, problems


@pytest.mark.parametrize("page", list(PAGES))
def test_a_link_of_999_unknown_keys_is_six_boxes_not_999(warm, page):
    keys = {f"zz{i}": "1" for i in range(999)}
    at, warnings = visit(page, {**keys, "lesson": "no-such"} if page == "lessons" else keys, RUN_TIMEOUT)
    boxes = [w for w in at.warning if w.icon == ":material/link_off:"]
    assert not at.exception and len(boxes) <= ui_state.MAX_LINK_WARNINGS + 1 and len(warnings) <= ui_state.MAX_LINK_WARNINGS + 2
    if page not in ("lessons", "reference", "schedules"):  # these name every unused key in one warning
        assert len(boxes) == ui_state.MAX_LINK_WARNINGS + 1
        assert boxes[-1].value.startswith(f"Link: … and {999 - ui_state.MAX_LINK_WARNINGS} more: 'zz")
        assert boxes[-1].value.endswith("…") and len(boxes[-1].value) < 600


@pytest.mark.parametrize("error", [ZeroDivisionError("float division by zero"), OverflowError("math range error")])
def test_arithmetic_errors_are_caught_at_the_boundary(warm, monkeypatch, error):
    def raises(*args, **kwargs):
        raise error

    monkeypatch.setattr(player, "run_trace", raises)
    monkeypatch.setattr(tr, "schedule_curve", raises)
    for page in ("playground", "schedules"):
        at, _ = visit(page, {}, RUN_TIMEOUT)
        assert not at.exception, [e.value for e in at.exception]
        assert any("could not be computed" in e.value and type(error).__name__ in e.value for e in at.error)


class _FakeQuery(dict):
    def to_dict(self) -> dict:
        return dict(self)

    def from_dict(self, query: dict) -> None:
        self.clear()
        self.update(query)


@pytest.mark.parametrize("point", [(10**400, 0), ("nan", 0), (1e308, 0), ([1], 2), (None, None), ("1", "x")])
def test_a_hostile_map_click_leaves_a_note_and_the_scenario(monkeypatch, point):
    """The player's click value comes from the browser: anything that is not a point in the domain is a note."""
    fake = types.SimpleNamespace(session_state={}, query_params=_FakeQuery())
    monkeypatch.setattr(run_editor, "st", fake)
    monkeypatch.setattr(ui_state, "st", fake)
    state = ui_state.ScenarioState("t")
    state.commit(Scenario())
    editor = run_editor.Editor(state, "t")
    editor.set_start(*point)
    assert state.current == Scenario() and len(editor.pop_notes()) == 1
    editor.set_start("1", "1.5")
    assert state.current.starts == ((1.0, 1.5),) and editor.pop_notes() == []
