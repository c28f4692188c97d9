"""Log axes of the figures Python builds: decades or whole numbers, never a bare minor '2' or '5'."""

from __future__ import annotations

import pytest

from gradscape.viz.axes import full_number, log_axis, log_ticks
from gradscape.viz.lines import Series, line_figure


def test_wide_ranges_are_labelled_in_decades_thinned_to_at_most_eight():
    assert log_ticks(1e-4, 1) == {"tickmode": "linear", "tick0": 0, "dtick": 1}  # plotly writes 10⁻⁴ … 1
    assert log_ticks(1e-14, 1e2)["dtick"] == 3  # 17 decades: every third


@pytest.mark.parametrize("lo, hi, texts", [
    (0.0045, 0.022, ["0.005", "0.01", "0.02"]),  # within about a decade: 1-2-5, written out
    (0.011, 0.04, ["0.02", "0.03", "0.04"]),  # fewer than three of those: 1…9
    (2.4, 9.6, ["3", "4", "5", "6", "7", "8", "9"]),
    (1.5e-7, 6e-7, ["2×10<sup>−7</sup>", "3×10<sup>−7</sup>", "4×10<sup>−7</sup>", "5×10<sup>−7</sup>", "6×10<sup>−7</sup>"]),
])
def test_narrow_ranges_are_labelled_with_whole_numbers(lo, hi, texts):
    assert log_ticks(lo, hi)["ticktext"] == texts


def test_a_sliver_of_a_decade_keeps_plotlys_own_ticks():
    assert log_ticks(0.0105, 0.0106) == {}


def test_full_numbers():
    assert [full_number(v) for v in (0.0005, 0.02, 20.0, 50000.0, 1.0)] == ["0.0005", "0.02", "20", "50000", "1"]


def test_a_constant_rate_gets_a_band_around_it():
    axis = log_axis([0.01] * 5)
    assert axis["range"] == pytest.approx([-2.35, -1.65]) and axis["ticktext"] == ["0.005", "0.01", "0.02"]
    assert log_axis([0.0, -1.0, float("nan"), None]) == {"type": "log"}


def test_line_figures_use_them_on_log_axes_only():
    figure = line_figure([Series("η", [0, 1, 2], [0.01, 0.005, 0.002])], log_y=True)
    assert figure["layout"]["yaxis"]["ticktext"] == ["0.002", "0.005", "0.01"]
    assert figure["layout"]["xaxis"] == {"title": {"text": "step"}, "type": "linear"}

