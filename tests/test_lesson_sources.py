"""The lessons' sources as students read them: author(s), year and section or figure, every work named
has its full reference, and no internal name of the source documents ("seed 003") is shown."""

from __future__ import annotations

import re

import pytest

from gradscape import lessons
from gradscape.lessons.references import REFERENCES, cited

AUTHOR_YEAR = re.compile(r"([A-Z][\w-]+(?:(?:, | & )[A-Z][\w-]+)*(?: et al\.)?) ((?:19|20)\d\d)\b")


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=[lesson.slug for lesson in lessons.LESSONS])
def test_every_source_names_its_works_for_students(lesson):
    assert "seed" not in lesson.source.lower() and "seed 0" not in lesson.setup.lower()
    named = [f"{who} {year}" for who, year in AUTHOR_YEAR.findall(lesson.source)]
    assert named, lesson.source
    assert all(n in REFERENCES for n in named), [n for n in named if n not in REFERENCES]
    assert cited(lesson.source) == [REFERENCES[n] for n in dict.fromkeys(named)]
    assert re.search(r"§\d|Fig\. \d|Table \d", lesson.source) or lesson.slug == "adamod-lr-sensitivity"  # a news report


def test_cited_lists_each_work_once_in_the_order_named():
    source = "Ruder 2016, §6; Liu & Zhang 2023, Fig. 3; Ruder 2016, §2"
    assert cited(source) == [REFERENCES["Ruder 2016"], REFERENCES["Liu & Zhang 2023"]]
    assert cited("a source nobody knows") == []
