"""AppTest: every lesson opens from its link, shows its text and a verdict computed from the run."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import lessons

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
