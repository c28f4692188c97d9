"""plotly.js as the app serves it: npm's partial bundles, vendored byte for byte (the pins' sha256;
scripts/vendor_plotly.py --check compares with the registry itself), of the plotly package's own
plotly.js version, and every trace type a browser script draws registered in the bundle that serves
that script (a trace type missing from a bundle draws nothing, and says nothing)."""

from __future__ import annotations

import hashlib
import re

import pytest
from plotly.offline.offline import get_plotlyjs_version

from gradscape.viz import frontend

TRACE_MODULE = re.compile(r'moduleType:"trace",name:"(\w+)"')  # how a plotly.js build registers a trace type
TYPE_LITERAL = re.compile(r'\btype: "(\w+)"')


def registered(text: str) -> set[str]:
    return set(TRACE_MODULE.findall(text))


@pytest.mark.parametrize("bundle", frontend.PLOTLY_BUNDLES)
def test_each_bundle_is_the_pinned_npm_file_of_the_plotly_packages_version(bundle):
    pins = frontend.plotly_pins()
    data = frontend.plotly_bundle(bundle).read_bytes()
    assert hashlib.sha256(data).hexdigest() == pins["bundles"][bundle]["sha256"]
    assert pins["version"] == get_plotlyjs_version()
    assert data.startswith(f"/**\n* plotly.js ({bundle} - minified) v{pins['version']}\n".encode())


def test_every_trace_type_a_script_draws_is_in_the_bundle_that_serves_it():
    full = registered(frontend.plotly_js())  # every trace type plotly.js knows
    bundles = {b: registered(frontend.plotly_bundle(b).read_text(encoding="utf-8")) for b in frontend.PLOTLY_BUNDLES}
    assert {"scatter", "contour", "surface", "scatter3d", "heatmap"} <= full
    scripts = sorted(frontend.FRONTEND.glob("*.js")) + sorted(frontend.FRONTEND.glob("player/*.js"))
    drawn = {}
    for path in scripts:
        name = path.relative_to(frontend.FRONTEND).as_posix()
        types = set(TYPE_LITERAL.findall(path.read_text(encoding="utf-8"))) & full  # axis types ("log") are not traces
        bundle = frontend.PLOTLY_BUNDLE_OF.get(name, "cartesian")
        assert types <= bundles[bundle], f"{name} draws {sorted(types - bundles[bundle])}, missing from the {bundle} bundle"
        drawn[name] = types
    assert drawn["player/map3d.js"] == {"surface", "scatter3d"} and {"surface", "scatter3d"}.isdisjoint(bundles["cartesian"])
    assert drawn["player/map2d.js"] == {"contour", "scatter"} and drawn["sweepmap.js"] == {"heatmap", "scatter"}
