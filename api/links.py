"""What a link or a configuration file asks for, read strictly: the same readers and checks as the
app's pages (`from_query` of each view, `export.read_any_config`), but where the app would open a
link with a change and a warning (an unknown optimizer becomes Adam), this raises ValueError naming it.

A link's page is its path's last part, as navigation.py names the pages: the app's root (a path
ending in "/", or none) and `/playground` are the Playground, `/lessons`, `/networks` and `/sweeps`
the others; whatever comes before it is the server's base path (Streamlit's server.baseUrlPath).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from gradscape import lessons
from gradscape.lessons.base import Lesson
from gradscape.trajectories import net_scenario, scenario, sweep_scenario
from gradscape.viz import export, network_export, sweep_export

# Each page's url_path in navigation.py (tests/test_api.py holds them equal); "" is the app's root.
PAGES = {"": "Playground", "playground": "Playground", "lessons": "Lessons", "networks": "Neural net", "sweeps": "Sweeps",
         "schedules": "Schedules", "optimizers": "Optimizer reference"}
READERS = {"Playground": scenario.from_query, "Neural net": net_scenario.from_query, "Sweeps": sweep_scenario.from_query}
CODECS = (export.PLAYGROUND, network_export.NETWORK, sweep_export.SWEEP)
LESSON_KEYS = ("lesson", "present")


@dataclass(frozen=True)
class Read:
    """What a link or file holds: a Scenario, NetScenario, SweepScenario or Lesson, the page it opens
    on, and the app's root address an exported page links back to."""

    value: Any
    page: str
    app_url: str = export.DEFAULT_APP_URL


def is_link(text: str) -> bool:
    return "://" in text


def _strict(where: str, value: Any, warnings: list[str]) -> Any:
    if warnings:
        more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
        raise ValueError(f"{where}: {warnings[0]}{more} Not run: the app would open it with that change.")
    return value


def read_link(link: str) -> Read:
    """The view a full link of the app opens (http(s)://host[:port][/base]/<page>?query)."""
    parts = urlsplit(link.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{link[:80]}' is not a full link of the app (http://host:port/page?…)")
    segments = [s for s in parts.path.split("/") if s]
    if segments and not parts.path.endswith("/"):
        last = segments.pop()
        if last not in PAGES:
            known = ", ".join(f"/{p}" for p in PAGES)
            raise ValueError(f"the link's page '/{last[:40]}' is not one of the app's pages ({known})")
    else:
        last = ""
    page = PAGES[last]
    app_url = urlunsplit((parts.scheme, parts.netloc, "/" + "".join(f"{s}/" for s in segments), "", ""))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    repeated = sorted({k for k, _ in pairs if sum(1 for j, _ in pairs if j == k) > 1})
    if repeated:
        raise ValueError(f"the link: '{repeated[0]}' appears more than once (the app would use the last value)")
    query = dict(pairs)
    if page == "Lessons":
        return Read(_lesson(query), page, app_url)
    if page not in READERS:
        raise ValueError(f"the link opens the {page} page, which has no runs to compute")
    return Read(_strict("the link", *READERS[page](query)), page, app_url)


def _lesson(query: dict[str, str]) -> Lesson:
    """The lesson of a Lessons link: `lesson=<slug>` (the app's first lesson when missing), `present=0|1`."""
    extra = [k for k in query if k not in LESSON_KEYS]
    if extra:
        raise ValueError(f"the link: the Lessons page does not use {', '.join(repr(k) for k in extra)}")
    if query.get("present", "0") not in ("0", "1"):
        raise ValueError(f"the link: 'present={query['present'][:20]}' should be 0 or 1")
    return lessons.get(query.get("lesson", lessons.LESSONS[0].slug))


def read_file(path: str | os.PathLike) -> Read:
    """The view an exported configuration (or data) file holds; its kind decides the page."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as err:
        raise ValueError(f"{file}: cannot be read ({err.strerror or err})") from None
    codec, value, warnings = export.read_any_config(data, CODECS)
    if codec is None:
        raise ValueError(f"{file}: {warnings[0]}")
    page = {None: "Playground", "network": "Neural net", "sweep": "Sweeps"}[codec.kind]
    return Read(_strict(str(file), value, warnings), page)


def read(source: str | os.PathLike) -> Read:
    """A full link or the path of a configuration file."""
    if isinstance(source, str) and is_link(source):
        return read_link(source)
    return read_file(source)
