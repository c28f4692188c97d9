"""The Neural net page's player payload (viz/network.py), decoded and checked against its inputs."""

import numpy as np

from trajectories.net_scenario import NetScenario
from trajectories.network import NetworkProblem, NetworkRecord
from trajectories.scenario import RunSpec
from viz.network import plane_asset, player_data
from viz.player import decode_f32


def _record(runs: int, steps: int, stride: int) -> tuple[NetworkRecord, np.ndarray]:
    rng = np.random.default_rng(0)
    snapshot_steps = np.minimum(np.arange(-(-steps // stride) + 1) * stride, steps)
    s = len(snapshot_steps)
    record = NetworkRecord(
        problem=NetworkProblem(), runs=(), steps=steps, snapshot_steps=snapshot_steps, snapshots=np.zeros((runs, s, 3)),
        loss=rng.uniform(0.1, 1.0, (runs, s)), accuracy=np.zeros((runs, s)), batch_loss=np.zeros((runs, steps)),
        lrs=np.geomspace(0.1, 0.001, steps)[None].repeat(runs, 0) * np.arange(1, runs + 1)[:, None],
        diverged_at=np.array([-1] + [7] * (runs - 1)),
    )
    return record, rng.normal(size=(runs, s, 2))


def test_plane_asset_is_the_loss_grid_and_its_log_shades_over_the_plane_extent():
    as_, bs = np.linspace(-1, 2, 5), np.linspace(-3, 0, 5)
    z = np.add.outer(bs**2, as_**2) + 0.5
    asset = plane_asset((as_, bs, z), "PCA")
    blob = np.frombuffer(asset.blob, "<f4")
    assert np.allclose(blob[:25], z.ravel()) and np.allclose(blob[25:], np.log10(z.ravel() - z.min() + 1e-3), atol=1e-6)
    meta = asset.meta
    assert (meta["x"], meta["y"], meta["n"], meta["axes"][0][0], meta["fstar"]) == ([-1, 2], [-3, 0], 5, "a", 0.0)
    assert asset.name == f"plane-5-{meta['digest']}.f32"


def test_runs_carry_the_projected_snapshots_losses_and_thinned_rates_of_the_switched_on_runs():
    record, coords = _record(runs=2, steps=2000, stride=2)
    s = NetScenario(runs=(RunSpec("adam", 0.01), RunSpec("sgd", 0.1, enabled=False), RunSpec("sgd", 0.2, label="slow")))
    as_ = np.linspace(-1, 1, 4)
    data = player_data(s, record, coords, plane_asset((as_, as_, np.ones((4, 4))), "PCA"), grid_url="g", plotly_url="p")
    assert data["steps"] == 2000 and data["clickable"] is False and data["reportStep"] is True and data["landscape"]["url"] == "g"
    assert [(r["index"], r["label"], r["color"]) for r in data["runs"]] == [(0, "Adam", s.color(0)), (2, "slow", s.color(2))]
    assert [r["status"] for r in data["runs"]] == [["finite throughout"], ["diverged at step 7"]]
    for j, run in enumerate(data["runs"]):
        keep = decode_f32(run["keep"], "<u2")
        assert keep.tolist() == record.snapshot_steps.tolist() and run["keepAt"] == [0, len(keep)]
        assert np.allclose(decode_f32(run["pos"]).reshape(-1, 2), coords[j], atol=1e-6)
        assert np.allclose(decode_f32(run["loss"]), record.loss[j], rtol=1e-6)
        rate_keep = decode_f32(run["lrKeep"], "<u2")
        assert rate_keep[0] == 0 and rate_keep[-1] == 1999 and len(rate_keep) < 2000  # thinned like a 2-D run's
        assert np.allclose(decode_f32(run["lr"]), record.lrs[j][rate_keep], rtol=1e-6)
    assert data["runs"][0]["digest"] != data["runs"][1]["digest"]
