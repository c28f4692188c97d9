"""The `gradscape` command (api/cli.py): three links run headless (Playground, Lesson, Neural net) print
what the engine computes and write the files asked for; a sweep link likewise; bad input ends with one
line and exit status 2, never a traceback; `gradscape serve` serves the app as `streamlit run app.py`.

Most cases call the command's `main` in this process (as the console script does); a few run it as
`python -m gradscape.api` in a process of its own, where a traceback would show."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from gradscape import lessons
from gradscape import trajectories as tr
from gradscape.api import cli
from gradscape.trajectories import network as nw
from gradscape.trajectories import plugins
from tests.e2e.harness import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
PLAYGROUND = "http://localhost:8501/?ls=himmelblau&r1=adam;lr=0.1&r2=momentum;lr=0.002&start=0,0;-1,1&steps=60"
LESSON = "http://localhost:8501/lessons?lesson=adagrad-vanishing-step"
NETWORK = "http://localhost:8501/networks?h=4&n=256&batch=32&steps=200&r1=adam;lr=0.02&r2=sgd;lr=0.5"


@pytest.fixture(autouse=True)
def no_plugins_from_the_environment(monkeypatch):
    monkeypatch.delenv(plugins.ENVIRONMENT, raising=False)


def gradscape(capsys, *args: str) -> tuple[int, list[str], list[str]]:
    """Exit status, stdout lines and stderr lines of `gradscape ARGS…` run in this process."""
    status = cli.main(list(args))
    out = capsys.readouterr()
    return status, out.out.splitlines(), out.err.splitlines()


def cells(line: str) -> list[str]:
    """A table row's cells (columns are separated by two spaces or more)."""
    return re.split(r"\s{2,}", line.strip())


def test_a_playground_link(capsys, tmp_path):
    status, out, err = gradscape(capsys, "run", PLAYGROUND, "--csv", str(tmp_path / "a.csv"), "--png", str(tmp_path / "a.png"),
                                 "--step", "30")
    assert status == 0, err
    assert cells(out[0]) == ["run", "start", "final loss", "end", "nearest minimum", "distance"]
    rows = [cells(line) for line in out[1:]]
    for k, (optimizer, lr) in enumerate((("adam", 0.1), ("momentum", 0.002))):
        rec = tr.run("himmelblau", optimizer, learning_rate=lr, starts=[(0, 0), (-1, 1)], steps=60)
        for j in range(2):
            assert rows[2 * k + j][2:4] == [f"{rec.losses[j, -1]:.4g}", rec.status_text(j)]
    assert (tmp_path / "a.csv").read_text().count("\n") == 1 + 2 * 2 * 61
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert err == [f"gradscape: wrote {tmp_path / 'a.csv'} ({(tmp_path / 'a.csv').stat().st_size / 1024:.0f} kB)",
                   f"gradscape: wrote {tmp_path / 'a.png'} ({(tmp_path / 'a.png').stat().st_size / 1024:.0f} kB)"]


def test_a_lesson_link_prints_its_runs_and_its_verdict(capsys, tmp_path):
    lesson = lessons.get("adagrad-vanishing-step")
    status, out, err = gradscape(capsys, "run", LESSON, "--json", str(tmp_path / "l.json"))
    assert status == 0, err
    assert [cells(line)[0] for line in out[1 : 1 + len(lesson.scenario.runs)]] == [lesson.scenario.label(i) for i in range(4)]
    finding = lesson.check()
    assert f"Verdict: {finding.verdict}" in out
    assert sum(line.strip().startswith(("✓ holds", "✗ does not hold")) for line in out) == len(finding.checks)
    assert (tmp_path / "l.json").stat().st_size > 0


def test_a_neural_net_link(capsys, tmp_path):
    status, out, err = gradscape(capsys, "run", NETWORK, "--html", str(tmp_path / "n.html"))
    assert status == 0, err
    assert cells(out[0]) == ["run", "optimizer", "final loss", "accuracy", "end"]
    record = nw.train(nw.NetworkProblem(hidden=4, n_points=256, batch_size=32), [nw.NetRun("adam", 0.02), nw.NetRun("sgd", 0.5)], 200)
    for j, line in enumerate(out[1:]):
        assert cells(line)[2:4] == [f"{record.loss[j, -1]:.4g}", f"{record.accuracy[j, -1]:.4g}"]
    assert (tmp_path / "n.html").read_text().startswith("<!doctype html>")


def test_a_sweep_link(capsys, tmp_path):
    status, out, err = gradscape(capsys, "sweep", "http://localhost:8501/sweeps?sweep=basin&ls=himmelblau&r1=adam&r2=sgd&res=12&steps=60",
                                 "--svg", str(tmp_path / "b.svg"))
    assert status == 0, err
    assert cells(out[0]) == ["map", "summary"] and len(out) == 3
    assert all(cells(line)[1].endswith("of starts reach a global minimum") for line in out[1:])
    assert (tmp_path / "b.svg").read_text().startswith("<svg")


def test_a_configuration_file(capsys, tmp_path):
    from gradscape.api import links
    from gradscape.viz import export

    config = tmp_path / "c.json"
    config.write_text(export.config_json(links.read(PLAYGROUND).value))
    status, out, _ = gradscape(capsys, "run", str(config))
    assert status == 0 and len(out) == 5 and cells(out[1])[:2] == ["Adam", "(0, 0)"]


@pytest.mark.parametrize("whole, forms", [
    (PLAYGROUND, ["/?" + PLAYGROUND.partition("?")[2], "?" + PLAYGROUND.partition("?")[2], "localhost:8501/?" + PLAYGROUND.partition("?")[2]]),
    (LESSON, ["/lessons?lesson=adagrad-vanishing-step", "?lesson=adagrad-vanishing-step"]),
    (NETWORK, ["/networks?" + NETWORK.partition("?")[2], "/class/networks?" + NETWORK.partition("?")[2]]),
], ids=["playground", "lesson", "network"])
def test_a_link_without_its_address_prints_what_the_whole_link_prints(capsys, whole, forms):
    """The path and query alone, or the query alone, as a user pastes them: the same table as the whole link."""
    status, expected, err = gradscape(capsys, "run", whole)
    assert status == 0 and len(expected) > 2, err
    for form in forms:
        assert gradscape(capsys, "run", form) == (0, expected, []), form


@pytest.mark.parametrize("args, words", [
    (["run", PLAYGROUND, "--bogus", "x"], "No such option '--bogus'. (see 'gradscape run --help')"),
    (["run"], "Missing argument 'LINK_OR_FILE'."),
    (["serve", "--port", "70000"], "Invalid value for '--port'"),
    (["run", "http://localhost:8501/lesson?lesson=saddle-points"], "page '/lesson' is not one of the app's pages"),
    (["run", "http://localhost:8501/?r1=adamm"], "r1: unknown optimizer 'adamm'; using Adam. Not run"),
    (["run", "no-such-config.json"], "'no-such-config.json' is neither an existing file nor a link of the app"),
    (["run", "/no/such/config.json"], "'/no/such/config.json' is neither an existing file nor a link of the app"),
    (["run", "/lesson?lesson=saddle-points"], "page '/lesson' is not one of the app's pages"),
    (["run", "?ls=peaks&r1=adamm"], "r1: unknown optimizer 'adamm'; using Adam. Not run"),
    (["run", "?sweep=lr"], "this is a Sweeps view: compute it with sweep() (gradscape sweep)"),
    (["run", "http://localhost:8501/sweeps?sweep=lr"], "this is a Sweeps view: compute it with sweep() (gradscape sweep)"),
    (["sweep", PLAYGROUND], "this is not a Sweeps view"),
    (["run", NETWORK, "--png", "n.png"], "n.png: this view exports .csv, .json, .html files, not .png"),
    (["sweep", "http://localhost:8501/sweeps?sweep=basin&res=512&steps=5000&r1=adam&r2=sgd&r3=momentum"], "asks for 7.4× the work one sweep may take"),
    (["run", PLAYGROUND, "--plugin", "no_such_plugin_module"], "plug-in module 'no_such_plugin_module' could not be loaded"),
])
def test_bad_input_is_one_line_and_status_2(capsys, args, words):
    status, out, err = gradscape(capsys, *args)
    assert status == 2 and out == [] and len(err) == 1, err
    assert err[0].startswith("gradscape: error: ") and words in err[0]


def module_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != plugins.ENVIRONMENT}
    return {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), *(p for p in [extra.pop("PYTHONPATH", "")] if p)]), **extra}


def test_a_process_of_its_own_shows_no_traceback(tmp_path):
    (tmp_path / "broken_plugin.py").write_text("raise RuntimeError('half written\\nsecond line')\n")
    for args, words in [(["run", "http://localhost:8501/nowhere?x=1"], "page '/nowhere'"),
                        (["run", PLAYGROUND, "--plugin", "broken_plugin"],
                         "plug-in module 'broken_plugin' could not be loaded: RuntimeError: half written")]:
        out = subprocess.run([sys.executable, "-m", "gradscape.api", *args], cwd=tmp_path, env=module_env(PYTHONPATH=str(tmp_path)),
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 2 and out.stdout == "" and "Traceback" not in out.stderr
        assert out.stderr.splitlines() == [f"gradscape: error: {out.stderr.splitlines()[0].removeprefix('gradscape: error: ')}"]
        assert words in out.stderr


PLUGIN_MODULE = """
    import optax
    from gradscape.trajectories import plugins

    plugins.register_optimizer("team_adam", lambda learning_rate, b1: optax.adam(learning_rate, b1=b1),
                               hyperparameters={"b1": (0.9, 0.0, 0.999)}, label="Team Adam")
"""


def test_a_plugin_named_by_the_operator_runs_from_a_link(tmp_path):
    (tmp_path / "team_optimizers.py").write_text(textwrap.dedent(PLUGIN_MODULE))
    link = "http://localhost:8501/?ls=himmelblau&r1=team_adam;lr=0.1;b1=0.8&r2=adam;lr=0.1;b1=0.8&steps=60"
    out = subprocess.run([sys.executable, "-m", "gradscape.api", "run", link], cwd=tmp_path, capture_output=True, text=True,
                         env=module_env(PYTHONPATH=str(tmp_path), **{plugins.ENVIRONMENT: "team_optimizers"}), timeout=300)
    assert out.returncode == 0, out.stderr
    team, built_in = (cells(line) for line in out.stdout.splitlines()[1:3])
    assert team[0] == "Team Adam" and built_in[0] == "Adam"
    assert np.isclose(float(team[2]), float(built_in[2]), rtol=1e-3) and team[3] == built_in[3]  # optax's Adam is the catalogue's


def served(command: list[str], cwd: Path, env: dict[str, str], *options: str) -> None:
    """Run `command … serve --port P` until the app answers: its health, its page, and app.py's redirect of
    /playground (so the app itself is served, not just a script); then stop it."""
    port = free_port()
    server = subprocess.Popen([*command, "serve", "--port", str(port), *options], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server, timeout=180)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200 and b"<title>" in page.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/playground?ls=peaks", timeout=10) as moved:
            assert moved.url.endswith(f":{port}/?ls=peaks")
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_serve_starts_the_app_as_streamlit_run_does(tmp_path):
    """`gradscape serve --port P --plugin M` from another directory serves the checkout's app; a plug-in
    that fails stops it before it starts, in one line."""
    assert cli.app_script() == ROOT / "app.py"
    (tmp_path / "team_optimizers.py").write_text(textwrap.dedent(PLUGIN_MODULE))
    served([sys.executable, "-m", "gradscape.api"], tmp_path, module_env(PYTHONPATH=str(tmp_path)), "--plugin", "team_optimizers")
    bad = subprocess.run([sys.executable, "-m", "gradscape.api", "serve", "--plugin", "no_such_plugin_module"],
                         cwd=tmp_path, env=module_env(), capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.splitlines()) == 1
