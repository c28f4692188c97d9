"""Vendor plotly.js's official partial bundles from the npm registry, byte for byte.

    python scripts/vendor_plotly.py           # fetch, check, write ui/frontend/vendor/plotly-<bundle>-<version>.min.js
    python scripts/vendor_plotly.py --check   # fetch, check, and compare with the files already there

The pins (ui/frontend/vendor/plotly.json) name each bundle's npm package, the version — the plotly
Python package's own plotly.js (tests/test_plotly_bundles.py checks it) — the tarball's npm integrity
(sha512) and the bundle's own sha256 (what the tests check offline). `npm pack` fetches each tarball;
its sha512 must equal the pin before the bundle is taken out of it unchanged. The app serves the cartesian bundle to every page and the gl3d one only once
a 3-D view is shown (ui/assets.py); HTML exports inline the plotly package's full bundle.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "ui" / "frontend" / "vendor"


def pins() -> dict:
    return json.loads((VENDOR / "plotly.json").read_text(encoding="utf-8"))


def bundle_path(name: str, version: str) -> Path:
    return VENDOR / f"plotly-{name}-{version}.min.js"


def fetch(package: str, version: str) -> bytes:
    """The package's tarball as the registry serves it (npm pack, npm's own client)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["npm", "pack", f"{package}@{version}", "--json", "--pack-destination", tmp],
                             check=True, capture_output=True, text=True)
        return (Path(tmp) / json.loads(out.stdout)[0]["filename"]).read_bytes()


def integrity(tarball: bytes) -> str:
    """npm's integrity string of a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode("ascii")


def extract(tarball: bytes, member: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        return tar.extractfile(member).read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the vendored files instead of writing them")
    args = parser.parse_args()
    spec = pins()
    failed = False
    for name, pin in spec["bundles"].items():
        tarball = fetch(pin["package"], spec["version"])
        got = integrity(tarball)
        if got != pin["integrity"]:
            print(f"{pin['package']}@{spec['version']}: integrity {got} is not the pinned {pin['integrity']}", file=sys.stderr)
            return 1
        data = extract(tarball, pin["member"])
        if hashlib.sha256(data).hexdigest() != pin["sha256"]:
            print(f"{pin['member']} of {pin['package']}@{spec['version']}: sha256 is not the pinned {pin['sha256']}", file=sys.stderr)
            return 1
        path = bundle_path(name, spec["version"])
        if args.check:
            same = path.is_file() and path.read_bytes() == data
            failed |= not same
            print(f"{path.name}: {'identical to' if same else 'DIFFERS from'} {pin['package']}@{spec['version']}")
        else:
            path.write_bytes(data)
            print(f"{path.name}: {len(data):,} bytes from {pin['package']}@{spec['version']} ({pin['integrity'][:20]}…)")
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
