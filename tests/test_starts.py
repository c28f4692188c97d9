"""viz/starts.py: one run's paths as runs of their own, labelled by start point and cut from the run's
own record (so noisy paths are exactly the ones the run draws)."""

from __future__ import annotations

import numpy as np

from gradscape import lessons
from gradscape.viz.player import decode_f32, run_trace
from gradscape.viz.starts import by_start, path_labels, starts_summary


def test_labels_and_summary_name_each_start_and_number_shared_ones():
    points = ((-3.0, 0.0), (-3.0, 0.001), (0.5, -1.25), (0.5, -1.25))
    assert path_labels(points) == ["from (−3, 0)", "from (−3, 0.001)", "from (0.5, −1.25) #3", "from (0.5, −1.25) #4"]
    assert starts_summary(points) == "(−3, 0); (−3, 0.001); (0.5, −1.25) ×2"


def test_each_path_is_cut_from_the_run_s_own_record_noise_included():
    s = lessons.get("gradient-noise").scenario  # eight noisy paths from one start
    i = next(i for i, r in enumerate(s.runs) if dict(r.hyper).get("noise_a"))
    trace = run_trace(s, i)
    shown, traces = by_start(s, i, trace)
    assert len(shown.runs) == len(traces) == len(s.start_points) == 8
    assert len({shown.color(j) for j in range(8)}) == 8 and all(r.optimizer == s.runs[i].optimizer for r in shown.runs)
    rec = trace.record
    assert not np.allclose(rec.positions[0], rec.positions[1])  # the noise makes the paths differ
    for j, (k, t) in enumerate(traces):
        assert k == j
        np.testing.assert_array_equal(t.record.positions[0], rec.positions[j])
        np.testing.assert_array_equal(t.record.losses[0], rec.losses[j])
        assert t.record.status_text(0) == rec.status_text(j)
        assert decode_f32(t.arrays["pos"]).size == 2 * len(decode_f32(t.arrays["loss"]))
