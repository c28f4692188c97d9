"""viz/export.py, viz/render.py, viz/animate.py, viz/jobs.py: the files a view exports, checked
against the run record they come from (CSV/JSON numbers, heads drawn where the record says),
read back with independent readers (csv, json, Pillow, imageio-ffmpeg, xml), and the job runner's caps."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import threading
import time
import warnings
import xml.etree.ElementTree as ET
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import imageio_ffmpeg
import numpy as np
import plotly.colors
import pytest
from PIL import Image

from gradscape import landscapes
from gradscape import lessons
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query, to_query
from gradscape.viz import animate, export, frontend, render, text
from gradscape.viz.jobs import DONE, FAILED, Busy, JobRunner
from gradscape.viz.player import decode_f32, run_trace

SMALL = Scenario(runs=(RunSpec("adam", 0.05), RunSpec("sgd", 1e-3, schedule="cosine")), steps=60,
                 starts=((-1.5, 2.0), (1.5, 2.5)))


def traces_of(s: Scenario) -> list:
    return [(i, run_trace(s, i)) for i, r in enumerate(s.runs) if r.enabled]


def test_csv_round_trips_to_the_run_record():
    rows = list(csv.DictReader(io.StringIO(export.trajectories_csv(SMALL, traces_of(SMALL)))))
    assert len(rows) == len(SMALL.runs) * 2 * (SMALL.steps + 1)
    assert tuple(rows[0]) == export.CSV_COLUMNS
    for i, t in traces_of(SMALL):
        rec = t.record
        mine = [r for r in rows if r["run"] == str(i + 1)]
        start = np.array([int(r["start"]) for r in mine])
        step = np.array([int(r["step"]) for r in mine])
        for col, want in (("x", rec.positions[..., 0]), ("y", rec.positions[..., 1]), ("f", rec.losses)):
            np.testing.assert_array_equal(np.array([r[col] for r in mine], np.float32), want[start, step])
        inner = step < SMALL.steps
        np.testing.assert_array_equal(np.array([r["grad_x"] for r, ok in zip(mine, inner) if ok], np.float32), rec.grads[start[inner], step[inner], 0])
        np.testing.assert_array_equal(np.array([r["lr"] for r, ok in zip(mine, inner) if ok], np.float32), rec.lrs[start[inner], step[inner]])
        assert all(r["lr"] == "" and r["grad_y"] == "" for r, ok in zip(mine, inner) if not ok)  # no update from the last step
        assert {r["status"] for r in mine if r["start"] == "1"} == {rec.status_text(1)}
        assert {r["label"] for r in mine} == {SMALL.runs[i].display_label()}
    assert (rows[0]["x"], rows[0]["y"], rows[0]["lr"]) == ("-1.5", "2.0", "0.05")  # float32 values, shortest text


def test_float32_numbers_are_written_with_the_shortest_text_that_reads_back():
    a = np.array([0.01, 1e-10, 3.4e38, 123456789, -0.0, np.nan, np.inf], np.float32)
    texts = export.number_texts(a)
    assert texts[:2] == ["0.01", "1e-10"] and texts[-2:] == ["", "inf"]
    np.testing.assert_array_equal(np.array(texts[:5], np.float32), a[:5])
    assert json.loads(json.dumps(export.json_numbers(a))) == [0.01, 1e-10, 3.4e38, 123456790.0, -0.0, None, None]
    assert export.number_texts(np.array([0.1 + 0.2])) == [repr(0.1 + 0.2)]  # float64 keeps its own digits


@pytest.mark.parametrize("label", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"])
def test_a_label_never_becomes_a_spreadsheet_formula(label):
    label = label.replace("\\t", "\t")
    s = Scenario(runs=(RunSpec("adam", 0.05, label=label),), steps=5)
    rows = list(csv.DictReader(io.StringIO(export.trajectories_csv(s, traces_of(s)))))
    assert {r["label"] for r in rows} == {"'" + label}
    assert text.csv_field("a=b") == "a=b" and text.csv_field("x, -1") == '"x, -1"'  # only a leading sign counts


def test_trajectories_json_holds_the_record_and_the_configuration():
    doc = json.loads(export.trajectories_json(SMALL, traces_of(SMALL)))
    assert from_query(doc["query"]) == (SMALL, [])
    for (i, t), run in zip(traces_of(SMALL), doc["runs"]):
        assert run["run"] == i + 1 and len(run["trajectories"]) == 2
        tj = run["trajectories"][1]
        np.testing.assert_array_equal(np.float32(tj["f"]), t.record.losses[1])
        assert tj["lr"][-1] is None and np.array_equal(np.float32(tj["lr"][:-1]), t.record.lrs[1])
    assert doc["runs"][0]["trajectories"][0]["lr"][0] == 0.05  # not 0.05000000074505806


@pytest.mark.parametrize("scenario", [Scenario(), SMALL, replace(SMALL, noise=0.3, seed=7, view="both", log_loss=False)]
                         + [lesson.scenario for lesson in lessons.LESSONS[:4] if lesson.scenario is not None])
def test_configuration_re_imports_to_the_same_scenario(scenario):
    assert export.read_config(export.config_json(scenario).encode()) == (scenario, [])


@pytest.mark.parametrize("data, says", [
    (b"x" * (export.CONFIG_MAX_BYTES + 1), "at most 64 kB"),
    (b"\xff\xfe not text", "not JSON"),
    (b"{ nope", "not JSON"),
    (b"[1, 2]", "no 'version'"),
    (json.dumps({"version": 2, "query": {}}).encode(), "version 2 is not supported"),
    (json.dumps({"version": 1, "query": ["ls", "peaks"]}).encode(), "'query' must be an object"),
    (b"[" * 5000 + b"]" * 5000, "nests brackets 5000 deep"),
    (b'{"version": 1, "query": ' + b"{" * 20_000, "nests brackets 20001 deep"),
    (json.dumps({"version": True, "query": {}}).encode(), "version true is not supported"),
    (json.dumps({"version": 1.0, "query": {}}).encode(), "version 1.0 is not supported"),
    (json.dumps({"version": "1", "query": {}}).encode(), 'version "1" is not supported'),
    (b'{"version": 1, "query": {"steps": "' + b"9" * 5000 + b'"}, "n": ' + b"9" * 5000 + b"}", "not JSON"),
])
def test_bad_configuration_files_are_refused_in_words(data, says):
    scenario, notes = export.read_config(data)
    assert scenario is None and len(notes) == 1 and says in notes[0]


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert export.nesting_depth('{"a": "[[[[{{{{\\"]]]", "b": [[1]]}') == 3
    query = {**to_query(SMALL), "l1": "[" * 100}
    assert export.read_config(json.dumps({"version": 1, "query": query}).encode())[0] is not None


def test_a_codec_that_fails_on_a_file_gives_words_not_a_traceback():
    def broken(query):
        raise RecursionError("/srv/gradscape/secret/path.py")
    scenario, notes = export.read_config(export.config_json(SMALL).encode(), replace(export.PLAYGROUND, parse=broken))
    assert scenario is None and notes == ["the file's values could not be read: export one with 'Configuration (JSON)'."]


def test_bad_values_in_a_configuration_fall_back_with_warnings_like_a_link():
    query = {**to_query(SMALL), "steps": "999999", "r1": "nosuchopt;lr=1"}
    scenario, notes = export.read_config(json.dumps({"version": 1, "query": query}).encode())
    assert (scenario, notes) == from_query(query) and len(notes) == 2


def test_html_plays_from_one_file_under_6_mb_for_6_runs_of_1000_steps():
    runs = tuple(RunSpec(o, lr) for o, lr in [("sgd", 1e-3), ("momentum", 1e-3), ("adam", 0.05), ("rmsprop", 0.01),
                                              ("adagrad", 0.5), ("nesterov", 1e-3)])
    s = Scenario(runs=runs, steps=1000)
    page = export.player_html(s, traces_of(s), title="six runs </script> & <b>")
    assert len(page.encode()) <= 6_000_000
    ours = page.replace(frontend.plotly_js(), "")
    assert len(page) - len(ours) == len(frontend.plotly_js())  # plotly.js inlined, once
    ours = re.sub(r'<a class="ovz-app-link" href="[^"]*"', "", ours, count=1)  # a link to follow, not a file to fetch
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", ours)  # nothing to fetch (the browser test blocks the network)
    assert page.count("</script>") == 3 and "six runs &lt;/script&gt; &amp; &lt;b&gt;" in page
    blob = page.split('<script type="application/json" id="ovz-data">')[1].split("</script>")[0]
    data = json.loads(blob)
    assert data["landscape"]["url"] is None and len(data["landscape"]["grid"]) > 0
    assert [r["label"] for r in data["runs"]] == [r.display_label() for r in runs]
    np.testing.assert_array_equal(decode_f32(data["runs"][2]["pos"])[:2], s.runs and traces_of(s)[2][1].record.positions[0, 0])


def test_embedded_data_cannot_end_or_comment_out_its_script():
    value = {"label": "<!--<script></script>&\u2028\u2029", "gap": float("nan")}
    script = text.script_json(value)
    assert not set(script) & set("<>&\u2028\u2029") and "NaN" in script
    assert json.loads(script)["label"] == value["label"]
    s = replace(SMALL, runs=(RunSpec("adam", 0.05, label="<!--<script>"),))
    blob = export.player_html(s, traces_of(s), title="t").split('id="ovz-data">')[1].split("</script>")[0]
    assert "<" not in blob and json.loads(blob)["runs"][0]["label"] == "<!--<script>"


def page_title_and_link(page: str) -> tuple[str, str]:
    """An exported page's <title> and the address its footer links to, as a browser reads them."""
    title = html.unescape(re.search(r"<title>(.*?)</title>", page).group(1))
    (link,) = re.findall(r'<a class="ovz-app-link" href="([^"]*)"', page)
    return title, html.unescape(link)


def test_html_is_titled_by_its_landscape_and_runs_and_links_back_to_the_scenario():
    s = replace(SMALL, runs=(RunSpec("adam", 0.05, label="fast <b>&"), RunSpec("sgd", 1e-3, schedule="cosine")))
    page = export.player_html(s, traces_of(s), title="Playground Rosenbrock (canyon)", app_url="http://class.example:8600/")
    title, link = page_title_and_link(page)
    assert title == "Playground Rosenbrock (canyon): fast <b>&, SGD"  # landscape named once, every run by its label
    assert "<title>Playground Rosenbrock (canyon): fast &lt;b&gt;&amp;, SGD</title>" in page  # escaped in the file
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "class.example:8600", "/")
    assert from_query(dict(parse_qsl(parts.query))) == (s, [])  # the link opens this very scenario in the Playground
    footer = page.split('<p class="ovz-caption">')[1].split("</p>")[0]
    assert '"query"' not in footer and "{" not in footer  # no raw JSON for the reader
    lesson = export.player_html(s, traces_of(s), title="Lesson 2 Schedules")
    assert page_title_and_link(lesson)[0] == "Lesson 2 Schedules — Rosenbrock (canyon): fast <b>&, SGD"


@pytest.mark.parametrize("app_url", ["javascript:alert(1)//", "", "file:///etc/", "http://"])
def test_a_link_back_only_ever_points_at_a_web_address(app_url):
    link = export.app_link(app_url, "sweeps", {"ls": "peaks"})
    assert link == f"{export.DEFAULT_APP_URL}sweeps?ls=peaks"
    assert export.app_link("https://school.example/gradscape/", "", {"a": "1 2"}) == "https://school.example/gradscape/?a=1+2"


def test_viridis_lookup_table_runs_through_plotly_stops():
    lut = render.viridis_lut()
    stops = [plotly.colors.hex_to_rgb(c) for c in plotly.colors.sequential.Viridis]
    assert lut.shape == (256, 3) and tuple(lut[0]) == stops[0] and tuple(lut[-1]) == stops[-1]


def test_png_draws_every_head_where_the_record_says():
    traces = traces_of(SMALL)
    f = render.layout(SMALL, traces, 1280, 720)
    step = 25
    image = Image.open(io.BytesIO(render.png(f, step)))
    assert image.size == (1280, 720)
    px = image.convert("RGB").load()
    heads = [(float(f.map.x.px(p[step, 0])), float(f.map.y.px(p[step, 1])), tr.color)
             for (_, t), tr in zip(traces, f.tracks) for p in t.record.positions]  # in drawing order
    checked = 0
    for n, (x, y, color) in enumerate(heads):
        covered = any(np.hypot(x - x2, y - y2) < 20 for x2, y2, _ in heads[n + 1:])
        if not covered and f.map.x.p0 + 8 < x < f.map.x.p1 - 8 and f.map.y.p1 + 8 < y < f.map.y.p0 - 8:
            assert px[round(x), round(y)] == color
            checked += 1
    assert checked >= 2


def test_svg_is_vectors_over_an_embedded_landscape():
    traces = traces_of(SMALL)
    root = ET.fromstring(render.svg(render.layout(SMALL, traces, 960, 540), 30))
    ns = "{http://www.w3.org/2000/svg}"
    (image,) = root.iter(f"{ns}image")
    assert image.get("href").startswith("data:image/png;base64,")
    starts = sum(len(t.record.positions) for _, t in traces)
    rates = len(traces)  # one rate row per run
    points = len(landscapes.get(SMALL.landscape).points)
    assert len(list(root.iter(f"{ns}circle"))) == 3 * starts + rates + points  # start markers, map and loss heads; rate heads
    assert any("step 30 / 60" in (e.text or "") for e in root.iter(f"{ns}text"))


def test_gif_and_mp4_have_the_frames_and_size_asked_for():
    traces = traces_of(SMALL)
    steps = animate.frame_steps(SMALL.steps, 7)
    assert steps == [0, 7, 14, 21, 28, 35, 42, 49, 56, 60]
    seen = []
    gif = animate.animation(SMALL, traces, animate.AnimationSpec("gif", 640, 360, 10, 7), lambda d, n: seen.append((d, n)))
    assert seen[-1] == (len(steps), len(steps)) and len(seen) == len(steps)
    image = Image.open(io.BytesIO(gif))
    assert (image.format, image.size, image.n_frames) == ("GIF", (640, 360), len(steps))
    assert image.info["duration"] == 100
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mp4 = animate.animation(SMALL, traces, animate.AnimationSpec("mp4", 640, 360, 10, 7))
    assert not [w for w in caught if "fork" in str(w.message)]  # ffmpeg is spawned, the JAX process not forked
    path = f"/tmp/gradscape-test-{threading.get_ident()}.mp4"
    with open(path, "wb") as fh:
        fh.write(mp4)
    reader = imageio_ffmpeg.read_frames(path)
    meta = reader.__next__()
    assert meta["size"] == (640, 360) and meta["fps"] == 10
    assert sum(1 for _ in reader) == len(steps)


def key_swatches(f: render.Frame) -> list[tuple[int, int, tuple[int, int, int]]]:
    """Where each run's key line is drawn in a frame, and its colour."""
    return [(round(e.x + 10 * f.k), round(e.y), e.color) for e in f.legend]


@pytest.mark.parametrize("kind", ["gif", "mp4"])
def test_every_frame_of_an_animation_has_the_key_of_run_colours_and_labels(kind):
    s = replace(SMALL, runs=(*SMALL.runs, RunSpec("momentum", 1e-3, label="heavy <ball>")))
    traces = traces_of(s)
    f = render.layout(s, traces, 640, 360)
    assert [e.label for e in f.legend] == ["Adam (2 starts)", "SGD (2 starts)", "heavy <ball> (2 starts)"]
    assert [e.color for e in f.legend] == [render.hex_rgb(s.color(i)) for i in range(3)]
    below = max(f.map.box[3], f.loss.box[3]) + 20 * f.k  # under the panels and their axis titles, inside the frame
    assert all(below < e.y < f.height and 0 <= e.x < f.width for e in f.legend)
    data = animate.animation(s, traces, animate.AnimationSpec(kind, 640, 360, 10, 20))
    if kind == "gif":
        image = Image.open(io.BytesIO(data))
        frames = [np.asarray(image.seek(i) or image.convert("RGB")) for i in range(image.n_frames)]
    else:
        path = f"/tmp/gradscape-test-key-{threading.get_ident()}.mp4"
        with open(path, "wb") as fh:
            fh.write(data)
        reader = imageio_ffmpeg.read_frames(path)
        reader.__next__()
        frames = [np.frombuffer(b, np.uint8).reshape(360, 640, 3) for b in reader]
    assert len(frames) == len(animate.frame_steps(s.steps, 20))
    tolerance = 30 if kind == "gif" else 110  # H.264 blurs a thin line's colour; the other runs' are ≥ 229 away
    for frame in frames:
        for x, y, color in key_swatches(f):  # each run's line in its own colour
            assert np.abs(frame[y - 1:y + 2, x].astype(int) - color).sum(axis=1).min() < tolerance
        for e in f.legend:  # and its label written beside it
            ink = frame[round(e.y) - 4:round(e.y) + 4, round(e.x + 26 * f.k):round(e.x + 26 * f.k + 30)]
            assert (ink.astype(int).sum(axis=2) < 400).any()


def test_animation_spec_is_checked_at_the_boundary():
    with pytest.raises(ValueError, match="size must be one of"):
        animate.AnimationSpec("gif", 1000, 1000).validate(100)
    with pytest.raises(ValueError, match="frame rate"):
        animate.AnimationSpec("gif", fps=0).validate(100)
    with pytest.raises(ValueError, match="over the cap of 1000"):
        animate.AnimationSpec("mp4", stride=1).validate(5000)
    with pytest.raises(ValueError, match="format"):
        animate.AnimationSpec("avi").validate(100)


def wait(job, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.finished


def test_job_runner_caps_owners_and_the_queue_and_reports_progress_and_failure():
    runner = JobRunner(workers=1, queue_cap=2)
    gate = threading.Event()

    def slow(progress):
        progress(1, 2)
        gate.wait(10)
        progress(2, 2)
        return b"made"

    first = runner.submit("a", "a.gif", "image/gif", slow)
    with pytest.raises(Busy, match="still being made"):
        runner.submit("a", "a.gif", "image/gif", slow)
    second = runner.submit("b", "b.gif", "image/gif", slow)
    with pytest.raises(Busy, match="making 2 exports"):
        runner.submit("c", "c.gif", "image/gif", slow)
    gate.set()
    wait(first)
    wait(second)
    assert (first.state, first.result, first.fraction) == (DONE, b"made", 1.0)
    assert second.state == DONE

    def broken(progress):
        raise ValueError("frame rate out of range")

    again = JobRunner(workers=1)
    job = again.submit("a", "x.mp4", "video/mp4", broken)
    wait(job)
    assert (job.state, job.error) == (FAILED, "frame rate out of range")
    assert again.submit("a", "x.mp4", "video/mp4", lambda p: b"").owner == "a"  # a finished job frees its owner
