"""The player's browser code (ui/frontend/), assembled for a host.

The player is split by concern into plain scripts that share one scope; a host gets them
concatenated in a fixed order after common.js (shared with the sweep map; each file only uses
what the files before it define, plus the methods the core gathers), followed by its adapter:
`streamlit` (the components v2 module, with its default export), `standalone` (an exported
HTML file, data embedded) or `anywidget` (the notebook widget's ESM, gradscape.Player: one module,
since anywidget loads it from a blob URL where relative imports fail). One player, three hosts.
No Streamlit here: the export builders use it too.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import plotly

FRONTEND = Path(__file__).resolve().parent.parent / "ui" / "frontend"
MODULES = ("data", "canvas", "map2d", "drag", "map3d", "curves", "boundary", "playhead", "report", "tune", "player")
HOSTS = ("streamlit", "standalone", "anywidget")
SWEEP_MAP_HOSTS = ("streamlit", "standalone")  # the sweep map has no notebook widget
PLOTLY_SOURCE = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"  # the full bundle: exports
PLOTLY_BUNDLES = ("cartesian", "gl3d")  # what the app serves: 2-D plots on every page, 3-D ones once a 3-D view shows
# Which bundle draws each script's traces: the 3-D surface's, and everything else (tests/test_plotly_bundles.py).
PLOTLY_BUNDLE_OF = {"player/map3d.js": "gl3d"}


@functools.cache
def plotly_pins() -> dict:
    """The vendored partial bundles' pins (ui/frontend/vendor/plotly.json, scripts/vendor_plotly.py)."""
    return json.loads((FRONTEND / "vendor" / "plotly.json").read_text(encoding="utf-8"))


def plotly_bundle(name: str) -> Path:
    """The vendored plotly.js partial bundle `name` (one of PLOTLY_BUNDLES): npm's file, byte for byte."""
    if name not in PLOTLY_BUNDLES:
        raise ValueError(f"unknown plotly.js bundle {name!r}; expected one of {PLOTLY_BUNDLES}")
    return FRONTEND / "vendor" / f"plotly-{name}-{plotly_pins()['version']}.min.js"


def _read(name: str) -> str:
    return (FRONTEND / name).read_text(encoding="utf-8")


def common_js() -> str:
    """What every view's script starts with: plotly.js loading, the plots' shared config (CONFIG), base64."""
    return _read("common.js")


@functools.lru_cache(maxsize=8)
def player_js(host: str) -> str:
    """The player's scripts, then the adapter for `host` (one of HOSTS)."""
    if host not in HOSTS:
        raise ValueError(f"unknown player host {host!r}; expected one of {HOSTS}")
    return "\n".join([common_js(), *(_read(f"player/{name}.js") for name in (*MODULES, host))])


def player_html() -> str:
    return _read("player.html")


def player_css() -> str:
    return _read("player.css")


def standalone_css() -> str:
    """The page around the player in an exported file."""
    return _read("player/standalone.css")


@functools.cache
def plotly_js() -> str:
    """The full plotly.js bundled with the installed plotly package (an export inlines it: works offline)."""
    return PLOTLY_SOURCE.read_text(encoding="utf-8")


def sweep_map(ext: str) -> str:
    """The sweep map's html or css file from ui/frontend/."""
    return _read(f"sweepmap.{ext}")


@functools.lru_cache(maxsize=4)
def sweep_map_js(host: str) -> str:
    """The sweep map's script after the shared one; for the `streamlit` host with the components-v2
    default export, for `standalone` (an exported page) without: the page mounts a SweepView itself."""
    if host not in SWEEP_MAP_HOSTS:
        raise ValueError(f"unknown sweep map host {host!r}; expected one of {SWEEP_MAP_HOSTS}")
    adapter = "export default onePerParent((parent) => new SweepView(parent));" if host == "streamlit" else ""
    return "\n".join([common_js(), _read("sweepmap.js"), adapter])
