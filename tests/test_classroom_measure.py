"""A submitted link measured on the server (classroom/measure.py), against gradient descent on a
quadratic worked out by hand."""

from __future__ import annotations

import pytest

from gradscape.classroom import measure
from gradscape.classroom.errors import Invalid
from gradscape.trajectories import scenario as sc

# f = x² + 4y²: plain gradient descent multiplies x by (1 − 2η) and y by (1 − 8η) each step.
LINK = {"ls": "custom", "f": "x^2+4*y^2", "dom": "-2,2,-2,2", "start": "1,1;-1,0.5", "steps": "50",
        "r1": "adam;lr=0.3", "r2": "sgd;lr=0.1;on=0;label=mine", "junk": "x"}


def test_the_submitted_path_is_the_one_chosen_and_ends_where_gradient_descent_does():
    sub = measure.submission(LINK, run=1, start=1, answer="b")
    x, y = -1 * 0.8**50, 0.5 * 0.2**50
    assert sub.start == (-1.0, 0.5)
    assert sub.end == pytest.approx((x, y), rel=1e-4, abs=1e-30)
    assert sub.final_loss == pytest.approx(x**2 + 4 * y**2, rel=1e-3)
    assert (sub.optimizer, sub.learning_rate, sub.answer) == ("sgd", 0.1, "b")
    assert "minimum" in sub.end_state
    scenario, warnings = sc.from_query(dict(sub.query))
    assert warnings == [] and "junk" not in sub.query
    assert scenario.start_points == ((-1.0, 0.5),) and len(scenario.runs) == 1
    assert (scenario.runs[0].optimizer, scenario.runs[0].lr, scenario.runs[0].label, scenario.runs[0].enabled) == \
        ("sgd", 0.1, "mine", True)
    assert sub.landscape == scenario.landscape


@pytest.mark.parametrize("run, start", [(2, 0), (0, 2), (-1, 0)])
def test_a_run_or_start_the_link_lacks_is_refused_in_words(run, start):
    with pytest.raises(Invalid, match=f"no run {run + 1} from start {start + 1}"):
        measure.submission(LINK, run=run, start=start)
