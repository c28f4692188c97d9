"""Families for the live scrub: every member is the run a link with that value makes (checked against
`trajectories.run` at the member's value, bit for bit), the values are the link-rounded points of the
knob's span, the player's document decodes to the engine's numbers, a committed scrub gives back
exactly the paths the scrub showed, and the families' route answers in words when it cannot."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from gradscape import optimizers
from gradscape import schedules
from gradscape import trajectories as tr
from gradscape.trajectories import api, engine, families
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query, to_query
from gradscape.ui import families as route
from gradscape.viz import families as vf
from gradscape.viz.player import decode_f32, run_trace
from tests.test_scenario import six_digits

SIX_RUNS = Scenario(  # benchmarks/playground.py's scenario
    runs=(RunSpec("sgd", 1e-3), RunSpec("momentum", 1e-3), RunSpec("nesterov", 1e-3), RunSpec("rmsprop", 0.01),
          RunSpec("adam", 0.05), RunSpec("adagrad", 0.5)),
    steps=1000,
)


def run_at(s: Scenario, i: int, key: str, value: float) -> tr.RunRecord:
    """The independent oracle: `trajectories.run` with run i's knob at `value`, settings spelled out."""
    run = s.runs[i]
    hyper, sched = dict(run.hyper), dict(run.schedule_params)
    lr = run.lr
    if key == "lr":
        lr = value
    elif key.startswith("s."):
        sched[key[2:]] = value
    else:
        hyper[key] = value
    return tr.run(s.landscape, run.optimizer, starts=s.start_points, steps=s.steps, noise=s.noise, seed=s.seed,
                  batch_size=s.batch_of(i), learning_rate=lr, hyper=hyper, schedule=run.schedule, schedule_params=sched)


@pytest.mark.parametrize("s, key", [
    (Scenario(runs=(RunSpec("adam", 0.05),), starts=((-1.5, 2.0), (0.5, -0.5)), steps=300), "lr"),
    (Scenario(landscape="himmelblau", runs=(RunSpec("momentum", 0.01, schedule="cosine"),), steps=250), "momentum"),
    (Scenario(landscape="himmelblau", runs=(RunSpec("rmsprop", 0.01, schedule="plateau"),), starts=((-1.0, 1.0), (2.0, 2.0), (0.0, -3.0)),
              steps=300), "lr"),  # loss-driven: each member reads its own starts' mean loss
    (Scenario(runs=(RunSpec("adamw", 0.02, schedule="cosine"),), steps=200), "s.min_ratio"),
    (Scenario(runs=(RunSpec("sgd", 2e-3),), steps=200, noise=0.5, seed=7), "lr"),  # stochastic: the same draws
    (Scenario(landscape="himmelblau", runs=(RunSpec("lookahead", 0.01),), steps=200), "lookahead_alpha"),  # a second path (aux)
])
def test_every_member_is_the_run_a_link_with_its_value_makes(s, key):
    run = s.runs[0]
    values, index = families.family_values(families.knob(run, key), families.value_of(run, key), "near", size=7)
    members = list(families.family(s, 0, key, values))
    assert values[index] == families.value_of(run, key)
    for value, got in zip(values, members):
        expected = run_at(s, 0, key, float(value))
        for name in ("positions", "losses", "grads", "lrs", "effective", "status", "event_step"):
            np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=f"{key}={value}: {name}")
        if expected.aux is not None:
            np.testing.assert_array_equal(got.aux, expected.aux)
    assert len({m.positions.tobytes() for m in members}) == len(values)  # the knob does move the paths


def test_a_large_family_is_judged_a_few_members_at_a_time_and_still_gives_the_runs(monkeypatch):
    monkeypatch.setattr(api, "FAMILY_CHUNK", 3 * 2 * 201)  # three members of 2 starts × 200 steps at a time
    s = Scenario(runs=(RunSpec("adam", 0.05),), starts=((-1.5, 2.0), (0.5, -0.5)), steps=200)
    values = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
    members = list(families.family(s, 0, "lr", np.array(values)))
    assert len(members) == len(values)
    for value, got in zip(values, members):
        expected = run_at(s, 0, "lr", value)
        np.testing.assert_array_equal(got.positions, expected.positions)
        np.testing.assert_array_equal(got.status, expected.status)


@hs.composite
def knob_points(draw):
    """A continuous knob of any optimizer and schedule, a value of it as a link writes it, and a span."""
    run = RunSpec(draw(hs.sampled_from(list(optimizers.REGISTRY))), schedule=draw(hs.sampled_from(list(schedules.REGISTRY))))
    k = draw(hs.sampled_from(families.knobs(run)))
    return k, six_digits(draw, k.low, k.high, k.log and k.low > 0), draw(hs.sampled_from(families.SPANS))


@settings(max_examples=200, deadline=None)
@given(knob_points())
def test_family_values_are_link_rounded_points_of_the_span_around_the_value(point):
    k, current, span = point
    values, index = families.family_values(k, current, span)
    assert values[index] == current
    assert np.all(np.diff(values) > 0) and 2 <= len(values) <= families.FAMILY_SIZE or k.low == k.high
    assert np.all((values >= k.low) & (values <= k.high))
    assert all(float(f"{v:.6g}") == v for v in values)
    if span == "near" and k.log:
        assert np.all(values >= current / 10 * (1 - 1e-5)) and np.all(values <= current * 10 * (1 + 1e-5))
    elif span == "near":  # (each point rounded to 6 significant digits: off by up to 5e-6 of itself)
        assert np.all(np.abs(values - current) <= 0.1 * (k.high - k.low) + 5e-6 * np.abs(values) + 1e-12)
    else:
        assert values[0] == pytest.approx(k.low, rel=1e-5, abs=1e-300) and values[-1] == pytest.approx(k.high, rel=1e-5)
    if span == "full" and len(values) == families.FAMILY_SIZE and k.log and k.low > 0:
        steps = np.diff(np.log10(values))  # evenly spaced on the knob's scale on either side of the value
        for side in (steps[:index], steps[index:]):
            assert len(side) == 0 or side.max() <= 1.01 * side.min()


def test_knobs_are_the_continuous_settings_a_link_writes():
    run = RunSpec("ranger", schedule="cosine")
    keys = [k.key for k in families.knobs(run)]
    assert keys[0] == "lr" and "s.min_ratio" in keys and "b1" in keys
    assert "gc" not in keys  # gradient centralization is on or off: no family
    assert families.value_of(RunSpec("adam", 0.05, hyper=(("b1", 0.8),)), "b1") == 0.8
    assert families.value_of(RunSpec("adam"), "b2") == optimizers.get("adam").hyper("b2").default
    assert families.with_value(RunSpec("adam", hyper=(("b1", 0.8),)), "b1", 0.9).hyper == ()  # back to the default: left out
    with pytest.raises(ValueError, match="no continuous setting 'gc'"):
        families.knob(run, "gc")


def decoded_members(doc: dict) -> list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Per member, per trajectory: kept steps, positions and losses, split as the player splits them."""
    out = []
    for m in doc["members"]:
        steps = decode_f32(m["keep"], "<u2")
        pos = decode_f32(m["pos"]).reshape(-1, 2)
        loss = decode_f32(m["loss"])
        at = m["keepAt"]
        out.append([(steps[a:b], pos[a:b], loss[a:b]) for a, b in zip(at, at[1:])])
    return out


def test_the_players_family_decodes_to_the_engines_runs():
    s = Scenario(runs=(RunSpec("sgd", 1e-3), RunSpec("adam", 0.05)), starts=((-1.5, 2.0), (1.2, 2.5)), steps=1000)
    for i in range(len(s.runs)):
        f = vf.family_trace(s, i, "lr", "near")
        doc = json.loads(f.body)
        assert json.loads(gzip.decompress(f.gzipped)) == doc
        assert doc["values"] == f.values.tolist() and doc["values"][doc["current"]] == s.runs[i].lr
        for k in (0, doc["current"], len(doc["values"]) - 1):
            rec = run_at(s, i, "lr", doc["values"][k])
            assert doc["members"][k]["status"] == [rec.status_text(j) for j in range(2)]
            assert doc["lost"][k] == [int(c in (engine.DIVERGED, engine.LEFT_DOMAIN)) for c in rec.status]
            assert doc["final"][k] == [float(v) for v in rec.losses[:, -1]]
            for j, (steps, pos, loss) in enumerate(decoded_members(doc)[k]):
                assert steps[0] == 0 and steps[-1] == s.steps and np.all(np.diff(steps.astype(int)) > 0)
                assert len(steps) <= 3 * vf.member_slices(2) + 3
                if rec.status[j] in (engine.DIVERGED, engine.LEFT_DOMAIN):
                    assert rec.event_step[j] in steps
                np.testing.assert_array_equal(pos, rec.positions[j, steps].astype(np.float32))
                np.testing.assert_array_equal(loss, rec.losses[j, steps].astype(np.float32))
    assert any(any(row) for row in json.loads(vf.family_trace(s, 0, "lr", "near").body)["lost"])  # SGD × 10 diverges here


def test_a_committed_scrub_shows_exactly_the_scrubbed_paths():
    """The scrub sends back the member's value; the rerun's run is that member, bit for bit, and its own
    payload decodes to the member's numbers at every step both keep."""
    s = Scenario(runs=(RunSpec("sgd", 1e-3), RunSpec("adam", 0.05, hyper=(("b1", 0.8),))), steps=1000)
    for i, key in ((0, "lr"), (1, "lr"), (1, "b1")):
        doc = json.loads(vf.family_trace(s, i, key, "near").body)
        k = doc["current"] + 9
        change = {"run": i, "query": families.run_query(s, i), "knob": key, "value": doc["values"][k]}
        committed = families.tuned(s, [change])
        assert committed is not None and families.value_of(committed.runs[i], key) == doc["values"][k]
        assert from_query(to_query(committed))[0] == committed  # the link carries the value exactly
        shown = run_trace(committed, i)
        np.testing.assert_array_equal(shown.record.positions, run_at(s, i, key, doc["values"][k]).positions)
        ((steps, pos, loss),) = decoded_members(doc)[k]  # what the scrub drew ...
        np.testing.assert_array_equal(pos, shown.record.positions[0, steps].astype(np.float32))  # ... is the committed run
        np.testing.assert_array_equal(loss, shown.record.losses[0, steps].astype(np.float32))
        run_steps = decode_f32(shown.arrays["keep"], "<u2")
        run_pos = decode_f32(shown.arrays["pos"]).reshape(-1, 2)
        common, at_member, at_run = np.intersect1d(steps, run_steps, return_indices=True)
        assert len(common) >= len(steps) // 3  # thinned apart, the two payloads agree wherever both keep a step
        np.testing.assert_array_equal(pos[at_member], run_pos[at_run])


@pytest.mark.parametrize("change", [
    "not a list", [{"run": 5}], [{"run": True, "knob": "lr", "value": 0.1}], [{"run": 0, "knob": "lr", "value": "0.1"}],
    [{"run": 0, "knob": "lr", "value": float("nan")}], [{"run": 0, "knob": "b1", "value": 0.5}],  # SGD has no β1
    [{"run": 0, "knob": "lr", "value": 0.1, "query": "ls=himmelblau&r1=sgd"}], [],
])
def test_a_stale_or_malformed_commit_changes_nothing(change):
    s = Scenario(runs=(RunSpec("sgd", 1e-3),))
    if isinstance(change, list):
        change = [dict(c, query=c.get("query", families.run_query(s, 0))) for c in change]
    assert families.tuned(s, change) is None


def test_a_commit_rounds_as_links_do_and_changes_only_its_runs():
    s = Scenario(runs=(RunSpec("sgd", 1e-3), RunSpec("adam", 0.05)))
    changes = [{"run": 1, "query": families.run_query(s, 1), "knob": "lr", "value": 0.0123456789},
               {"run": 0, "query": families.run_query(s, 0), "knob": "lr", "value": 2}]
    out = families.tuned(s, changes)
    assert out.runs[1].learning_rate == 0.0123457 and out.runs[0].learning_rate == 2.0
    assert out.runs[0].optimizer == "sgd" and out.steps == s.steps and out.landscape == s.landscape


def test_six_runs_families_fit_in_2_mb():
    sizes = [len(vf.family_trace(SIX_RUNS, i, "lr", "near").body) for i in range(len(SIX_RUNS.runs))]
    assert sum(sizes) <= 2_000_000, sizes


def test_the_route_answers_a_family_or_says_why_not():
    s = Scenario(runs=(RunSpec("adam", 0.05),), steps=200)
    query = families.run_query(s, 0)
    status, body, gzipped = route.family_body(f"v=x&{query}&knob=b2&span=full", gzip_ok=True)
    assert status == 200 and gzipped
    doc = json.loads(gzip.decompress(body))
    assert doc["knob"] == "b2" and doc["span"] == "full" and doc["values"][doc["current"]] == 0.999
    assert route.family_body(f"{query}&knob=b2", gzip_ok=False)[1] == vf.family_trace(s, 0, "b2", "near").body
    for bad, words in ((f"{query}&knob=momentum", "no continuous setting"), (f"{query}&span=wide", "span must be"),
                       (f"{query}&r2=sgd", "exactly one run"), ("ls=nowhere&r1=adam", "unknown landscape")):
        status, body, gzipped = route.family_body(bad, gzip_ok=True)
        assert status == 400 and not gzipped and words in body.decode(), (bad, body)
    assert route.route_of("/app/families", "") and route.route_of("/class/app/families", "/class/")
    assert not route.route_of("/app/families/x", "") and not route.route_of("/app/assets/families", "")


def test_the_route_charges_the_requests_address_and_refuses_one_over_its_budget():
    """A family request has no session: its CPU goes to its address (nginx's X-Real-IP from loopback), and an
    address over the sessions' limit is answered 400 in words while another address is served."""
    import asyncio

    from gradscape.ui import limits

    s = Scenario(runs=(RunSpec("adam", 0.0437),), steps=137)  # a family no other test asks for: it is computed here
    query = f"v=x&{families.run_query(s, 0)}&knob=lr&span=full".encode()

    def ask(address: str) -> tuple[int, bytes]:
        sent = []

        async def receive():
            return {"type": "http.request", "body": b""}

        async def send(message):
            sent.append(message)

        async def app(scope, receive, send):
            raise AssertionError("the route answers itself")

        scope = {"type": "http", "method": "GET", "path": "/app/families", "query_string": query, "client": ("127.0.0.1", 5000),
                 "headers": [(b"x-real-ip", address.encode())]}
        asyncio.run(route.ServeFamilies(app)(scope, receive, send))
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    heavy = ("address", "203.0.113.5")
    limits.LEDGER.charge(heavy, limits.SESSION_CPU_S + 1)
    status, body = ask("203.0.113.5")
    assert status == 400 and b"of the server's CPU" in body
    used = limits.LEDGER.used(("address", "203.0.113.6"))
    assert ask("203.0.113.6")[0] == 200 and limits.LEDGER.used(("address", "203.0.113.6")) > used  # charged
