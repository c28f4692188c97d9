"""AppTest: the Class and Join pages and the Playground's class bar (ui/class_board.py, ui/classroom.py)
on a SQLite file of the test's own: a teacher starts a class and sees its token once, students join and
submit, the board counts them anonymously until names are shown, pause freezes a student's page,
snapshots, closed and ended classes, the download, a database that goes away and comes back, and a
flood of hostile codes, names, tokens and forged entries that never crashes a page nor steers a class."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from gradscape import landscapes, optimizers
from gradscape.classroom import board, measure, store
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query
from gradscape.ui import class_board, classroom, clients
from gradscape.viz.text import plain
from tests.test_pages_apptest import open_page
from tests.postgres import Server

RUN = Scenario(landscape="himmelblau", starts=((0.5, -1.0),), runs=(RunSpec("adam", 0.05),), steps=200)


@pytest.fixture
def db(tmp_path, monkeypatch):
    """The app's class database: a SQLite file in this test's folder (the same engine the pages get)."""
    monkeypatch.delenv("GRADSCAPE_DATABASE_URL", raising=False)
    monkeypatch.setenv("GRADSCAPE_DATA_DIR", str(tmp_path))
    return store.connect()


def run(what) -> AppTest:
    """Run the app (or the app of a widget just set or clicked); no exception may show."""
    at = what.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything the page wrote (markdown, alerts, captions, code, titles), one string."""
    kinds = ("markdown", "caption", "error", "warning", "info", "success", "code", "title", "subheader", "header")
    return "\n".join(str(e.value) for kind in kinds for e in at.get(kind))


def teacher_board(code: str, token: str) -> AppTest:
    return open_page("pages/class.py", {"code": code, "token": token})


def student(code: str, name: str) -> AppTest:
    """A student who joined on the Join page (from its link) and is back on the Playground with RUN."""
    at = open_page("pages/join.py", {"code": code})
    at.text_input(key="class.join.name").input(name)
    run(at.button(key="class.join.go").click())
    assert isinstance(at.session_state[classroom.SEAT], classroom.Held)
    at.switch_page("pages/playground.py")
    for k in list(at.query_params):
        del at.query_params[k]
    for k, v in to_query(RUN).items():
        at.query_params[k] = v
    return run(at)


def entries_table(at: AppTest):
    (table,) = [d for d in at.dataframe if "open" in d.value.columns]
    return table.value


def test_a_teacher_starts_a_class_and_its_token_is_shown_once(db):
    at = open_page("pages/class.py")
    at.text_input(key="class.new.title").input("<b>Adam</b> vs SGD")
    at.selectbox(key="class.new.lesson").set_value("peaks-local-minima")
    run(at.button[0].click())
    code = at.query_params["code"]
    assert dict(at.query_params) == {"code": code}
    teacher = at.session_state[class_board.TEACHER]
    assert teacher.code == code
    state = board.state(db, code)
    assert (state.title, state.lesson, state.paused, state.open) == ("<b>Adam</b> vs SGD", "peaks-local-minima", False, True)
    assert [t.value for t in at.title][0] == plain("<b>Adam</b> vs SGD")
    (link,) = [c.value for c in at.code if teacher.token in c.value]
    assert link.endswith(f"/class?code={code}&token={teacher.token}")
    run(at.button(key="class.saved").click())
    assert teacher.token not in texts(at) and teacher.token not in json.dumps(dict(at.query_params))
    assert board.board(db, code, teacher.token).state.version == state.version  # nothing but creating it happened


def test_the_teacher_link_steers_the_class_and_a_wrong_token_gets_words_not_controls(db):
    code, token = board.create_session(db, "Class")
    at = teacher_board(code.lower()[:3] + "-" + code.lower()[3:], token)  # typed loosely, as a code may be
    assert dict(at.query_params) == {"code": code}  # the token left the address bar
    assert at.toggle(key="class.flag.paused").value is False
    run(at.toggle(key="class.flag.paused").set_value(True))
    assert board.state(db, code).paused and "paused" in texts(at)
    other, other_token = board.create_session(db, "Other")
    for wrong in (token[:-1] + ("x" if token[-1] != "x" else "y"), other_token, "", "x" * 5000):
        at = teacher_board(code, wrong)
        assert "not the teacher link of class" in texts(at) and not at.toggle
    assert board.state(db, code).version == board.state(db, code).version and board.state(db, other).paused is False


def test_students_join_and_submit_and_the_board_shows_them_anonymously_until_names_are_shown(db):
    code, token = board.create_session(db, "Himmelblau")
    ana = student(code, "Ana <img src=x>")
    bar = texts(ana)
    assert f"Class {code}" in bar and plain("Ana <img src=x>") in bar
    run(ana.button(key="class.bar.submit").click())
    (sent,) = [s.value for s in ana.success]
    first = int(sent.split("#")[1].split()[0])
    ben = board.join(db, code, "Ben").student
    board.submit(db, code, ben, measure.submission(to_query(RUN), answer="(3, 2)"))
    at = teacher_board(code, token)
    assert "2 students · 2 entries" in texts(at)
    table = entries_table(at)
    assert list(table["student"]) == ["Student 2", "Student 1"] and list(table["#"])[-1] == first
    assert all(link.startswith("http") and "ls=himmelblau" in link for link in table["open"])
    charts = {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    assert {"class.paths", "class.starts", "class.rates", "class.answers"} <= set(charts)
    lines = [t for t in charts["class.paths"]["data"] if t.get("mode") == "lines"]
    path = board.board(db, code, token).entries[0].submission.path
    assert sum(x is None for t in lines for x in t["x"]) == 2 and [path[0][0], path[-1][0]] == \
        [lines[0]["x"][0], lines[0]["x"][len(path) - 1]]
    assert "Ana" not in json.dumps(charts) and "Ana" not in texts(at)
    run(at.toggle(key="class.flag.names_shown").set_value(True))
    assert sorted(entries_table(at)["student"]) == ["Ana <img src=x>", "Ben"]  # a data grid draws text, never HTML
    shown = json.dumps([json.loads(c.proto.spec) for c in at.get("plotly_chart")])
    assert "Ana &#60;img src=x&#62;" in shown and "<img" not in shown  # Plotly reads tags: escaped


def test_pause_freezes_a_students_page_until_the_teacher_resumes(db):
    code, token = board.create_session(db, "Class")
    at = student(code, "Ana")
    board.set_flags(db, code, token, paused=True)
    run(at.number_input(key="pg.steps").set_value(300))  # a control drawn before the pause: refused all the same
    assert dict(at.query_params)["steps"] == str(RUN.steps)
    assert classroom.PAUSED in texts(at)
    assert classroom.FREEZE_CSS in [h.proto.body for h in at.get("html")]
    assert not [b for b in at.button if b.key == "class.bar.submit"]
    board.set_flags(db, code, token, paused=False)
    run(at.button(key="class.bar.check").click())
    run(at.number_input(key="pg.steps").set_value(300))
    assert dict(at.query_params)["steps"] == "300" and classroom.PAUSED not in texts(at)
    run(at.button(key="class.bar.submit").click())
    assert board.seat(db, code, at.session_state["class.seat"].key).submitted == 1


def test_closed_and_ended_classes_say_so_and_a_second_submit_within_two_seconds_is_refused(db):
    code, token = board.create_session(db, "Class")
    at = student(code, "Ana")
    run(at.button(key="class.bar.submit").click())
    run(at.button(key="class.bar.submit").click())
    assert "One submission every 2 s" in texts(at)
    board.set_flags(db, code, token, open=False)
    assert "Submissions to this class are closed." in texts(run(at))
    board.end(db, code, token)
    assert "This class has ended." in texts(run(at))
    assert board.seat(db, code, at.session_state["class.seat"].key).submitted == 1


def test_snapshots_are_pinned_ordered_and_presented_one_by_one(db):
    code, token = board.create_session(db, "Class")
    keys = [board.join(db, code, n).student for n in ("Ana", "Ben")]
    ids = [board.submit(db, code, k, measure.submission(to_query(RUN))) for k in keys]
    at = teacher_board(code, token)
    for entry in ids:
        run(at.selectbox(key=class_board.PICKED).set_value(entry))
        run(at.button(key="class.pin").click())
    assert board.board(db, code, token).pins == tuple(ids)
    run(at.button(key="class.later").click())  # the picked one (the last pinned) cannot go later: nothing moves
    run(at.selectbox(key=class_board.PICKED).set_value(ids[0]))
    run(at.button(key="class.later").click())
    assert board.board(db, code, token).pins == (ids[1], ids[0])
    run(at.toggle(key=class_board.PRESENT).set_value(True))
    assert f"Snapshot 1 of 2: #{ids[1]} · Student 2" in texts(at)
    run(at.button(key="class.next").click())
    assert f"Snapshot 2 of 2: #{ids[0]} · Student 1" in texts(at)
    (snapshot,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert snapshot["data"][-1]["name"] == f"#{ids[0]}" and snapshot["data"][-1]["line"]["width"] == 5
    run(at.button(key="class.remove").click())  # the picked entry leaves the board and the snapshots
    assert board.board(db, code, token).pins == (ids[1],) and "1 entry" in texts(at)


def test_the_download_holds_every_entry_as_the_teacher_sees_it(db):
    code, token = board.create_session(db, "Class")
    key = board.join(db, code, "=SUM(A1)").student
    entry = board.submit(db, code, key, measure.submission(to_query(RUN)))
    rows = list(csv.DictReader(io.StringIO(class_board._export(class_board.Teacher(code, token), "csv")())))
    assert [(r["entry"], r["name"], r["landscape"]) for r in rows] == [(str(entry), "'=SUM(A1)", "himmelblau")]
    (row,) = json.loads(class_board._export(class_board.Teacher(code, token), "json")())
    assert row["final_loss"] == pytest.approx(measure.submission(to_query(RUN)).final_loss)


def test_an_unreachable_database_is_said_in_words_and_the_pages_recover_without_a_restart(monkeypatch):
    server = Server()
    try:
        url = server.new_database()
        monkeypatch.setenv("GRADSCAPE_DATABASE_URL", url)
        db = store.connect()
        code, token = board.create_session(db, "Outage")
        at = student(code, "Ana")
        teacher = teacher_board(code, token)
        server.stop()
        run(at.button(key="class.bar.submit").click())
        assert "cannot be reached right now" in texts(at) and "Your run stays in this page's link" in texts(at)
        assert dict(at.query_params) == to_query(RUN)
        assert "cannot be reached right now" in texts(run(teacher))
        server.start()
        run(at.button(key="class.bar.retry").click())
        run(at.button(key="class.bar.submit").click())
        assert [s.value for s in at.success] and "1 entry" in texts(run(teacher))
    finally:
        server.close()


CODES = ["", " ", "abcdef", "ABC-DEF", "ÄBCDEF", "ＡＢＣＤＥＦ", "0OIL1Z", "<script>alert(1)</script>", "'; DROP TABLE x; --",
         "\x00", "\u202eFEDCBA", "A" * 10_000, "ZZZZZZ", "%41%42", "[x](javascript:alert(1))", "$$\\frac12$$"]
NAMES = ["", "   ", "<img src=x onerror=alert(1)>", "**bold**", "n" * 41, "e\u0301" * 20, "\u202e\u2066evil", "\x07\x1b[31m",
         "=HYPERLINK(\"http://x\")", "Ana", "ANA", "🙂" * 40, "a\nb", "[link](http://evil.example)", "x" * 10_000]


FORGED_LINKS = [{"ls": "<b>x</b>", "r1": "adam"}, {"ls": "himmelblau", "r1": "adam;lr=nan"}, {"steps": "1e12"},
                {"start": "1e308,1e308"}, {"r1": "sgd;lr=99", "steps": "5000"}, {"r1": "adam;on=0"},
                {"ls": "himmelblau", "start": "0,0;1,1;2,2", "r1": "sgd", "r2": "adam"}, {"seed": "-1", "noise": "inf"}]


def test_hostile_codes_names_tokens_and_forged_entries_never_crash_a_page_nor_steer_a_class(db):
    """≥ 100 hostile inputs through the pages: every one gets words, never an exception; the target class
    changes only by the students who did join it, and no teacher action goes through without its token."""
    code, token = board.create_session(db, "Target")
    other, other_token = board.create_session(db, "Other")
    owner = board.join(db, code, "Owner").student
    entry = board.submit(db, code, owner, measure.submission(to_query(RUN)))
    foreign = board.submit(db, other, board.join(db, other, "X").student, measure.submission(to_query(RUN)))
    before = board.board(db, code, token).state
    tried = 0
    join = open_page("pages/join.py")
    for typed, name in [(c, n) for c in CODES for n in NAMES[:4]] + [(code.lower(), n) for n in NAMES]:
        join.session_state[classroom.SEAT] = None
        if not [b for b in join.button if b.key == "class.join.go"]:  # a join went on to the Playground
            run(join)
        join.session_state["class.join.code"], join.session_state["class.join.name"] = typed, name  # not bound by max_chars
        run(join.button(key="class.join.go").click())
        tried += 1
    assert board.board(db, other, other_token).students == 1
    page = open_page("pages/class.py")
    wrong_tokens = ["", token[:-2], token + "x", token.upper(), other_token, owner, "x" * 200, "%00", "<b>t</b>"]
    for link_code in (code, code.lower(), other, "ZZZZZZ", "<i>", "\x00"):
        for wrong in wrong_tokens:
            if (link_code, wrong) == (other, other_token):  # that one is the other class's teacher link
                continue
            page.session_state[class_board.TEACHER] = None
            for k in list(page.query_params):
                del page.query_params[k]
            page.query_params["code"], page.query_params["token"] = link_code, wrong
            run(page)
            assert not page.toggle, (link_code, wrong, token)
            tried += 1
    forged = class_board.Teacher(code, token[:-1] + "A" if not token.endswith("A") else token[:-1] + "B")
    page.session_state[class_board.TEACHER] = forged
    for k in list(page.query_params):
        del page.query_params[k]
    run(page)
    assert not page.toggle and "not the teacher link" in texts(page)
    bar = student(code, "Forger")
    for seat in (classroom.Held(code, "forged-key", "Owner"), classroom.Held(other, owner, "Owner"),
                 classroom.Held("ZZZZZZ", owner, "Owner"), classroom.Held("<b>", "", "")):
        bar.session_state[classroom.SEAT] = seat
        run(bar)
        assert not [b for b in bar.button if b.key == "class.bar.submit"]
        tried += 1
    bar.session_state[classroom.SEAT] = None
    for link in FORGED_LINKS:  # what a student's address bar can hold: the server measures whatever it reads from it
        seated = student(code, "Linker")
        for k in list(seated.query_params):
            del seated.query_params[k]
        for k, v in link.items():
            seated.query_params[k] = v
        run(seated)
        if [b for b in seated.button if b.key == "class.bar.submit" and not b.disabled]:
            run(seated.button(key="class.bar.submit").click())
        tried += 1
    assert tried >= 100
    after = board.board(db, code, token)
    assert (after.state.paused, after.state.open, after.state.revealed, after.state.names_shown, after.state.ended) == \
        (before.paused, before.open, before.revealed, before.names_shown, before.ended)
    kept = [e.submission for e in after.entries if not e.removed]
    assert after.entries[0].id == entry and after.pins == ()
    assert all(sub.landscape in landscapes.REGISTRY and sub.optimizer in optimizers.REGISTRY for sub in kept)
    assert board.board(db, other, other_token).entries[0].id == foreign and not board.state(db, other).paused


def test_a_class_keeps_its_own_copy_of_its_exercise_and_its_students_are_sent_to_it(db, monkeypatch):
    """A class made with an exercise's student link keeps its page and query (so it opens wherever the app is
    served) with the token signed again as the class's, and the class bar links it; a link without an exercise,
    a damaged one and one of another server are refused in words."""
    from gradscape.classroom import exercise, links
    from tests.test_exercise_apptest import SECRET, student_link
    from tests.test_exercise_questions import RATES
    from gradscape.classroom.questions import Question

    monkeypatch.setenv(links.SECRET_ENV, SECRET)
    link = student_link("sweeps", RATES, Question("rate", run=0), locks={})
    at = open_page("pages/class.py")
    at.text_input(key="class.new.title").input("Predict, then run")
    refusals = {"http://192.168.1.20:8501/sweeps?ls=peaks": "holds ex=",
                "http://192.168.1.20:8501/sweeps?ls=peaks&ex=abc.def": "changed or damaged",
                f"http://h/sweeps?{urlencode({**link, 'ex': link['ex'][:-3] + 'AAA'})}": "changed or damaged"}
    for pasted, words in refusals.items():
        at.text_input(key="class.new.exercise").input(pasted)
        run(at.button[0].click())
        assert words in texts(at) and "code" not in at.query_params
    at.text_input(key="class.new.exercise").input(f"http://192.168.1.20:8501/base/sweeps?{urlencode(link)}")
    run(at.button[0].click())
    code = at.query_params["code"]
    kept = board.state(db, code).exercise
    page, _, query = kept.partition("?")
    held = dict(parse_qsl(query))
    assert page == "sweeps" and {k: v for k, v in held.items() if k != "ex"} == {k: v for k, v in link.items() if k != "ex"}
    copy, original = exercise.read(held["ex"], SECRET.encode()), exercise.read(link["ex"], SECRET.encode())
    assert copy.in_class and not original.in_class and copy.question == original.question and copy.base == original.base
    assert "With an exercise" in texts(at)
    bar = student(code, "Ana")
    (button,) = [b for b in bar.get("link_button") if b.proto.label == "Answer the class's exercise"]
    assert button.proto.url.endswith("/" + kept)


def test_a_class_exercise_takes_each_students_first_answer_and_grades_it_on_the_board_after_the_reveal(db, monkeypatch):
    """Two students answer the class's exercise from the class bar's link: each sees their answer sent, not its
    grade (paths still hidden, the bar sends no run meanwhile), and cannot answer again; someone not seated is
    told to join and graded nothing; the board shows the predictions unmarked; after the reveal it marks the
    answer the NumPy oracle finds right, ranks it first, the students see their grades, and a late student's
    answer is refused."""
    from gradscape.classroom import links
    from gradscape.classroom.questions import Question, option_label, Experiment
    from gradscape.ui.exercise import JOIN_FIRST
    from tests.test_exercise_apptest import SECRET, answer, graded, paths_hidden, student_link
    from tests.test_exercise_questions import PEAKS, oracle_answer

    monkeypatch.setenv(links.SECRET_ENV, SECRET)
    q = Question("minimum", run=0)
    truth = oracle_answer(PEAKS, q)
    wrong = next(k for k in range(len(landscapes.get("peaks").minima)) if k != truth)
    given = f"http://192.168.1.20:8501/?{urlencode(student_link('playground', PEAKS, q))}"
    code, token = board.create_session(db, "Where does SGD end?", exercise=class_board.exercise_target(given))
    outsider = open_page("pages/playground.py", dict(parse_qsl(urlsplit(board.state(db, code).exercise).query)))
    assert JOIN_FIRST in texts(outsider) and paths_hidden(outsider) and not outsider.success
    assert not {"pg.ex.submit", "pg.ex.pick"} & {w.key for w in [*outsider.button, *outsider.radio]}
    pages = {}
    for name, pick in (("Ana", truth), ("Ben", wrong)):
        at = student(code, name)
        (link,) = [b for b in at.get("link_button") if b.proto.label == "Answer the class's exercise"]
        at.query_params.clear()  # the link, in this session (a browser opens a new tab that takes the seat from its cookie)
        for k, v in parse_qs(urlsplit(link.proto.url).query).items():
            at.query_params[k] = v[0]
        run(at)
        assert paths_hidden(at) and "your first answer goes to your class's board" in texts(at)
        assert "class.bar.submit" not in {b.key for b in at.button} and "the board does not take this page's run" in texts(at)
        at = answer(at, "pg", "minimum", pick)
        assert f"is on class {code}'s board" in texts(at) and paths_hidden(at)
        assert not [m for m in at.success if "Right." in m.value] and "pg.ex.submit" not in {b.key for b in at.button}
        pages[name] = at
    label = option_label(q, Experiment(scenario=PEAKS), truth)
    before = teacher_board(code, token)
    assert "Predictions" in texts(before) and "Exercise leaderboard" not in texts(before)
    charts = json.dumps([json.loads(c.proto.spec) for c in before.get("plotly_chart")], ensure_ascii=False)
    assert "✓" not in charts and plain_label(label) in charts
    board.set_flags(db, code, token, revealed=True)
    after = teacher_board(code, token)
    (ranked,) = [d.value for d in after.dataframe if "answer" in d.value.columns and "rank" in d.value.columns]
    assert list(ranked["who"]) == ["Student 1", "Student 2"] and list(ranked["right"]) == [True, False]
    assert list(ranked["answer"])[0] == label
    assert f"✓ {plain_label(label)}" in json.dumps([json.loads(c.proto.spec) for c in after.get("plotly_chart")],
                                                 ensure_ascii=False)
    ana = run(pages["Ana"].button(key="pg.ex.check").click())
    assert graded(ana)[0] is True and not paths_hidden(ana)
    assert graded(run(pages["Ben"].button(key="pg.ex.check").click()))[0] is False
    late = student(code, "Cy")
    late.query_params.clear()
    for k, v in parse_qsl(urlsplit(board.state(db, code).exercise).query):
        late.query_params[k] = v
    run(late)
    assert "takes no more answers" in texts(late) and "pg.ex.submit" not in {b.key for b in late.button}
    assert paths_hidden(late)


def plain_label(text: str) -> str:
    """A label as Plotly receives it (viz/text.plotly_text)."""
    from gradscape.viz.text import plotly_text

    return json.dumps(plotly_text(text), ensure_ascii=False)[1:-1]


@pytest.mark.parametrize("cookie", [None, "", ".", "K7Q2MX", "K7Q2MX.", "K7Q2MX.forged", "<script>.x", "é" * 5000,
                                    "K7Q2MX.key.with.dots", 12])
def test_a_seat_cookie_takes_a_seat_only_when_the_database_confirms_it(db, monkeypatch, cookie):
    code, token = board.create_session(db, "Class")
    joined = board.join(db, code, "Ana")
    genuine = f"{code}.{joined.student}"

    class Context:
        cookies = {classroom.SEAT_COOKIE: cookie}

    monkeypatch.setattr(classroom.st, "context", Context)
    monkeypatch.setattr(classroom.st, "session_state", {})
    assert classroom.seat() is None  # forged, foreign or empty: no seat, no exception
    Context.cookies = {classroom.SEAT_COOKIE: genuine}
    monkeypatch.setattr(classroom.st, "session_state", {})
    assert classroom.seat() == classroom.Held(code, joined.student, "Ana")
    board.end(db, code, token)
    monkeypatch.setattr(classroom.st, "session_state", {})
    assert classroom.seat() is None  # an ended class seats no one


@pytest.mark.parametrize("peer, forwarded, trusted, expected", [
    ("203.0.113.7", None, clients.DEFAULT_TRUSTED, "203.0.113.7"),  # a student's laptop, straight to the app
    ("203.0.113.7", "198.51.100.1", clients.DEFAULT_TRUSTED, "203.0.113.7"),  # a header from a client is not believed
    ("127.0.0.1", "198.51.100.1", clients.DEFAULT_TRUSTED, "198.51.100.1"),  # the deploy's nginx on this machine
    (None, "198.51.100.1", clients.DEFAULT_TRUSTED, "198.51.100.1"),  # Streamlit says None for localhost
    ("127.0.0.1", None, clients.DEFAULT_TRUSTED, None),  # the server's own machine: not capped
    ("::1", "::1", clients.DEFAULT_TRUSTED, None),
    ("172.28.0.10", "198.51.100.1", "172.28.0.10", "198.51.100.1"),  # compose's nginx, named trusted
    ("172.28.0.11", "198.51.100.1", "172.28.0.0/30", "172.28.0.11"),  # outside the trusted network
    ("127.0.0.1", "not an address", clients.DEFAULT_TRUSTED, None),
    ("127.0.0.1", "198.51.100.1, 10.0.0.1", clients.DEFAULT_TRUSTED, None),  # a list is not one address
    ("garbage", "2001:db8::1", "nonsense,::1", "2001:db8::/64"),  # an IPv6 host is its /64
    ("2001:db8:0:0:ffff::7", None, clients.DEFAULT_TRUSTED, "2001:db8::/64"),
])
def test_a_class_is_counted_against_the_client_that_created_it(monkeypatch, peer, forwarded, trusted, expected):
    monkeypatch.setenv(clients.TRUSTED_ENV, trusted)
    assert clients.client_address(peer, forwarded, clients.trusted_proxies()) == expected


def test_an_answer_waits_while_the_class_database_is_unreachable_and_is_neither_graded_nor_lost(monkeypatch):
    from gradscape.classroom import links
    from gradscape.classroom.questions import Question
    from gradscape.ui.exercise import OFFLINE
    from tests.test_exercise_apptest import SECRET, answer, paths_hidden, student_link
    from tests.test_exercise_questions import PEAKS, oracle_answer

    monkeypatch.setenv(links.SECRET_ENV, SECRET)
    server = Server()
    try:
        monkeypatch.setenv("GRADSCAPE_DATABASE_URL", server.new_database())
        db = store.connect()
        q = Question("minimum", run=0)
        kept = class_board.exercise_target(f"http://h/?{urlencode(student_link('playground', PEAKS, q))}")
        code, token = board.create_session(db, "Outage", exercise=kept)
        at = student(code, "Ana")
        at.query_params.clear()
        for k, v in parse_qsl(urlsplit(kept).query):
            at.query_params[k] = v
        run(at)
        server.stop()
        at = answer(at, "pg", "minimum", oracle_answer(PEAKS, q))
        assert OFFLINE in texts(at) and paths_hidden(at) and not [m for m in at.success if "Right." in m.value]
        server.start()
        run(at.button(key="pg.ex.check").click())
        at = answer(at, "pg", "minimum", oracle_answer(PEAKS, q))
        assert f"is on class {code}'s board" in texts(at) and paths_hidden(at)
        assert [e.submission.right for e in board.board(db, code, token).entries] == [True]
    finally:
        server.close()


def test_a_sweeps_exercise_in_a_class_holds_its_chart_back_until_the_reveal(db, monkeypatch):
    """The class's copy of a Sweeps exercise (largest converging rate): a seated student's number goes to the
    board graded against the NumPy oracle's rate, the sweep's chart stays hidden until the teacher reveals,
    and the board draws the class's numbers as a histogram."""
    from gradscape.classroom import links
    from gradscape.classroom.exercise import LOCKED
    from gradscape.classroom.questions import Question
    from tests.test_exercise_apptest import SECRET, answer, graded, student_link
    from tests.test_exercise_questions import RATES, oracle_rate

    monkeypatch.setenv(links.SECRET_ENV, SECRET)
    given = f"http://h/sweeps?{urlencode(student_link('sweeps', RATES, Question('rate', run=0), {'rates': LOCKED}))}"
    code, token = board.create_session(db, "The cliff", exercise=class_board.exercise_target(given))
    sent = []
    for name, value in (("Ana", oracle_rate()), ("Ben", oracle_rate() * 4)):
        at = student(code, name)
        at.switch_page("pages/sweeps.py")
        at.query_params.clear()
        for k, v in parse_qsl(urlsplit(board.state(db, code).exercise).query):
            at.query_params[k] = v
        run(at)
        assert not at.get("plotly_chart") and "your first answer goes to your class's board" in texts(at)
        at = answer(at, "sw", "number", value)
        assert f"is on class {code}'s board" in texts(at) and not at.get("plotly_chart")
        sent.append(at)
    answers = [e.submission for e in board.board(db, code, token).entries]
    assert [a.right for a in answers] == [True, False] and [float(a.answer) for a in answers] == \
        [float(f"{oracle_rate():.4g}"), float(f"{oracle_rate() * 4:.4g}")]
    (chart,) = [json.loads(c.proto.spec) for c in teacher_board(code, token).get("plotly_chart")]
    assert [t["type"] for t in chart["data"]] == ["histogram"]
    board.set_flags(db, code, token, revealed=True)
    ana = run(sent[0].button(key="sw.ex.check").click())
    assert graded(ana)[0] is True and ana.get("plotly_chart")
