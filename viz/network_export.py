"""Exports of the Neural net view: every run at every recorded step as CSV and JSON (its place on
the shared plane, the model's loss and accuracy, the loss at the projected point, the distance
from the plane, the rate), the configuration that re-imports, and the interactive HTML page.

A run's numbers are those of its snapshots (θ every `record.snapshot_steps`); `lr` is the rate of
the update from that step (none after the last). No Streamlit here.
"""

from __future__ import annotations

import json
import numpy as np

from gradscape.landscapes import networks as nets
from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories.network_views import PlaneView
from gradscape.viz import export
from gradscape.viz import network as vn
from gradscape.viz.text import csv_field

NETWORK = export.Codec("network", "a Neural net configuration", ns.from_query, ns.to_query)
NUMBER_COLUMNS = ("a", "b", "loss", "plane_loss", "distance", "accuracy", "lr")
CSV_COLUMNS = ("run", "label", "optimizer", "step", *NUMBER_COLUMNS, "status")


def run_columns(view: PlaneView, j: int) -> dict[str, np.ndarray]:
    """Run j (of the record) at its snapshot steps, column by column."""
    rec = view.record
    steps = rec.snapshot_steps
    rate = np.where(steps < rec.steps, rec.lrs[j][np.minimum(steps, rec.steps - 1)], np.nan)
    return {
        "step": steps, "a": view.coords[j, :, 0], "b": view.coords[j, :, 1], "loss": rec.loss[j],
        "plane_loss": view.plane_loss[j], "distance": view.distance[j], "accuracy": rec.accuracy[j], "lr": rate,
    }


def results_rows(s: ns.NetScenario, view: PlaneView) -> list[dict]:
    """One row per switched-on run: the model's loss and accuracy on all the data after the last
    update, and whether the run stayed finite."""
    rec = view.record
    return [{"run": s.label(i), "optimizer": s.runs[i].optimizer, "final loss": float(rec.loss[j, -1]),
             "accuracy": float(rec.accuracy[j, -1]), "end": rec.status_text(j)} for j, i in enumerate(s.shown())]


def network_csv(s: ns.NetScenario, view: PlaneView) -> str:
    """One row per (run, recorded step)."""
    lines = [",".join(CSV_COLUMNS)]
    for j, i in enumerate(s.shown()):
        cols = run_columns(view, j)
        head = f"{i + 1},{csv_field(s.label(i))},{s.runs[i].optimizer}"
        status = csv_field(view.record.status_text(j))
        numbers = [export.number_texts(cols[c]) for c in NUMBER_COLUMNS]
        lines += [f"{head},{k},{','.join(values)},{status}" for k, *values in zip(cols["step"].tolist(), *numbers)]
    return "\n".join(lines) + "\n"


def network_json(s: ns.NetScenario, view: PlaneView) -> str:
    """The configuration, the plane (its kind and explained spread) and every run's columns."""
    runs = []
    for j, i in enumerate(s.shown()):
        cols = run_columns(view, j)
        runs.append({"run": i + 1, "label": s.label(i), "optimizer": s.runs[i].optimizer,
                     "status": view.record.status_text(j), "step": cols["step"].tolist(),
                     **{c: export.json_numbers(cols[c]) for c in NUMBER_COLUMNS}})
    explained = None if view.plane.explained is None else export.json_numbers(view.plane.explained)
    return json.dumps({**export.config_doc(s, NETWORK), "steps": s.steps, "parameters": int(view.record.snapshots.shape[-1]),
                       "plane": {"kind": view.plane.kind, "explained": explained}, "runs": runs})


def network_html(s: ns.NetScenario, view: PlaneView, *, title: str, app_url: str = export.DEFAULT_APP_URL) -> str:
    """The view's interactive page: the plane, the paths, the curves and the decision boundary on one
    playhead, offline (the boundary's frames embedded), with a link to it on the app's Neural net page."""
    asset = vn.plane_asset(view.grid)
    boundary = vn.boundary_data(vn.boundary_asset(view.record), None)
    data = export.embed_grid(vn.player_data(s, view.record, view.coords, asset, grid_url="", plotly_url="", boundary=boundary), asset)
    p = s.problem
    runs = [s.label(i) for i in s.shown()]
    data_name = nets.DATASETS[p.dataset].name
    caption = (f"{p.spec.name} on {data_name}, {view.record.snapshots.shape[-1]} parameters, {s.steps} steps; "
               f"{view.plane.kind}: {', '.join(runs)}.")
    return export.player_page(data, heading=title, title=export.document_title(title, data_name, runs), caption=caption,
                              link=export.app_link(app_url, "networks", ns.to_query(s)))
