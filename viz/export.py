"""Exports of what a view shows: trajectories as CSV and JSON, the configuration as JSON that
re-imports, and an interactive HTML file that plays offline.

The HTML file is the app's own player (viz/frontend.py, host `standalone`) with its data, the
landscape grid (base64) and plotly.js inlined once: one file, no server, no network. Its <title>
names what it shows (landscape and runs); its footer links back to the same view in the app that
made it (a plain link: nothing is fetched).
The configuration file is {"version": 1, "query": <the scenario's link query>} (a view other than
the Playground's adds its "kind") and is read back through the same validation as a link: a
`Codec` names the kind and its query parser and encoder. No Streamlit here.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence
from urllib.parse import urlencode, urljoin, urlsplit

import numpy as np

from gradscape.trajectories import typed
from gradscape.trajectories.scenario import Scenario, from_query, to_query
from gradscape.viz import frontend
from gradscape.viz import player as payload
from gradscape.viz.player import RunTrace
from gradscape.viz.text import csv_field, script_json

CONFIG_VERSION = 1
DEFAULT_APP_URL = "http://localhost:8501/"  # where `streamlit run app.py` serves the app when no address is known
CONFIG_MAX_BYTES = 64 * 1024
CONFIG_MAX_DEPTH = 16  # a data file nests 5 deep; Python's parser recurses once per level
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
NUMBER_COLUMNS = ("x", "y", "f", "grad_x", "grad_y", "lr")
CSV_COLUMNS = ("run", "label", "start", "step", *NUMBER_COLUMNS, "status")
Traces = Sequence[tuple[int, RunTrace]]


@dataclass(frozen=True)
class Codec:
    """How one kind of view's configuration travels: its file's "kind" (None: the Playground's, written
    without one), its words for error messages, and its link-query parser (never raises) and encoder."""

    kind: str | None
    name: str
    parse: Callable[[dict[str, str]], tuple[Any, list[str]]]
    encode: Callable[[Any], dict[str, str]]


PLAYGROUND = Codec(None, "a Playground or lesson configuration", from_query, to_query)


def number_texts(a: np.ndarray) -> list[str]:
    """Per value, the shortest text that reads back to it in the array's own precision (a float32 0.01
    is '0.01', not '0.009999999776482582'; other arrays as float64); '' where a step has no value."""
    a = np.asarray(a)
    texts = (a if a.dtype == np.float32 else a.astype(np.float64)).astype(str).tolist()
    return ["" if t == "nan" else t for t in texts]


def _per_step(a: np.ndarray, steps: int) -> np.ndarray:
    """An (N, T, …) per-update array padded with NaN to (N, T+1, …): the last position has no update."""
    pad = np.full((a.shape[0], steps + 1 - a.shape[1], *a.shape[2:]), np.nan, a.dtype)
    return np.concatenate([a, pad], axis=1)


def trajectory_columns(t: RunTrace) -> dict[str, np.ndarray]:
    """A run's record as per-row columns (trajectories one after another, steps 0…T)."""
    rec = t.record
    n, T1 = rec.losses.shape
    grads = _per_step(rec.grads, rec.steps)
    lrs = _per_step(rec.lrs, rec.steps)
    return {
        "start": np.repeat(np.arange(n), T1),
        "step": np.tile(np.arange(T1), n),
        "x": rec.positions[:, :, 0].ravel(),
        "y": rec.positions[:, :, 1].ravel(),
        "f": rec.losses.ravel(),
        "grad_x": grads[:, :, 0].ravel(),
        "grad_y": grads[:, :, 1].ravel(),
        "lr": lrs.ravel(),
    }


def trajectories_csv(s: Scenario, traces: Traces) -> str:
    """One row per (run, start point, step): position, loss, gradient and rate of the update from there."""
    lines = [",".join(CSV_COLUMNS)]
    for i, t in traces:
        cols = trajectory_columns(t)
        status = [csv_field(t.record.status_text(j)) for j in range(t.record.losses.shape[0])]
        head = f"{i + 1},{csv_field(s.label(i))}"
        numbers = [number_texts(cols[c]) for c in NUMBER_COLUMNS]
        starts, steps = cols["start"].tolist(), cols["step"].tolist()
        lines += [f"{head},{j},{k},{','.join(values)},{status[j]}" for j, k, *values in zip(starts, steps, *numbers)]
    return "\n".join(lines) + "\n"


def json_numbers(a: np.ndarray) -> list:
    """Finite values as the shortest numbers that read back to them in the array's precision (as
    `number_texts`); NaN and ±∞ as null."""
    return [float(t) if t and "inf" not in t else None for t in number_texts(a)]


def config_doc(s: Any, codec: Codec = PLAYGROUND) -> dict:
    """The configuration's fields: version, kind (when the codec has one) and the link query."""
    kind = {} if codec.kind is None else {"kind": codec.kind}
    return {"version": CONFIG_VERSION, **kind, "query": codec.encode(s)}


def config_json(s: Any, codec: Codec = PLAYGROUND) -> str:
    """The configuration that re-imports to the same scenario (see `read_config`)."""
    return json.dumps(config_doc(s, codec), indent=2)


def trajectories_json(s: Scenario, traces: Traces) -> str:
    """The configuration plus every run's trajectories (non-finite numbers as null)."""
    runs = []
    for i, t in traces:
        cols = trajectory_columns(t)
        n, T1 = t.record.losses.shape
        runs.append({
            "run": i + 1,
            "label": s.label(i),
            "optimizer": s.runs[i].optimizer,
            "trajectories": [
                {"start": j, "status": t.record.status_text(j),
                 **{c: json_numbers(cols[c][j * T1:(j + 1) * T1]) for c in NUMBER_COLUMNS}}
                for j in range(n)
            ],
        })
    return json.dumps({**config_doc(s), "steps": s.steps, "runs": runs})


def read_config(data: bytes, codec: Codec = PLAYGROUND) -> tuple[Any | None, list[str]]:
    """A configuration (or data) file back to its scenario of `codec`'s kind, with what was wrong in words.

    Never raises: a file that cannot be read gives (None, [reason]); one whose values are partly
    bad gives the scenario the link rules make of it and their warnings."""
    return read_any_config(data, (codec,))[1:]


def read_any_config(data: bytes, codecs: Sequence[Codec]) -> tuple[Codec | None, Any | None, list[str]]:
    """`read_config` for a file of any of `codecs`' kinds: (the file's codec, its scenario, warnings);
    the codec is None when the file could not be read."""
    if len(data) > CONFIG_MAX_BYTES:
        return None, None, [f"the file is {len(data) / 1024:.0f} kB; a configuration is at most {CONFIG_MAX_BYTES // 1024} kB "
                            "(export it with 'Configuration (JSON)')."]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, None, ["the file is not JSON: export one with 'Configuration (JSON)'."]
    if (depth := nesting_depth(text)) > CONFIG_MAX_DEPTH:
        return None, None, [f"the file nests brackets {depth} deep; a configuration nests at most {CONFIG_MAX_DEPTH}."]
    try:
        doc = json.loads(text)
    except ValueError:
        return None, None, ["the file is not JSON: export one with 'Configuration (JSON)'."]
    try:
        return _read_doc(doc, codecs)
    except Exception:  # noqa: BLE001 — whatever a user's file does, it never shows a traceback
        return None, None, ["the file's values could not be read: export one with 'Configuration (JSON)'."]


def nesting_depth(text: str) -> int:
    """How deep JSON text nests brackets, outside its strings (counted before parsing: no recursion)."""
    depth = deepest = 0
    for ch in _JSON_STRING.sub("", text):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _read_doc(doc: Any, codecs: Sequence[Codec]) -> tuple[Codec | None, Any | None, list[str]]:
    """A parsed configuration's checks, then its query through its codec's link rules."""
    if not isinstance(doc, dict) or "version" not in doc:
        return None, None, ["the file is not an gradscape configuration (no 'version')."]
    if type(doc["version"]) is not int or doc["version"] != CONFIG_VERSION:  # true == 1 in Python, not here
        return None, None, [f"configuration version {json.dumps(doc['version'])[:40]} is not supported "
                            f"(this app reads version {CONFIG_VERSION})."]
    codec = next((c for c in codecs if c.kind == doc.get("kind")), None)
    if codec is None:
        return None, None, [f"the file is {_kind_name(doc.get('kind'))}; this view loads {' or '.join(c.name for c in codecs)}."]
    query = doc.get("query")
    if not isinstance(query, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in query.items()):
        return None, None, ["the configuration's 'query' must be an object of text values."]
    return (codec, *codec.parse(query))


def _kind_name(kind: object) -> str:
    """A configuration file's kind in words (for the message when it is loaded into another view)."""
    if kind is None:
        return PLAYGROUND.name
    return f"a {str(kind)[:40]!r} configuration"


def embed_grid(data: dict, asset: payload.LandscapeAsset) -> dict:
    """The player's data with the landscape grid inside it (no URL to fetch)."""
    data["landscape"].update(url=None, grid=base64.b64encode(asset.blob).decode("ascii"))
    return data


def inline_script(text: str) -> str:
    """Script text that cannot close its own <script> element early ('</script' only appears in strings)."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def app_link(app_url: str, page: str, query: dict[str, str]) -> str:
    """The address that opens `page` of the app at `app_url` (its root; '' page: the Playground) on
    the view `query` describes; an address that is not http(s) gives way to DEFAULT_APP_URL."""
    root = app_url if urlsplit(app_url).scheme in ("http", "https") and urlsplit(app_url).netloc else DEFAULT_APP_URL
    return f"{urljoin(root, page)}?{urlencode(query)}"


def document_title(heading: str, subject: str, runs: Sequence[str]) -> str:
    """An exported page's <title>: its heading, what it shows (unless the heading names it already) and its runs."""
    what = heading if subject in heading else f"{heading} — {subject}"
    return f"{what}: {', '.join(runs)}"


def footer(caption: str, link: str) -> str:
    """An exported page's footer: what it shows and a link that opens the same view in the app."""
    return (f'<p class="ovz-caption">{html.escape(caption)} Made with gradscape: '
            f'<a class="ovz-app-link" href="{html.escape(link)}">open this view in the app</a> '
            f"(at {html.escape(urlsplit(link).netloc)}, while it is running).</p>")


def player_page(data: dict, *, heading: str, title: str, caption: str, link: str) -> str:
    """A self-contained HTML page that plays `data` (grids embedded) like the app's player, offline."""
    return "\n".join([
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<style>{frontend.player_css()}\n{frontend.standalone_css()}</style>",
        f"<script>{inline_script(frontend.plotly_js())}</script>",
        "</head><body>",
        f"<h1>{html.escape(heading)}</h1>",
        f'<div id="ovz-host">{frontend.player_html()}</div>',
        footer(caption, link),
        f'<script type="application/json" id="ovz-data">{script_json(data)}</script>',
        f"<script>{inline_script(frontend.player_js('standalone'))}</script>",
        "</body></html>",
    ])


def player_html(s: Scenario, traces: Traces, *, title: str, zoom=None, app_url: str = DEFAULT_APP_URL) -> str:
    """The scenario's interactive page (plotly already on the page, so no URL for it either); its
    footer links to the scenario in the Playground of the app at `app_url`."""
    asset = payload.landscape_asset(s.landscape)
    data = embed_grid(payload.player_data(s, traces, grid_url="", plotly_url="", asset=asset, zoom=zoom), asset)
    runs = [s.label(i) for i, _ in traces]
    name = typed.landscape(s.landscape).name
    return player_page(data, heading=title, title=document_title(title, name, runs),
                       caption=f"{name}, {s.steps} steps: {', '.join(runs)}.", link=app_link(app_url, "", to_query(s)))
