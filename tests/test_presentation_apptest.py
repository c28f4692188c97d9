"""AppTest: presentation mode on every page that shows a player (Playground, Lessons, Sweeps, Neural
net): kept in the link, the settings tucked away, the picked run's learning rate still adjustable
from the page itself, and a lesson's claim and verdict in large type."""

from __future__ import annotations


from tests.test_lessons_page_apptest import open_lesson
from tests.test_networks_page_apptest import open_networks, player_payload
from tests.test_playground_apptest import open_playground, run, scenario_of
from tests.test_sweeps_apptest import link, open_page
from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories.sweep_scenario import from_query as sweep_from_query

LESSON = "ill-conditioning-momentum"
NET = {"h": "4", "n": "256", "steps": "200", "r1": "adam;lr=0.01", "r2": "sgd;lr=0.5", "present": "1"}


def _widgets(node):
    """Every element with a user key under `node` (widgets, keyed containers)."""
    for child in getattr(node, "children", {}).values():
        if getattr(child, "key", None):
            yield child
        yield from _widgets(child)


def keyed(node, key: str):
    """The element with user key `key` under `node`."""
    (found,) = [w for w in _widgets(node) if w.key == key]
    return found


def test_playground_presents_with_a_run_bar_instead_of_the_sidebar():
    at = open_playground({"present": "1"})
    assert at.query_params["present"] == "1" and player_payload(at)["presentation"] is True
    assert not list(_widgets(at.sidebar))  # the settings are not drawn (nor sent) while presenting
    main = {w.key for w in _widgets(at.main)}
    assert {"pg.pick", "pg.r0.lr.sgd.typed", "pg.click", "pg.present"} <= main
    at.selectbox(key="pg.pick").set_value(2)
    run(at)
    at.text_input(key="pg.r2.lr.adam.typed").input("0.02")
    run(at)
    s = scenario_of(at)
    assert s.runs[2].lr == 0.02 and s.presentation and at.query_params["present"] == "1"
    at.toggle(key="pg.present").set_value(False)
    run(at)
    assert "present" not in at.query_params and "pg.r2.lr.adam.typed" in {w.key for w in _widgets(at.sidebar)}


def test_a_lesson_presents_its_claim_and_verdict_and_keeps_it_in_the_link():
    at = open_lesson({"lesson": LESSON, "present": "1"})
    assert not [w for w in at.warning if w.icon == ":material/link_off:"] and at.toggle(key="lesson.present").value is True
    assert dict(at.query_params) == {"lesson": LESSON, "present": "1"}
    assert player_payload(at)["presentation"] is True
    big = keyed(at.main, "present-claim")  # the block presentation.py sets in large type
    assert "What the source claims." in " ".join(m.value for m in big.markdown)
    assert [a.value for a in (*big.success, *big.warning, *big.error) if a.value.startswith("**This run:")]
    assert any(e.label == "Setup and what to look for" for e in at.expander)
    at.toggle(key="lesson.present").set_value(False).run()
    assert dict(at.query_params) == {"lesson": LESSON} and player_payload(at)["presentation"] is False
    assert not any(e.label == "Setup and what to look for" for e in at.expander)


def test_a_lesson_link_with_a_bad_present_value_says_so():
    at = open_lesson({"lesson": LESSON, "present": "yes"})
    assert any("'present=yes' should be 0 or 1" in w.value for w in at.warning)
    assert at.toggle(key="lesson.present").value is False


def test_sweeps_present_and_keep_the_rate_adjustable_where_it_counts():
    at = open_page({"sweep": "basin", "res": "16", "steps": "100", "r1": "adam;lr=0.05", "r2": "sgd;lr=0.001", "present": "1"})
    assert link(at)["present"] == "1" and not list(_widgets(at.sidebar))
    at.selectbox(key="sw.pick").set_value(1).run()
    at.text_input(key="sw.r1.lr.sgd.typed").input("0.002").run()
    assert not at.exception
    sweep, warnings = sweep_from_query(link(at))
    assert warnings == [] and sweep.runs[1].lr == 0.002 and sweep.base.presentation
    at.segmented_control(key="sw.sw.sweep").set_value("lr").run()  # the rate sweep sweeps the rate: no rate box
    assert "sw.pick" not in {w.key for w in _widgets(at.main)} and link(at)["present"] == "1"


def test_the_neural_net_page_presents_with_its_run_bar():
    at = open_networks(NET)
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["present"] == "1" and player_payload(at)["presentation"] is True
    main = {w.key for w in _widgets(at.main)}
    assert "nn.model" not in main and {"nn.pick", "nn.r0.lr.adam.typed"} <= main
    at.text_input(key="nn.r0.lr.adam.typed").input("0.03").run()
    s, warnings = ns.from_query({k: at.query_params[k] for k in at.query_params})
    assert warnings == [] and s.presentation and s.runs[0].lr == 0.03
