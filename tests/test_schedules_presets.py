"""The presets name real schedules with valid parameters, and draw the figures' shapes."""

import numpy as np
import pytest

from gradscape import schedules
from gradscape import trajectories as tr
from gradscape.schedules.presets import PRESETS


def rates(preset, entry) -> np.ndarray:
    return tr.schedule_curve(entry.schedule, preset.T, preset.lr or 0.1, entry.params)


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_preset_entries_are_valid(key):
    preset = PRESETS[key]
    assert preset.name and preset.source and 0 < preset.T <= tr.MAX_STEPS and preset.entries
    assert len({e.label for e in preset.entries}) == len(preset.entries)
    for entry in preset.entries:
        key, params, label = entry
        schedules.get(key).resolve(params)
        r = rates(preset, entry)
        assert r.shape == (preset.T,) and np.all(np.isfinite(r)) and np.all(r >= 0)


def test_noam_peaks_lower_and_later_with_longer_warmup():
    preset = PRESETS["noam-warmups"]
    curves = [rates(preset, e) for e in preset.entries]
    assert [int(r.argmax()) for r in curves] == [e.params["warmup_steps"] - 1 for e in preset.entries]
    assert list(np.argsort([-r.max() for r in curves])) == [0, 1, 2]
    assert curves[0].max() == pytest.approx(512**-0.5 * 1000**-0.5)


def test_sgdr_preset_restarts():
    preset = PRESETS["sgdr-restarts"]
    for entry, starts in zip(preset.entries, ([0, 10, 30, 70, 150], [0, 100, 200])):
        r = rates(preset, entry)
        assert list(np.flatnonzero(np.isclose(r, preset.lr, rtol=0, atol=1e-12))) == starts


def test_five_policies_are_seed_003s_families():
    families = [schedules.get(e.schedule).family for e in PRESETS["five-policies"].entries]
    assert families == ["constant", "piecewise decay", "smooth decay", "cyclical", "warmup"]
