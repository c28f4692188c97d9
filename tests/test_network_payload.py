"""The Neural net page's player payload (viz/network.py), decoded and checked against its inputs."""

import base64

import numpy as np
import pytest

from gradscape.trajectories import network_views as nv
from gradscape.trajectories.net_scenario import NetScenario
from gradscape.trajectories.network import NetworkProblem, NetworkRecord, problem_arrays
from gradscape.trajectories.scenario import RunSpec
from gradscape.viz.network import BOUNDARY_FRAMES, BOUNDARY_N, boundary_asset, boundary_data, frame_indices, plane_asset, player_data
from gradscape.viz.player import decode_f32


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
    asset = plane_asset((as_, bs, z))
    blob = np.frombuffer(asset.blob, "<f4")
    assert np.allclose(blob[:25], z.ravel()) and np.allclose(blob[25:], np.log10(z.ravel() - z.min() + 1e-3), atol=1e-6)
    meta = asset.meta
    assert (meta["x"], meta["y"], meta["n"], meta["axes"][0][0], meta["fstar"]) == ([-1, 2], [-3, 0], 5, "a", 0.0)
    assert asset.name == f"plane-5-{meta['digest']}.f32"


def test_runs_carry_the_projected_snapshots_losses_and_thinned_rates_of_the_switched_on_runs():
    record, coords = _record(runs=2, steps=2000, stride=2)
    s = NetScenario(runs=(RunSpec("adam", 0.01), RunSpec("sgd", 0.1, enabled=False), RunSpec("sgd", 0.2, label="slow")))
    as_ = np.linspace(-1, 1, 4)
    data = player_data(s, record, coords, plane_asset((as_, as_, np.ones((4, 4)))), grid_url="g", plotly_url="p")
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


def net_record(runs: int, steps: int, stride: int) -> NetworkRecord:
    """A record of random iterates of a real (small) network: what the boundary needs, without training."""
    problem = NetworkProblem(hidden=4, n_points=256)
    theta0 = problem_arrays(problem)[2]
    record, _ = _record(runs, steps, stride)
    snapshots = np.random.default_rng(1).normal(size=(*record.loss.shape, theta0.size)).astype(np.float32)
    accuracy = np.random.default_rng(2).uniform(0.4, 1.0, record.loss.shape)
    return NetworkRecord(**{**record.__dict__, "problem": problem, "snapshots": snapshots, "accuracy": accuracy})


@pytest.mark.parametrize("count, expected", [(1, [0]), (2, [0, 1]), (41, list(range(41))), (1001, list(range(0, 1001, 25)))])
def test_frames_are_spread_over_training_with_the_first_and_the_last(count, expected):
    assert frame_indices(count).tolist() == expected


def test_boundary_frames_are_every_runs_images_at_the_snapshot_steps_in_one_uint8_blob():
    record = net_record(runs=3, steps=200, stride=1)
    asset = boundary_asset(record)
    meta, k, n = asset.meta, BOUNDARY_FRAMES, BOUNDARY_N
    assert (meta["runs"], meta["frames"], meta["n"]) == (3, k, n)
    assert len(asset.blob) == 3 * k * n * n and asset.name == f"boundary-{n}-{meta['digest']}.u8"
    assert meta["steps"][0] == 0 and meta["steps"][-1] == 200 and meta["steps"] == sorted(set(meta["steps"]))
    idx = np.searchsorted(record.snapshot_steps, meta["steps"])
    images = np.frombuffer(asset.blob, np.uint8).reshape(3, k, n, n)
    for j in range(3):
        final, extent = nv.decision_images(record.problem, record.snapshots[j, -1], n=n)
        assert np.array_equal(images[j, -1], final[0]) and meta["extent"] == [list(extent[0]), list(extent[1])]
    assert not np.array_equal(images[0, -1], images[1, -1])
    assert np.allclose(decode_f32(meta["accuracy"]).reshape(3, k), record.accuracy[:, idx], rtol=1e-6)
    assert np.allclose(decode_f32(meta["loss"]).reshape(3, k), record.loss[:, idx], rtol=1e-6)
    x, y, _ = problem_arrays(record.problem)
    points = decode_f32(meta["points"]).reshape(-1, 3)
    assert np.allclose(points[:, :2], x) and np.array_equal(points[:, 2], y)


def test_boundary_goes_to_the_player_by_url_or_embedded_and_long_trainings_keep_41_frames():
    record = net_record(runs=2, steps=2000, stride=2)
    asset = boundary_asset(record)
    assert asset.meta["frames"] == BOUNDARY_FRAMES and asset.meta["steps"][-1] == 2000
    linked = boundary_data(asset, "app/static/grids/b.u8")
    assert linked["url"] == "app/static/grids/b.u8" and "images" not in linked
    embedded = boundary_data(asset, None)
    assert embedded["url"] is None and base64.b64decode(embedded["images"]) == asset.blob
    s = NetScenario(runs=(RunSpec("adam", 0.01), RunSpec("sgd", 0.1)))
    as_ = np.linspace(-1, 1, 4)
    data = player_data(s, record, np.zeros((2, len(record.snapshot_steps), 2)), plane_asset((as_, as_, np.ones((4, 4)))),
                       grid_url="g", plotly_url="p", boundary=linked)
    assert data["boundary"] is linked and len(data["runs"]) == asset.meta["runs"]
