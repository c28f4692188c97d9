"""gradscape.Player: the app's player in a notebook (anywidget, so `pip install 'gradscape[notebook]'`;
tested in JupyterLab).

The widget is the Playground's own player: its ESM is the player's scripts assembled into one module
by viz/frontend.py (host `anywidget`), its data the app's payload (viz/player.py `player_data`) with
the landscape grid and the runs' arrays as binary buffers instead of base64. plotly.js is not synced:
the browser asks for the vendored partial bundles once per page with a custom message and the kernel
answers with the file as a buffer, so a saved notebook stays small and nothing needs the network.
Setting `scenario` (or `set_rate`) recomputes what changed (the engine's per-run cache) and redraws.

    >>> import gradscape
    >>> p = gradscape.Player(gradscape.scenario(landscape="himmelblau", runs=["sgd", "adam"], steps=50))
    >>> [run["label"] for run in p._data["runs"]], type(p._data["runs"][0]["pos"]).__name__
    (['SGD', 'Adam'], 'bytes')
    >>> p.set_rate(1, 0.3)
    >>> p.scenario.runs[1].lr
    0.3
"""

from __future__ import annotations

import base64

import traitlets

from gradscape.api import core
from gradscape.trajectories.scenario import Scenario, with_run
from gradscape.viz import frontend
from gradscape.viz.player import landscape_asset, player_data

try:
    import anywidget
except ImportError as err:  # the extra is not installed
    raise ImportError("gradscape.Player needs anywidget: pip install 'gradscape[notebook]'") from err


def widget_data(s: Scenario) -> dict:
    """The player's payload for `s`'s switched-on runs, its arrays as bytes (binary buffers on the wire)."""
    traces = core._playground(s, progress=False)
    asset = landscape_asset(s.landscape)
    data = player_data(s, traces, grid_url="", plotly_url="", asset=asset)
    data["landscape"].update(url=None, grid=asset.blob)
    for run, (_, trace) in zip(data["runs"], traces):
        run.update({name: base64.b64decode(text) for name, text in trace.arrays.items()})
    return data


class Player(anywidget.AnyWidget):
    """The player (2-D map, 3-D surface, learning rate, loss, playhead) for a Playground scenario: a
    `Scenario` or a Playground link. Assign `scenario` or call `set_rate` to change it; it redraws."""

    _esm = frontend.player_js("anywidget")
    _css = frontend.player_css()
    _html = traitlets.Unicode(frontend.player_html()).tag(sync=True)
    _data = traitlets.Dict().tag(sync=True)
    scenario = traitlets.Any()

    def __init__(self, scenario: Scenario | str, **kwargs) -> None:
        super().__init__(scenario=scenario, **kwargs)
        self.on_msg(self._answer)

    @traitlets.validate("scenario")
    def _checked(self, proposal) -> Scenario:
        s = core.scenario(proposal["value"])
        if not isinstance(s, Scenario):
            raise ValueError(f"gradscape.Player plays a Playground scenario, not a {type(s).__name__}")
        return s

    @traitlets.observe("scenario")
    def _redraw(self, change) -> None:
        self._data = widget_data(change["new"])

    def set_rate(self, i: int, learning_rate: float) -> None:
        """Set run i's learning rate (0-based i; what the Playground's rate box sets); the player redraws."""
        if not 0 <= i < len(self.scenario.runs):
            raise ValueError(f"run {i} does not exist: the scenario has {len(self.scenario.runs)} runs (0-based)")
        self.scenario = with_run(self.scenario, i, learning_rate=float(learning_rate))

    def _answer(self, _widget, content: dict, _buffers) -> None:
        """A page asks for a plotly.js bundle: the vendored file, once, as a binary buffer."""
        if content.get("ask") == "plotly" and content.get("bundle") in frontend.PLOTLY_BUNDLES:
            bundle = content["bundle"]
            self.send({"plotly": bundle}, [frontend.plotly_bundle(bundle).read_bytes()])
