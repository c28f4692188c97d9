"""The Export menu every view that shows runs places next to it: `export_menu(scenario, shown)`, for
a Playground or lesson scenario and its traces, a SweepScenario and the sweep's result, or a
NetScenario and its PlaneView.

The menu's contents are built only while it is open (a stateful popover: opening it reruns the
page once), so the ≈ 20 widgets inside cost nothing on the reruns that move a slider; they were
a third of a Playground rerun's script time. Files are built only when asked for: the light ones
(HTML, PNG, SVG, CSV, JSON) by the download button's deferred callable, on click; animations
(GIF, MP4) as a background job on the server's capped runner (viz/jobs.py), whose progress a
polling fragment shows while the menu is open, so no rerun waits for them. With `on_import`, a
configuration file of the view's kind can be loaded back (validated like a link).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from typing import Callable, Sequence
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from gradscape.trajectories.net_scenario import NetScenario
from gradscape.trajectories.network_views import PlaneView
from gradscape.trajectories.scenario import Scenario
from gradscape.trajectories.sweep_scenario import SweepScenario
from gradscape.viz import animate, export, network_export, render, sweep_export
from gradscape.viz.jobs import Busy, Job, JobRunner
from gradscape.viz.player import RunTrace
from gradscape.viz.sweeps import Maps, RateSweep
from gradscape.viz.text import short_plain

Traces = Sequence[tuple[int, RunTrace]]
IMAGE_SIZES = {f"{w}×{h}": (w, h) for w, h in render.PNG_SIZES}
POLL_S = 0.5


@st.cache_resource(show_spinner=False)
def runner() -> JobRunner:
    """One runner per server: one worker thread, at most four exports waiting or running."""
    return JobRunner(workers=1, queue_cap=4)


def _owner() -> str:
    """This browser session's id for the runner (one job at a time each)."""
    return st.session_state.setdefault("export.owner", uuid.uuid4().hex)


def _app_url() -> str:
    """The app's root address as this browser reached it: where an exported page links back to."""
    parts = urlsplit(st.context.url or "")
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return urlunsplit((parts.scheme, parts.netloc, f"/{base}/" if base else "/", "", ""))


def _stem(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "gradscape"


AnyScenario = Scenario | SweepScenario | NetScenario


def export_menu(scenario: AnyScenario, shown: Traces | Maps | RateSweep | PlaneView, *, key: str,
                title: str, zoom=None, on_import: Callable[[AnyScenario], None] | None = None) -> None:
    """An Export popover for what the view shows: `shown` as (run index, RunTrace) of a `scenario`,
    a sweep's result (maps or rate curves) of a SweepScenario, or the plane view of a NetScenario."""
    stem = _stem(title)
    codec = export.PLAYGROUND
    menu = st.popover("Export", icon=":material/download:", key=f"{key}.open", on_change="rerun")
    if not menu.open:
        return
    with menu:
        app_url = _app_url()
        if isinstance(scenario, SweepScenario):
            _sweep_files(scenario, shown, key=key, title=title, stem=stem, app_url=app_url)
            codec = sweep_export.SWEEP
        elif isinstance(scenario, NetScenario):
            _network_files(scenario, shown, key=key, title=title, stem=stem, app_url=app_url)
            codec = network_export.NETWORK
        elif not shown:
            st.caption("Switch a run on to export it.")
        else:
            _files(scenario, shown, key=key, title=title, stem=stem, zoom=zoom, app_url=app_url)
            _animation(scenario, shown, key=key, stem=stem, zoom=zoom)
        if on_import is not None:
            _import(key, on_import, codec)


def _numbers(s, key: str, stem: str, what: str, csv: Callable[[], str], data: Callable[[], str], codec: export.Codec) -> None:
    """The numbers (CSV, JSON) and the configuration's download buttons."""
    st.markdown(f"**Numbers** — {what}")
    csv_box, json_box, cfg_box = st.columns(3)
    csv_box.download_button("CSV", csv, file_name=f"{stem}.csv", mime="text/csv", on_click="ignore", key=f"{key}.csv")
    json_box.download_button("JSON", data, file_name=f"{stem}.json", mime="application/json", on_click="ignore",
                             key=f"{key}.json")
    cfg_box.download_button("Configuration", export.config_json(s, codec), file_name=f"{stem}-config.json",
                            mime="application/json", on_click="ignore", key=f"{key}.config",
                            help="Load it back with 'Import a configuration'.")


def _pictures(key: str, stem: str, png: Callable[[int, int], bytes], svg: Callable[[], str]) -> None:
    """A PNG at the chosen size and an SVG (960 × 540)."""
    png_box, svg_box, size_box = st.columns(3, vertical_alignment="bottom")
    width, height = IMAGE_SIZES[size_box.selectbox("PNG size", list(IMAGE_SIZES), key=f"{key}.size")]
    png_box.download_button("PNG", lambda: png(width, height), file_name=f"{stem}.png", mime="image/png",
                            on_click="ignore", key=f"{key}.png")
    svg_box.download_button("SVG", svg, file_name=f"{stem}.svg", mime="image/svg+xml", on_click="ignore", key=f"{key}.svg")


def _sweep_files(s: SweepScenario, result: Maps | RateSweep, *, key: str, title: str, stem: str, app_url: str) -> None:
    st.markdown("**Interactive page** — hover the cells or points offline, one file")
    st.download_button("Interactive HTML", lambda: sweep_export.sweep_html(s, result, title=title, app_url=app_url),
                       file_name=f"{stem}.html", mime="text/html", on_click="ignore", key=f"{key}.html", icon=":material/html:")
    st.markdown("**Picture** — " + ("the chart" if s.kind == "lr" else "the map" if len(result.maps) == 1 else "the maps"))
    _pictures(key, stem, lambda w, h: sweep_export.png(s, result, w, h), lambda: sweep_export.svg(s, result))
    _numbers(s, key, stem, "one row per rate and start point" if s.kind == "lr" else "one row per cell",
             lambda: sweep_export.sweep_csv(s, result), lambda: sweep_export.sweep_json(s, result), sweep_export.SWEEP)


def _network_files(s: NetScenario, view: PlaneView, *, key: str, title: str, stem: str, app_url: str) -> None:
    st.markdown("**Interactive page** — the plane, the paths, the curves and the decision boundary on one playhead, offline, one file")
    st.download_button("Interactive HTML", lambda: network_export.network_html(s, view, title=title, app_url=app_url),
                       file_name=f"{stem}.html", mime="text/html", on_click="ignore", key=f"{key}.html", icon=":material/html:")
    st.caption("A picture of one chart: the camera button in the chart's toolbar.")
    _numbers(s, key, stem, "every recorded step of every run", lambda: network_export.network_csv(s, view),
             lambda: network_export.network_json(s, view), network_export.NETWORK)


def _files(s: Scenario, traces: Traces, *, key: str, title: str, stem: str, zoom, app_url: str) -> None:
    st.markdown("**Interactive page** — plays offline, one file")
    html_box, surface_box = st.columns(2, vertical_alignment="center")
    surface = surface_box.checkbox("with the 3-D surface", value=s.view != "2d", key=f"{key}.surface")
    shown = replace(s, view="both" if surface else "2d")
    html_box.download_button("Interactive HTML", lambda: export.player_html(shown, traces, title=title, zoom=zoom, app_url=app_url),
                             file_name=f"{stem}.html", mime="text/html", on_click="ignore", key=f"{key}.html",
                             icon=":material/html:")
    st.markdown("**Picture of one step**")
    step = int(st.number_input("step", 0, s.steps, s.steps, key=f"{key}.step.{s.steps}"))  # a new range, a new widget
    _pictures(key, f"{stem}-step{step}", lambda w, h: render.png(render.layout(s, traces, w, h, zoom), step),
              lambda: render.svg(render.layout(s, traces, *render.SVG_SIZE, zoom), step))
    _numbers(s, key, stem, "every step of every start point", lambda: export.trajectories_csv(s, traces),
             lambda: export.trajectories_json(s, traces), export.PLAYGROUND)


def _animation(s: Scenario, traces: Traces, *, key: str, stem: str, zoom) -> None:
    st.markdown("**Animation** — the map with the rate and loss panels in step")
    fmt_box, size_box = st.columns(2)
    fmt = fmt_box.segmented_control("format", ["gif", "mp4"], default="gif", key=f"{key}.fmt",
                                    format_func=str.upper) or "gif"
    size = size_box.selectbox("size", [f"{w}×{h}" for w, h in animate.SIZES], index=1, key=f"{key}.asize")
    fps_box, stride_box = st.columns(2)
    fps = fps_box.number_input("frames/s", *animate.FPS_RANGE, 20, key=f"{key}.fps")
    stride = stride_box.number_input("one frame every … steps", 1, s.steps, animate.default_stride(s.steps), key=f"{key}.stride.{s.steps}")
    width, height = (int(v) for v in size.split("×"))
    spec = animate.AnimationSpec(fmt, width, height, int(fps), int(stride))
    frames = len(animate.frame_steps(s.steps, spec.stride))
    job_key = f"{key}.job"
    if st.button(f"Render {fmt.upper()} ({frames} frames)", key=f"{key}.render", icon=":material/movie:"):
        try:
            spec.validate(s.steps)
            st.session_state[job_key] = runner().submit(
                _owner(), f"{stem}.{fmt}", "image/gif" if fmt == "gif" else "video/mp4",
                lambda progress: animate.animation(s, traces, spec, progress, zoom))
        except (ValueError, Busy) as err:
            st.error(str(err), icon=":material/error:")
    job = st.session_state.get(job_key)
    if job is not None:
        _progress(job, key)


def _progress(job: Job, key: str) -> None:
    """The job's progress bar, polled while it runs, then its download."""
    polling = not job.finished

    @st.fragment(run_every=POLL_S if polling else None)
    def show() -> None:
        if not job.finished:
            text = "waiting for the renderer…" if job.state == "queued" else f"frame {job.done} of {job.total}"
            st.progress(job.fraction, text=text)
        elif polling:
            st.rerun()  # stop polling: the whole page reruns once with the finished job
        elif job.error is not None:
            st.error(f"The animation could not be made: {job.error}", icon=":material/error:")
        else:
            st.download_button(f"Download {job.filename} ({len(job.result) / 1e6:.1f} MB)", job.result,
                               file_name=job.filename, mime=job.mime, on_click="ignore", key=f"{key}.job.{job.id}",
                               type="primary", icon=":material/download:")

    show()


def _import(key: str, on_import: Callable, codec: export.Codec) -> None:
    st.markdown("**Import a configuration**")
    upload = st.file_uploader("configuration (JSON)", type=["json"], key=f"{key}.upload",
                              max_upload_size=1, label_visibility="collapsed")
    if upload is None:
        return
    scenario, notes = export.read_config(upload.getvalue(), codec)
    name = short_plain(upload.name)  # the file's name and the values notes quote are the user's text
    if scenario is None:
        st.error(f"{name}: {short_plain(notes[0])}", icon=":material/error:")
        return
    for note in notes:
        st.warning(f"{name}: {short_plain(note)}", icon=":material/warning:")
    st.button("Load this configuration", key=f"{key}.load", on_click=on_import, args=(scenario,), type="primary")
