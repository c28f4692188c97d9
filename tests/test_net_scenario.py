"""The Neural net page's state object: URL round-trips, hostile links, what it hands the engine."""

from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape.landscapes import networks as nets
from tests.test_scenario import draws_every_field, run_specs
from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories.network import NetworkProblem
from gradscape.trajectories.scenario import MAX_RUNS, RunSpec


def test_default_round_trip_is_exact_and_the_link_is_short():
    s = ns.NetScenario()
    assert ns.from_query(ns.to_query(s)) == (s, [])
    assert set(ns.to_query(s)) == {"r1", "r2", "r3", "r4"}


@st.composite
def net_scenarios(draw):
    """A Neural net state with every field of its link drawn."""
    problem = NetworkProblem(
        draw(st.sampled_from(sorted(nets.MODELS))), draw(st.sampled_from(sorted(nets.DATASETS))), draw(st.sampled_from(ns.WIDTHS)),
        draw(st.sampled_from(ns.POINTS)), None, draw(st.integers(0, ns.MAX_SEED)), draw(st.integers(0, ns.MAX_SEED)),
        draw(st.sampled_from(ns.BATCHES)),
    )
    return ns.NetScenario(
        problem, draw(st.sampled_from(ns.STEPS)), draw(st.sampled_from(sorted(ns.PLANES))),
        tuple(draw(st.lists(run_specs(None), min_size=1, max_size=MAX_RUNS))), draw(st.sampled_from(["2d", "3d", "both"])),
        draw(st.booleans()), draw(st.booleans()),
    )


@settings(max_examples=40, deadline=None)
@given(net_scenarios())
def test_any_valid_state_round_trips(s):
    assert ns.from_query(ns.to_query(s)) == (s, [])  # every field, duplicates and order of runs kept
    assert s.validate() is s


def test_the_drawn_states_set_every_field():
    draws_every_field(net_scenarios(), ns.NET, ns.NetScenario())


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(["model", "data", "n", "dseed", "iseed", "h", "batch", "steps", "plane", "view",
                                        "eig", "r1", "r2", "r9", "zz"]), st.text(max_size=30), max_size=12))
def test_any_link_parses_without_raising_into_a_valid_state(query):
    s, warnings = ns.from_query(query)
    assert all(isinstance(w, str) and w for w in warnings)
    assert s.validate() is s
    assert 1 <= len(s.runs) <= MAX_RUNS


def test_hostile_link_falls_back_field_by_field_and_says_why():
    query = {"model": "<script>", "n": "1e9", "h": "10", "dseed": "-3", "iseed": "nan", "batch": "64.5", "steps": "2000",
             "plane": "random", "view": "4d", "eig": "yes", **{f"r{i}": "adam;lr=0.02" for i in range(1, 12)}}
    s, warnings = ns.from_query(query)
    d = ns.NetScenario()
    assert (s.problem, s.view, s.eigen) == (d.problem, d.view, d.eigen)
    assert (s.steps, s.plane) == (2000, "random")  # the good values survive
    assert len(s.runs) == MAX_RUNS and all(r == RunSpec("adam", 0.02) for r in s.runs)
    assert len(warnings) == 9
    for word in ("<script>", "1e9", "h=10", "dseed=-3", "nan", "64.5", "4d", "eig=yes", f"first {MAX_RUNS} runs"):
        assert any(word in w for w in warnings), word


def test_empty_runs_fall_back_to_the_defaults_and_validate_names_the_field():
    s, warnings = ns.from_query({"r1": ";;"})
    assert s.runs == ns.default_runs() and warnings == ["'r1' is empty; ignored."]
    for bad, word in ((ns.NetScenario(NetworkProblem(hidden=10)), "h=10"), (ns.NetScenario(runs=()), "run"),
                      (ns.NetScenario(NetworkProblem(noise=0.1)), "noise"),
                      (ns.NetScenario(runs=(RunSpec("adam", 500.0),)), "lr")):
        try:
            bad.validate()
        except ValueError as err:
            assert word in str(err)
        else:
            raise AssertionError(f"validate accepted {bad}")


def test_only_switched_on_runs_reach_the_engine_with_their_settings():
    runs = (RunSpec("adam", 0.02, (("b1", 0.8),), "cosine", (("min_ratio", 0.1),)), RunSpec("sgd", 0.1, enabled=False),
            RunSpec("adam", 0.02, (("b1", 0.8),), "cosine", (("min_ratio", 0.1),)))
    s = ns.NetScenario(NetworkProblem(hidden=8, batch_size=32), runs=runs)
    assert s.shown() == (0, 2)
    net = s.net_runs()
    assert len(net) == 2 and net[0] == net[1]
    assert (net[0].learning_rate, net[0].hyper, net[0].schedule, net[0].schedule_params) == (0.02, {"b1": 0.8}, "cosine", {"min_ratio": 0.1})
    assert (s.problem.hidden, s.problem.batch_size, s.problem.n_points) == (8, 32, 512)
    assert s.color(1) != s.color(2)
