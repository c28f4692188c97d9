"""AppTest: every lesson opens from its link, shows its text and a verdict computed from the run."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gradscape import lessons
from gradscape.viz.player import decode_f32, run_trace

APP = Path(__file__).resolve().parent.parent / "navigation.py"


def open_lesson(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.switch_page("pages/lessons.py")
    for k in list(at.query_params):
        del at.query_params[k]
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=[lesson.slug for lesson in lessons.LESSONS])
def test_every_lesson_link_opens_with_its_verdict(lesson):
    at = open_lesson({"lesson": lesson.slug})
    assert at.selectbox(key="lesson.slug").value == lesson.slug
    assert any(lesson.title in s.value for s in at.subheader)
    verdict = lesson.check().verdict
    boxes = [*at.success, *at.warning, *at.error]
    assert any(f"This run: {verdict}" in b.value for b in boxes)
    shown = " ".join(m.value for m in at.markdown)
    for check in lesson.check().checks:
        assert check.measured[:40] in shown
    assert at.query_params["lesson"] == [lesson.slug] or at.query_params["lesson"] == lesson.slug


def test_unknown_lesson_falls_back_with_a_warning():
    at = open_lesson({"lesson": "no-such-lesson"})
    assert at.selectbox(key="lesson.slug").value == lessons.LESSONS[0].slug
    assert any("no-such-lesson" in w.value for w in at.warning)


def player_data(at: AppTest) -> tuple[str, dict]:
    """The lesson player's element id and the data the page sent it."""
    (player,) = [e for e in at.main if getattr(getattr(e, "proto", None), "component_name", "") == "gradscape_player"]
    return player.proto.id, json.loads(player.proto.json)


@pytest.mark.parametrize("lesson", [lesson for lesson in lessons.LESSONS if lesson.scenario is not None][:3],
                         ids=lambda lesson: lesson.slug)
def test_a_lesson_map_does_not_offer_to_set_the_start(lesson):
    _, data = player_data(open_lesson({"lesson": lesson.slug}))
    assert data["clickable"] is False  # the map's title then offers no "click to set the start"


def test_saddle_lesson_tells_its_four_starts_apart_by_colour_and_label():
    lesson = lessons.get("saddle-points")
    s = lesson.scenario
    at = open_lesson({"lesson": lesson.slug})
    assert len(s.start_points) == 4
    assert any("(−3, 0); (−3, 0.1); (−3, 0.01); (−3, 0.001)" in c.value for c in at.caption)
    at.button_group(key="lesson.colour").set_value("start point").run()
    at.selectbox(key="lesson.run").set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    _, data = player_data(at)
    assert [r["label"] for r in data["runs"]] == ["from (−3, 0)", "from (−3, 0.1)", "from (−3, 0.01)", "from (−3, 0.001)"]
    assert len({r["color"] for r in data["runs"]}) == 4 and all(r["n"] == 1 for r in data["runs"])
    record = run_trace(s, 2).record
    for j, r in enumerate(data["runs"]):  # each is exactly that start's path of the run picked
        assert decode_f32(r["pos"])[:2].tolist() == pytest.approx(record.positions[j, 0].tolist())
        assert r["status"] == [record.status_text(j)]


def test_reset_lesson_brings_back_the_lesson_s_own_view():
    at = open_lesson({"lesson": "saddle-points"})
    first, data = player_data(at)
    at.button_group(key="lesson.colour").set_value("start point").run()
    at.selectbox(key="lesson.run").set_value(3).run()
    next(b for b in at.button if b.label == "Reset lesson").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button_group(key="lesson.colour").value == "run"
    again, restored = player_data(at)
    assert again != first  # a fresh player: the lesson's own camera, zoom and playhead
    assert [r["label"] for r in restored["runs"]] == [r["label"] for r in data["runs"]]
    assert restored["landscape"]["zoom"] == data["landscape"]["zoom"]
