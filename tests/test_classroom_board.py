"""The class board's calls (classroom/board.py), each against SQLite and PostgreSQL: the teacher's
token, codes, names, caps, pauses, expiry, the board's polling, pins and the export."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gradscape.classroom import board, schema
from gradscape.classroom.board import Submission
from gradscape.classroom.errors import ClassError, Ended, Forbidden, Invalid, NotFound, Refused

RUN = {"ls": "himmelblau", "start": "0.5,-1", "r1": "adam;lr=0.05"}


def run_of(i: int) -> Submission:
    return Submission(query={**RUN, "seed": str(i)}, landscape="himmelblau", optimizer="adam", learning_rate=0.05,
                      start=(0.5, -1.0), end=(3.0, 2.0), final_loss=1e-9 * i, end_state="at a global minimum")


class Clock:
    """board.clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(board, "clock", c)
    return c


def teacher_actions(db, code, token, entry):
    """Every call that needs the teacher's token, each as a function of the token."""
    return {
        "pause": lambda t: board.set_flags(db, code, t, paused=True),
        "close": lambda t: board.set_flags(db, code, t, open=False),
        "reveal": lambda t: board.set_flags(db, code, t, revealed=True),
        "names": lambda t: board.set_flags(db, code, t, names_shown=True),
        "pin": lambda t: board.pin(db, code, t, entry),
        "unpin": lambda t: board.unpin(db, code, t, entry),
        "order": lambda t: board.order_pins(db, code, t, [entry]),
        "remove": lambda t: board.remove_entry(db, code, t, entry),
        "end": lambda t: board.end(db, code, t),
        "board": lambda t: board.board(db, code, t),
        "export": lambda t: board.export_rows(db, code, t),
    }


def rows_of(db, table) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_class_keeps_only_the_hash_of_its_teacher_token(db, clock):
    code, token = board.create_session(db, "Adam vs SGD", lesson="adaptive")
    assert len(code) == 6 and set(code) <= set(board.CODE_ALPHABET) and not set("01ILO") & set(board.CODE_ALPHABET)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    with db.connect() as conn:
        stored = conn.execute(select(schema.sessions)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps([str(v) for v in stored])
    s = board.state(db, code.lower())
    assert (s.title, s.lesson, s.exercise, s.paused, s.open, s.revealed, s.names_shown, s.ended) == \
        ("Adam vs SGD", "adaptive", None, False, True, False, False, False)


def test_no_teacher_action_goes_through_without_the_token(db, clock):
    code, token = board.create_session(db, "Class")
    other_code, other_token = board.create_session(db, "Other class")
    student = board.join(db, code, "Ana").student
    entry = board.submit(db, code, student, run_of(1))
    edited = token[:-1] + ("A" if token[-1] != "A" else "B")
    wrong = [edited, token.upper() if token.upper() != token else token.lower(), other_token, "", " " + token,
             token + "=", None, 0, [token], token * 100, student]
    before = board.board(db, code, token)
    for name, action in teacher_actions(db, code, token, entry).items():
        for t in wrong:
            with pytest.raises(Forbidden, match=f"not the teacher link of class {code}"):
                action(t)
    assert board.board(db, code, token) == before
    with pytest.raises(Forbidden):  # a class's token opens only that class
        board.board(db, other_code, token)


def test_the_token_is_compared_in_constant_time(db, clock, monkeypatch):
    """Every check goes through hmac.compare_digest on the hashes (its time does not depend on where
    they differ); a plain == would leak, byte by byte, how much of a guess is right."""
    code, token = board.create_session(db, "Class")
    calls, real = [], hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    stored = hashlib.sha256(token.encode()).hexdigest()
    board.board(db, code, token)
    with pytest.raises(Forbidden):
        board.set_flags(db, code, "guess", paused=True)
    assert calls == [(stored, stored), (hashlib.sha256(b"guess").hexdigest(), stored)]


def test_teacher_actions_do_what_they_say(db, clock):
    code, token = board.create_session(db, "Class")
    student = board.join(db, code, "Ana").student
    board.set_flags(db, code, token, paused=True, revealed=True, names_shown=True)
    s = board.state(db, code)
    assert (s.paused, s.open, s.revealed, s.names_shown) == (True, True, True, True)
    board.set_flags(db, code, token, paused=False, open=False, names_shown=False)
    s = board.state(db, code)
    assert (s.paused, s.open, s.revealed, s.names_shown) == (False, False, True, False)
    with pytest.raises(Refused, match="closed"):
        board.submit(db, code, student, run_of(1))


def test_join_codes_are_unique_and_typed_loosely(db, clock, monkeypatch):
    codes = {board.create_session(db, f"Class {i}").code for i in range(60)}
    assert len(codes) == 60
    taken = sorted(codes)[0]
    fresh = iter([taken, taken, "ABCDEF"])
    monkeypatch.setattr(board, "new_code", lambda: next(fresh))
    assert board.create_session(db, "One more").code == "ABCDEF"
    assert board.join(db, " abc-def ", "Ana").name == "Ana"
    assert board.state(db, "ab cd ef").title == "One more"


@pytest.mark.parametrize("code, error", [
    ("", Invalid), ("ABCDE", Invalid), ("ABCDEFG", Invalid), ("ABCDE0", Invalid), ("ABCDEI", Invalid),
    ("ÄBCDEF", Invalid), (None, Invalid), (123456, Invalid), ("ABC\x00EF", Invalid), ("ZZZZZZ", NotFound),
])
def test_a_wrong_code_is_refused_in_words(db, clock, code, error):
    board.create_session(db, "Class")
    with pytest.raises(error) as refused:
        board.join(db, code, "Ana")
    assert "class code is 6 letters" in str(refused.value) or "No class has the code ZZZZZZ" in str(refused.value)


def test_names_are_nfc_plain_text_capped_and_a_taken_one_gets_a_suffix(db, clock):
    code, token = board.create_session(db, "Class")
    assert board.join(db, code, "  Zoe\u0301\t\n  Martin ").name == "Zoé Martin"
    assert board.join(db, code, "zoé martin").name == "zoé martin (2)"
    assert board.join(db, code, "ZOÉ MARTIN").name == "ZOÉ MARTIN (3)"
    assert board.join(db, code, "\u202eevil\u2066 <b>x</b>\x07\x00\ud800").name == "evil <b>x</b>"  # stored raw; shown escaped
    long = "n" * board.MAX_NAME
    assert board.join(db, code, long).name == long
    assert board.join(db, code, long).name == "n" * (board.MAX_NAME - 4) + " (2)"
    for bad in ("", "   ", "\u202e", "n" * (board.MAX_NAME + 1), None, 7):
        with pytest.raises(Invalid):
            board.join(db, code, bad)
    board.set_flags(db, code, token, names_shown=True)
    assert sorted(board.board(db, code, token).names.values()) == sorted(
        ["Zoé Martin", "zoé martin (2)", "ZOÉ MARTIN (3)", "evil <b>x</b>", long, "n" * 36 + " (2)"])


def test_a_student_key_opens_only_its_own_class(db, clock):
    code, _ = board.create_session(db, "Class")
    other, _ = board.create_session(db, "Other")
    key = board.join(db, other, "Ana").student
    for bad in (key, key[:-1] + "x", "", None, 5, "k" * 10_000):
        with pytest.raises(Forbidden, match=f"not in class {code}"):
            board.submit(db, code, bad, run_of(1))
    assert board.seat(db, other, key).name == "Ana"


def test_pause_freezes_submissions_and_resume_lets_them_in(db, clock):
    code, token = board.create_session(db, "Class")
    student = board.join(db, code, "Ana").student
    board.set_flags(db, code, token, paused=True)
    assert board.seat(db, code, student).state.paused
    with pytest.raises(Refused, match="paused"):
        board.submit(db, code, student, run_of(1))
    assert board.join(db, code, "Ben").name == "Ben"  # a paused class still takes students
    board.set_flags(db, code, token, paused=False)
    assert isinstance(board.submit(db, code, student, run_of(1)), int)


def test_an_ended_class_refuses_students_and_the_teachers_changes_but_still_reads(db, clock):
    code, token = board.create_session(db, "Class")
    student = board.join(db, code, "Ana").student
    entry = board.submit(db, code, student, run_of(1))
    board.end(db, code, token)
    for call in (lambda: board.join(db, code, "Ben"), lambda: board.submit(db, code, student, run_of(2)),
                 lambda: board.set_flags(db, code, token, paused=True), lambda: board.pin(db, code, token, entry),
                 lambda: board.end(db, code, token)):
        with pytest.raises(Ended, match=f"Class {code} has ended"):
            call()
    assert board.state(db, code).ended and board.seat(db, code, student).state.ended
    assert [e.id for e in board.board(db, code, token).entries] == [entry]
    assert [r["entry"] for r in board.export_rows(db, code, token)] == [entry]


def test_one_submission_per_student_every_two_seconds(db, clock):
    code, _ = board.create_session(db, "Class")
    ana, ben = (board.join(db, code, n).student for n in ("Ana", "Ben"))
    board.submit(db, code, ana, run_of(1))
    clock.now += board.SUBMIT_GAP_S - 0.01
    with pytest.raises(Refused, match="One submission every 2 s"):
        board.submit(db, code, ana, run_of(2))
    board.submit(db, code, ben, run_of(3))  # the gap is each student's own
    assert board.seat(db, code, ana).next_at == pytest.approx(clock.now + 0.01)
    clock.now += 0.01
    board.submit(db, code, ana, run_of(4))
    assert board.seat(db, code, ana).submitted == 2


def test_caps_on_students_entries_and_classes(db, clock, monkeypatch):
    monkeypatch.setattr(board, "MAX_STUDENTS", 3)
    monkeypatch.setattr(board, "MAX_PER_STUDENT", 2)
    monkeypatch.setattr(board, "MAX_ENTRIES", 5)
    monkeypatch.setattr(board, "MAX_SESSIONS", 2)
    code, token = board.create_session(db, "Class")
    keys = [board.join(db, code, n).student for n in ("Ana", "Ben", "Cy")]
    with pytest.raises(Refused, match=f"Class {code} is full: it has 3 students"):
        board.join(db, code, "Dee")
    for key in keys[:2]:
        for i in range(2):
            board.submit(db, code, key, run_of(i))
            clock.now += board.SUBMIT_GAP_S
        with pytest.raises(Refused, match="limit of 2 submissions"):
            board.submit(db, code, key, run_of(9))
    board.submit(db, code, keys[2], run_of(1))
    clock.now += board.SUBMIT_GAP_S
    with pytest.raises(Refused, match="holds 5 submissions"):
        board.submit(db, code, keys[2], run_of(2))
    assert rows_of(db, schema.entries) == 5
    board.create_session(db, "Second")
    with pytest.raises(Refused, match="already holds 2 classes"):
        board.create_session(db, "Third")
    clock.now += board.lifetime_s()  # both expire: the next class finds room
    assert board.create_session(db, "Third").code


def test_a_class_expires_after_its_last_activity_and_is_deleted_with_everything_in_it(db, clock, monkeypatch):
    monkeypatch.setenv("GRADSCAPE_CLASS_DAYS", "0.5")
    assert board.lifetime_s() == 12 * 3600
    code, token = board.create_session(db, "Old")
    keep, keep_token = board.create_session(db, "Kept")
    student = board.join(db, code, "Ana").student
    entry = board.submit(db, code, student, run_of(1))
    board.pin(db, code, token, entry)
    clock.now += 11 * 3600
    board.set_flags(db, keep, keep_token, paused=True)  # activity pushes back the expiry
    clock.now += 11 * 3600
    with pytest.raises(Ended, match="expired"):
        board.join(db, code, "Ben")
    with pytest.raises(Ended, match="expired"):
        board.board(db, code, token)
    assert board.state(db, keep).paused
    assert board.purge_expired(db) == 1
    assert [rows_of(db, t) for t in (schema.sessions, schema.students, schema.entries, schema.pins)] == [1, 0, 0, 0]
    with pytest.raises(NotFound):
        board.state(db, code)
    for value in ("0", "-1", "nan", "inf", "week"):
        monkeypatch.setenv("GRADSCAPE_CLASS_DAYS", value)
        assert board.lifetime_s() == board.DEFAULT_DAYS * 86400


def test_the_board_reads_what_changed_since_the_version_it_saw(db, clock):
    code, token = board.create_session(db, "Class")
    ana, ben = (board.join(db, code, n).student for n in ("Ana", "Ben"))
    first = board.board(db, code, token)
    assert (first.entries, first.students, first.names) == ((), 2, {})
    a = board.submit(db, code, ana, run_of(1))
    b = board.submit(db, code, ben, Submission(answer="  b  "))
    seen = board.board(db, code, token, since=first.state.version)
    assert [(e.id, e.removed) for e in seen.entries] == [(a, False), (b, False)]
    assert seen.entries[0].submission == run_of(1)
    assert seen.entries[1].submission == Submission(answer="b")
    assert board.board(db, code, token, since=seen.state.version).entries == ()
    clock.now += board.SUBMIT_GAP_S
    c = board.submit(db, code, ana, run_of(3))
    board.remove_entry(db, code, token, a)
    latest = board.board(db, code, token, since=seen.state.version)
    assert [(e.id, e.removed) for e in latest.entries] == [(a, True), (c, False)]
    assert [e.id for e in board.board(db, code, token).entries if not e.removed] == [b, c]
    board.set_flags(db, code, token, names_shown=True)
    named = board.board(db, code, token, since=latest.state.version)
    assert named.entries == () and sorted(named.names.values()) == ["Ana", "Ben"]
    assert named.names[seen.entries[0].student] == "Ana"
    for since in (-1, 1.5, "3", None, True):
        with pytest.raises(Invalid):
            board.board(db, code, token, since=since)


def test_pins_keep_the_teachers_order(db, clock):
    code, token = board.create_session(db, "Class")
    other, other_token = board.create_session(db, "Other")
    keys = [board.join(db, code, n).student for n in ("Ana", "Ben", "Cy")]
    a, b, c = (board.submit(db, code, k, run_of(i)) for i, k in enumerate(keys))
    foreign = board.submit(db, other, board.join(db, other, "Dee").student, run_of(9))
    for e in (a, b, c, a):
        board.pin(db, code, token, e)
    assert board.board(db, code, token).pins == (a, b, c)
    board.order_pins(db, code, token, [c, a, b])
    assert board.board(db, code, token).pins == (c, a, b)
    board.unpin(db, code, token, a)
    board.remove_entry(db, code, token, b)
    assert board.board(db, code, token).pins == (c,)
    with pytest.raises(NotFound):
        board.pin(db, code, token, foreign)  # another class's entry
    with pytest.raises(NotFound):
        board.pin(db, code, token, b)  # removed
    with pytest.raises(NotFound):
        board.unpin(db, code, token, a)
    for order in ([c, c], [c, a], [], [foreign], None, "c", [True]):
        with pytest.raises(Invalid):
            board.order_pins(db, code, token, order)
    with pytest.raises(NotFound):
        board.remove_entry(db, code, token, foreign)
    assert [e.id for e in board.board(db, other, other_token).entries] == [foreign]


def test_the_export_holds_every_entry_and_a_spreadsheet_reads_it_as_text(db, clock):
    code, token = board.create_session(db, "Class")
    ana = board.join(db, code, "=HYPERLINK(\"x\")").student
    ben = board.join(db, code, "Ben").student
    a = board.submit(db, code, ana, run_of(1))
    clock.now += 1
    b = board.submit(db, code, ben, Submission(answer="-1+2", right=False, off=0.5, verdict="=1 too low"))
    clock.now += board.SUBMIT_GAP_S
    board.remove_entry(db, code, token, board.submit(db, code, ben, run_of(2)))
    board.pin(db, code, token, b)
    rows = board.export_rows(db, code, token)
    assert [r["entry"] for r in rows] == [a, b]
    assert rows[0]["name"] == "=HYPERLINK(\"x\")" and rows[0]["pinned"] is None and rows[1]["pinned"] == 1
    assert dict(parse_qsl(rows[0]["link"])) == {**RUN, "seed": "1"} and rows[1]["link"] is None
    assert rows[0]["submitted"] == "2030-03-17T17:46:40+00:00"
    parsed = list(csv.DictReader(io.StringIO(board.export_csv(rows))))
    assert list(parsed[0]) == list(board.EXPORT_COLUMNS)
    assert parsed[0]["name"] == "'=HYPERLINK(\"x\")" and parsed[1]["answer"] == "'-1+2"
    assert parsed[0]["start_x"] == "0.5" and parsed[1]["start_x"] == "" and float(parsed[0]["final_loss"]) == 1e-9
    assert (rows[1]["right"], rows[1]["off"], parsed[1]["verdict"]) == (False, 0.5, "'=1 too low") and rows[0]["right"] is None
    assert json.loads(board.export_json(rows)) == rows


@pytest.mark.parametrize("sub", [
    None, {"answer": "a"}, Submission(), Submission(answer="   "), Submission(query={"ls": 3}),
    Submission(query=[("ls", "x")]), Submission(query={"f": "x" * board.MAX_QUERY}),
    Submission(answer="a" * (board.MAX_ANSWER + 1)), Submission(answer="a", optimizer="o" * 41),
    Submission(answer="a", end_state=5),
])
def test_a_malformed_submission_is_refused_in_words(db, clock, sub):
    code, _ = board.create_session(db, "Class")
    student = board.join(db, code, "Ana").student
    with pytest.raises(Invalid):
        board.submit(db, code, student, sub)


def test_numbers_that_are_not_finite_are_stored_as_missing(db, clock):
    code, token = board.create_session(db, "Class")
    student = board.join(db, code, "Ana").student
    board.submit(db, code, student, Submission(answer="a", learning_rate=float("nan"), final_loss=float("inf"),
                                               start=(1.0, float("-inf")), end=(True, 2.0)))
    got = board.board(db, code, token).entries[0].submission
    assert (got.learning_rate, got.final_loss, got.start, got.end) == (None, None, None, None)


def test_a_path_is_kept_to_six_digits_without_its_points_that_are_not_finite(db, clock):
    code, token = board.create_session(db, "Class")
    student = board.join(db, code, "Ana").student
    path = ((0.1234567891, -2.0), (float("nan"), 1.0), (1e-30, 3.0), (float("inf"), 0.0))
    board.submit(db, code, student, Submission(answer="a", path=path))
    assert board.board(db, code, token).entries[0].submission.path == ((0.123457, -2.0), (1e-30, 3.0))
    for bad in ([(0.0, 0.0)] * (board.MAX_PATH + 1), [(1.0, 2.0, 3.0)], "0,0", [0.0, 1.0], {"x": 1}):
        clock.now += board.SUBMIT_GAP_S
        with pytest.raises(Invalid, match="list of at most"):
            board.submit(db, code, student, Submission(answer="a", path=bad))


def test_hostile_titles_and_links_are_refused_before_the_database(db, clock):
    for title in ("", " \n ", "t" * (board.MAX_TITLE + 1), None, b"bytes"):
        with pytest.raises(Invalid):
            board.create_session(db, title)
    with pytest.raises(Invalid):
        board.create_session(db, "Class", exercise="e" * (board.MAX_QUERY + 1))
    with pytest.raises(Invalid):
        board.create_session(db, "Class", lesson="l" * (board.MAX_LINK + 1))
    assert rows_of(db, schema.sessions) == 0


HOSTILE = st.one_of(st.text(max_size=60), st.text(alphabet=board.CODE_ALPHABET + "ilo01-", min_size=5, max_size=8),
                    st.binary(max_size=20), st.integers(), st.floats(), st.none(), st.booleans(),
                    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2))


ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=50)  # NUL and lone surrogates too
SUBMISSIONS = st.builds(Submission, query=st.one_of(st.none(), HOSTILE, st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=3)),
                        answer=st.one_of(HOSTILE, ANY_TEXT), landscape=st.one_of(HOSTILE, ANY_TEXT),
                        optimizer=HOSTILE, learning_rate=HOSTILE, start=HOSTILE, end=HOSTILE, final_loss=HOSTILE,
                        end_state=st.one_of(HOSTILE, ANY_TEXT), path=st.one_of(HOSTILE, st.lists(HOSTILE, max_size=4)))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=HOSTILE, token=HOSTILE, name=st.one_of(HOSTILE, ANY_TEXT), student=HOSTILE, entry=HOSTILE, sub=SUBMISSIONS)
def test_hostile_codes_names_tokens_and_entries_get_words_never_a_crash_or_a_teacher_action(db, code, token, name, student,
                                                                                            entry, sub):
    """Any value in any argument: a ClassError (or, for a name, a student who joined another class);
    never another exception, and the class is exactly as it was: no teacher action went through."""
    real, real_token = board.create_session(db, "Target")
    lobby = board.create_session(db, "Lobby").code
    key = board.join(db, real, "Owner").student
    target = board.submit(db, real, key, run_of(0))
    before = board.board(db, real, real_token)
    calls = [lambda: board.join(db, code, "Ana"), lambda: board.join(db, lobby, name),
             lambda: board.submit(db, lobby, board.join(db, lobby, "Writer").student, sub),
             lambda: board.submit(db, code, key, run_of(1)), lambda: board.submit(db, real, student, run_of(1)),
             lambda: board.seat(db, code, student), lambda: board.state(db, code),
             *(lambda a=a: a(token) for a in teacher_actions(db, real, real_token, target).values()),
             lambda: board.pin(db, real, token, entry), lambda: board.remove_entry(db, real, token, entry),
             lambda: board.order_pins(db, real, token, entry), lambda: board.board(db, real, token, since=entry)]
    for call in calls:
        try:
            call()
        except ClassError:
            pass
    assert board.board(db, real, real_token) == before


def test_a_students_first_answer_counts_and_its_grade_stays_hidden_from_them_until_the_reveal(db, clock):
    code, token = board.create_session(db, "Predict", exercise="?ls=peaks&ex=a.b")
    ana = board.join(db, code, "Ana").student
    assert board.seat(db, code, ana).answered is None
    first = board.submit(db, code, ana, Submission(answer="global minimum", right=True, off=0.0, verdict="It ends there."))
    clock.now += board.SUBMIT_GAP_S
    with pytest.raises(Refused, match="answered already"):
        board.submit(db, code, ana, Submission(answer="local minimum", right=False, off=1.0))
    board.submit(db, code, ana, run_of(1))  # runs are still welcome
    assert board.seat(db, code, ana).answered == board.Answered("global minimum", None, None)
    (entry,) = [e for e in board.board(db, code, token).entries if e.id == first]
    assert (entry.submission.right, entry.submission.off) == (True, 0.0)  # the teacher's board holds the grade
    board.remove_entry(db, code, token, first)  # the teacher lets Ana answer again
    clock.now += board.SUBMIT_GAP_S
    board.submit(db, code, ana, Submission(answer="local minimum", right=False, off=1.0, verdict="It does not."))
    assert board.seat(db, code, ana).answered == board.Answered("local minimum", None, None)
    board.set_flags(db, code, token, revealed=True)
    assert board.seat(db, code, ana).answered == board.Answered("local minimum", False, "It does not.")
    ben = board.join(db, code, "Ben").student
    with pytest.raises(Refused, match="revealed"):  # the projector shows the answer now
        board.submit(db, code, ben, Submission(answer="global minimum", right=True, off=0.0))
    board.submit(db, code, ben, run_of(2))


@pytest.mark.parametrize("sub", [Submission(right=True), Submission(verdict="right"), Submission(answer="a", right=1),
                                 Submission(answer="a", verdict="v" * (board.MAX_VERDICT + 1))])
def test_a_grade_without_an_answer_or_of_the_wrong_kind_is_refused(db, sub):
    code, _ = board.create_session(db, "Class")
    with pytest.raises(Invalid):
        board.submit(db, code, board.join(db, code, "Ana").student, sub)


def test_one_client_cannot_fill_the_server_with_classes(db, clock):
    me, other = board.creator_key("203.0.113.7", b"k" * 32), board.creator_key("198.51.100.2", b"k" * 32)
    assert me == hmac.new(b"k" * 32, b"class creator\x00203.0.113.7", hashlib.sha256).hexdigest() and me != other
    burst, window = board.CREATOR_BURST
    made = [board.create_session(db, f"Class {i}", creator=me) for i in range(burst)]
    with pytest.raises(Refused, match="new classes"):
        board.create_session(db, "One more", creator=me)
    board.create_session(db, "Someone else's", creator=other)
    board.create_session(db, "The server's own", creator=None)
    while len(made) < board.MAX_PER_CREATOR:
        clock.now += window
        made += [board.create_session(db, f"Class {len(made) + i}", creator=me)
                 for i in range(min(burst, board.MAX_PER_CREATOR - len(made)))]
    clock.now += window
    with pytest.raises(Refused, match="end one first"):
        board.create_session(db, "Too many", creator=me)
    board.end(db, made[0].code, made[0].teacher_token)
    board.create_session(db, "After ending one", creator=me)


def test_the_cap_per_address_counts_active_classes_and_the_operator_can_set_it(db, clock, monkeypatch):
    me = board.creator_key("203.0.113.7", b"k" * 32)
    monkeypatch.setenv(board.CREATOR_ENV, "2")
    board.create_session(db, "One", creator=me)
    board.create_session(db, "Two", creator=me)
    with pytest.raises(Refused, match="2 classes active today"):
        board.create_session(db, "Three", creator=me)
    clock.now += board.ACTIVE_S + 1  # a day later the two are idle: they do not count
    board.create_session(db, "Three", creator=me)
    monkeypatch.setenv(board.CREATOR_ENV, "0")  # no cap (the burst goes with it)
    for i in range(board.CREATOR_BURST[0] + 2):
        board.create_session(db, f"Uncapped {i}", creator=me)
    monkeypatch.setenv(board.CREATOR_ENV, "many")  # not a number: the default
    assert board.per_creator() == board.MAX_PER_CREATOR
