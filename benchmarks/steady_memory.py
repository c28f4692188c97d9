"""Steady-state memory: one server, many different links on every page (not a test).

    python -m benchmarks.steady_memory [--links 300] [--every 20] [--in-process]

A loopback `streamlit run app.py` (its own empty cache folder), after its warm-up, is sent `--links`
links, each different from all before it (but for the few lessons and the optimizer reference),
over Streamlit's own websocket protocol (benchmarks/
playground.py's driver): one new session per link, which runs the page's script once and closes.
Of every ten links: four Playground scenarios (a catalogue landscape, 1–4 runs of random optimizers,
rates, step counts and starts), two typed landscapes of new forms, two sweeps (learning-rate sweeps,
heat maps, basin and trainability maps at random resolutions), one Neural net setting and one page
of the optimizer reference or the lessons. Prints the server's resident memory every `--every`
links, with the session errors so far (exceptions shown, or sessions that failed). The bounded
caches show as a plateau once the distinct settings outnumber what the bounds keep. With
`--in-process` the same links run through AppTest in this process (no server), and each report
adds what the bounded caches hold.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.custom_class import CROSS, X_TERMS, Y_TERMS
from benchmarks.memory import rss_mb
from benchmarks.playground import connect, load, wait_until_warm
from gradscape import landscapes, lessons, optimizers
from gradscape.landscapes.custom import link_fields, make_key
from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories import sweep_scenario as sw
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query
from gradscape.trajectories.network import NetworkProblem
from tests.e2e.harness import app_server

STEPS = (100, 200, 300, 500, 1000, 2000)
SEED = 30


def _runs(rng: random.Random, n: int) -> tuple[RunSpec, ...]:
    keys = sorted(optimizers.REGISTRY)
    return tuple(RunSpec(rng.choice(keys), float(f"{10 ** rng.uniform(-4, -0.5):.3g}")) for _ in range(n))


def _start(rng: random.Random, key: str) -> tuple[float, float]:
    (x0, x1), (y0, y1) = landscapes.get(key).domain
    return float(f"{rng.uniform(x0, x1):.3g}"), float(f"{rng.uniform(y0, y1):.3g}")


def playground(rng: random.Random) -> tuple[str, dict[str, str]]:
    key = rng.choice(sorted(landscapes.REGISTRY))
    s = Scenario(landscape=key, runs=_runs(rng, rng.randint(1, 4)), steps=rng.choice(STEPS),
                 starts=tuple(_start(rng, key) for _ in range(rng.randint(1, 4))))
    return "", to_query(s)


def typed(forms) -> tuple[str, dict[str, str]]:
    a, b, c = next(forms)
    return "", {"ls": "custom", **link_fields(make_key(f"{a} + 2*{b} + 0.5*{c}"))}


def sweep(rng: random.Random) -> tuple[str, dict[str, str]]:
    key = rng.choice(sorted(landscapes.REGISTRY))
    base = Scenario(landscape=key, runs=_runs(rng, rng.randint(1, 3)), steps=rng.choice(STEPS[:4]))
    kind = rng.choice(sw.KINDS)
    res = rng.choice((32, 48, 64, 96, 128))
    s = sw.SweepScenario(kind=kind, base=base, count=rng.choice((50, 100, 200)), resolution=res)
    if s.over_cap():
        s = sw.SweepScenario(kind=kind, base=Scenario(landscape=key, runs=base.runs[:1], steps=100), resolution=32)
    return "sweeps", sw.to_query(s)


def network(rng: random.Random) -> tuple[str, dict[str, str]]:
    problem = NetworkProblem(hidden=rng.choice(ns.WIDTHS), data_seed=rng.randint(0, 9999))
    runs = tuple(RunSpec(o, lr) for o, lr in rng.sample([("sgd", 0.1), ("adam", 0.01), ("momentum", 0.05), ("rmsprop", 0.01)], 2))
    return "networks", ns.to_query(ns.NetScenario(problem=problem, steps=rng.choice(ns.STEPS[:3]), runs=runs))


def other(rng: random.Random) -> tuple[str, dict[str, str]]:
    if rng.random() < 0.5:
        return "lessons", {"lesson": rng.choice(lessons.LESSONS).slug}
    return "optimizers", {}


def links(n: int) -> list[tuple[str, dict[str, str]]]:
    """n different (page, query) pairs in the mix the module's docstring gives."""
    rng = random.Random(SEED)
    forms = itertools.product(X_TERMS, Y_TERMS, CROSS)
    makers = [playground] * 4 + [lambda r: typed(forms)] * 2 + [sweep] * 2 + [network, other]
    seen, out = set(), []
    while len(out) < n:
        page, query = makers[len(out) % 10](rng)
        if (page, tuple(sorted(query.items()))) not in seen or page in ("lessons", "optimizers"):
            seen.add((page, tuple(sorted(query.items()))))
            out.append((page, query))
    return out


async def visit(url: str, page: str, query: dict[str, str]) -> list[str]:
    """One new session runs the page at the link once: the exceptions it showed (type: message)."""
    msg = BackMsg()
    msg.rerun_script.query_string = urlencode(query)
    msg.rerun_script.page_name = page
    shown = []
    async with connect(url) as ws:
        await ws.send(msg.SerializeToString())
        while True:
            out = ForwardMsg()
            out.ParseFromString(await asyncio.wait_for(ws.recv(), 600))
            if out.WhichOneof("type") == "script_finished":
                return shown
            if out.WhichOneof("type") == "delta" and out.delta.new_element.WhichOneof("type") == "exception":
                shown.append(f"{out.delta.new_element.exception.type}: {out.delta.new_element.exception.message}")


PAGES = {"": "pages/playground.py", "sweeps": "pages/sweeps.py", "networks": "pages/networks.py",
         "lessons": "pages/lessons.py", "optimizers": "pages/optimizers.py"}


def held() -> str:
    """What the bounded caches of this process hold: MB in the byte-bounded ones, entries in the
    compiled-program ones (≈ 3 MB each for the engine's, 5–10 MB for the network's)."""
    from gradscape.trajectories import engine, network
    from gradscape.viz import figures, internals, landscape, player, sweeps
    from gradscape.viz import network as vn

    caches = {"runs": player._CACHE, "sweeps": sweeps._CACHE, "nets": vn._trained_view.cache,
              "frames": vn._boundary_frames.cache, "grids": landscape.grid.cache, "assets": player.landscape_asset.cache,
              "contours": figures.landscape_traces.cache, "internals": internals.internals_run.cache}
    parts = [f"{name} {cache.info().nbytes / 2**20:.0f}" for name, cache in caches.items()]
    return (f"MB: {', '.join(parts)}; programs: engine {engine.compiled.cache_info().currsize}, "
            f"network {network.compiled.cache_info().currsize}")


def in_process(todo: list[tuple[str, dict[str, str]]], every: int) -> None:
    """The same links through AppTest in this process (no server): RSS with what the caches hold."""
    from streamlit.testing.v1 import AppTest

    from gradscape.trajectories import runtime

    runtime.configure()
    app = str(Path(__file__).resolve().parents[1] / "navigation.py")
    print(f"start: RSS {rss_mb(os.getpid()):.0f} MB", flush=True)
    t0, errors = time.perf_counter(), 0
    for i, (page, query) in enumerate(todo, 1):
        at = AppTest.from_file(app, default_timeout=600)
        at.switch_page(PAGES[page])
        at.query_params.update(query)
        at.run()
        errors += len(at.exception)
        for e in at.exception:
            print(f"  link {i} ({page or 'playground'}): {e.value[:300]}", flush=True)
        if i % every == 0:
            print(f"{i:4d} links  {time.perf_counter() - t0:6.0f} s  RSS {rss_mb(os.getpid()):6.0f} MB  exceptions {errors}  "
                  f"{held()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=300)
    parser.add_argument("--every", type=int, default=20)
    parser.add_argument("--in-process", action="store_true", help="AppTest in this process, with what each cache holds")
    args = parser.parse_args()
    todo = links(args.links)
    with tempfile.TemporaryDirectory(prefix="gs-memory-") as cache:
        os.environ["GRADSCAPE_CACHE_DIR"] = cache
        if args.in_process:
            in_process(todo, args.every)
            return
        with app_server() as (url, proc, log):
            wait_until_warm(log)
            t0 = time.perf_counter()
            print(f"after warm-up: RSS {rss_mb(proc.pid):.0f} MB   (load {load()})", flush=True)
            errors = failed = 0
            for i, (page, query) in enumerate(todo, 1):
                try:
                    shown = asyncio.run(visit(url, page, query))
                    errors += len(shown)
                    for text in shown:
                        print(f"  link {i} ({page or 'playground'}, {urlencode(query)[:200]}): {text[:300]}", flush=True)
                except Exception as err:  # noqa: BLE001 - counted and reported, the run goes on
                    failed += 1
                    print(f"  link {i} ({page or 'playground'}) failed: {type(err).__name__}: {err}", flush=True)
                if i % args.every == 0:
                    print(f"{i:4d} links  {time.perf_counter() - t0:6.0f} s  RSS {rss_mb(proc.pid):6.0f} MB   "
                          f"exceptions {errors}, failed sessions {failed}   (load {load()})", flush=True)
            print("server log tail:\n" + log.read_text(errors="replace")[-1500:])


if __name__ == "__main__":
    main()
