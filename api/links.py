"""What a link or a configuration file asks for, read strictly: the same readers and checks as the
app's pages (`from_query` of each view, `export.read_any_config`), but where the app would open a
link with a change and a warning (an unknown optimizer becomes Adam), this raises ValueError naming it.

A link is read in every form a user pastes: the full address the app's Copy link gives
(http://host:port/page?query), the same without its scheme (host:port/page?query), its path and
query alone (/page?query, resolved against DEFAULT_APP_URL, where `gradscape serve` serves), or the
query alone (?query). A link's page is its path's last part, as navigation.py names the pages: the
app's root (a path ending in "/", or none) and `/playground` are the Playground, `/lessons`,
`/networks` and `/sweeps` the others; whatever comes before it is the server's base path (Streamlit's
server.baseUrlPath). A bare query names no page: it opens the page its own keys belong to
(`query_page`), the Playground when they fit it. `read` takes an existing file as a configuration
file, whatever its name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

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


HOST_PORT = re.compile(r"[A-Za-z0-9.-]+:[0-9]+(?=[/?]|$)")  # localhost:8501/…: an address without its scheme
FORMS = "http://host:port/page?…, /page?… or ?…"


def query_page(query: dict[str, str]) -> str:
    """The page a bare query opens: `lesson=` the Lessons, `sweep=` the Sweeps, a key only the Neural net
    page reads (`data=`, `h=`, …) the Neural net; else the app's root, the Playground."""
    if "lesson" in query:
        return "Lessons"
    if "sweep" in query:
        return "Sweeps"
    if set(query) & (set(net_scenario.NET.keys) - set(scenario.SCENARIO.keys)):
        return "Neural net"
    return "Playground"


def _absolute(link: str) -> str | None:
    """`link` as a full http(s) address (a path or query alone against DEFAULT_APP_URL), or None when it is
    no form of a link."""
    if link.startswith(("?", "/")) and not link.startswith("//"):
        return urljoin(export.DEFAULT_APP_URL, link)
    if HOST_PORT.match(link):
        return f"http://{link}"
    scheme = urlsplit(link).scheme
    return link if scheme in ("http", "https") and urlsplit(link).netloc else None


def is_link(text: str) -> bool:
    """Whether `text` reads as a link rather than a file name: an address (with or without its scheme), a
    query alone, or a path with a query, to one of the app's pages, or "/"."""
    text = text.strip()
    if "://" in text or text.startswith("?") or HOST_PORT.match(text):
        return True
    if not text.startswith("/") or text.startswith("//"):
        return False
    path = urlsplit(text).path
    last = path.rpartition("/")[2]
    return "?" in text or path == "/" or (last != "" and last in PAGES)


def _strict(where: str, value: Any, warnings: list[str]) -> Any:
    if warnings:
        more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
        raise ValueError(f"{where}: {warnings[0]}{more} Not run: the app would open it with that change.")
    return value


def read_link(link: str) -> Read:
    """The view a link of the app opens, in any of its forms (http(s)://host[:port][/base]/<page>?query,
    host:port/<page>?query, /[base/]<page>?query, ?query)."""
    full = _absolute(link.strip())
    if full is None:
        raise ValueError(f"'{link[:80]}' is not a link of the app ({FORMS})")
    parts = urlsplit(full)
    segments = [s for s in parts.path.split("/") if s]
    if segments and not parts.path.endswith("/"):
        last = segments.pop()
        if last not in PAGES:
            known = ", ".join(f"/{p}" for p in PAGES)
            raise ValueError(f"the link's page '/{last[:40]}' is not one of the app's pages ({known})")
    else:
        last = ""
    app_url = urlunsplit((parts.scheme, parts.netloc, "/" + "".join(f"{s}/" for s in segments), "", ""))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    repeated = sorted({k for k, _ in pairs if sum(1 for j, _ in pairs if j == k) > 1})
    if repeated:
        raise ValueError(f"the link: '{repeated[0]}' appears more than once (the app would use the last value)")
    query = dict(pairs)
    page = query_page(query) if link.strip().startswith("?") else PAGES[last]
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


def _on_disk(source: str | os.PathLike) -> tuple[bool, bool]:
    """Whether `source` names something on disk, and whether a file."""
    try:
        return Path(source).exists(), Path(source).is_file()
    except (OSError, ValueError):  # a name too long for the file system, or with a NUL
        return False, False


def read(source: str | os.PathLike) -> Read:
    """A link of the app in any of its forms, or the path of a configuration file: an existing file is
    read as a file; a name that is neither a file nor a link is refused naming both."""
    exists, is_file = _on_disk(source)
    if isinstance(source, str) and not is_file and is_link(source):
        return read_link(source)
    if isinstance(source, str) and not exists:
        raise ValueError(f"'{source[:80]}' is neither an existing file nor a link of the app ({FORMS})")
    return read_file(source)
