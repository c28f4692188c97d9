"""Exercise links: the token format (forged here by hand from its documented recipe), the server's
secret, and well over 100 hostile tokens — truncated, bit-flipped, signed with another key, oversized,
zip bombs, and validly signed ones with invalid content — every one refused in words, none raising
anything else."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import zlib

import pytest

from gradscape.classroom import exercise, links, questions
from gradscape.classroom.exercise import HIDDEN, LOCKED, ExerciseError
from gradscape.classroom.links import TokenError
from gradscape.classroom.questions import Question
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query

KEY = b"test secret of the exercise tests"
QUAD = Scenario("quadratic", runs=(RunSpec("sgd", 0.1), RunSpec("momentum", 0.05), RunSpec("sgd", 0.6)), steps=100)


def forge(raw: bytes, key: bytes = KEY) -> str:
    """A token built from the README's recipe: base64url(zlib(bytes)) '.' base64url(HMAC-SHA256 tag, 16 bytes)."""
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    body = b64(zlib.compress(raw))
    return f"{body}.{b64(hmac.new(key, links.DOMAIN + body.encode(), hashlib.sha256).digest()[:16])}"


def signed(payload: dict, key: bytes = KEY) -> str:
    return forge(json.dumps(payload).encode(), key)


@pytest.fixture(scope="module")
def valid() -> exercise.Exercise:
    return exercise.make("playground", QUAD, {"steps": LOCKED, "run.lr": HIDDEN}, Question("lowest", wording="Which?"))


def test_a_forged_token_of_the_documented_format_reads_back(valid):
    token = signed(valid.payload())
    back = exercise.read(token, KEY)
    assert (back.base, back.locks, back.question) == (QUAD, {"steps": LOCKED, "run.lr": HIDDEN, "r": LOCKED}, valid.question)
    assert exercise.read(valid.token(KEY), KEY).question == valid.question  # the module's own tokens too


def test_the_token_holds_the_setting_and_never_the_answer(valid):
    payload = links.open_token(valid.token(KEY), KEY)
    assert set(payload) == {"v", "page", "base", "locks", "question"}
    assert payload["base"] == to_query(QUAD)
    assert set(payload["question"]) == {"kind", "wording", "explanation", "start"}  # a 'lowest' question's parameters


def test_locks_are_normalized():
    page = exercise.PAGES["playground"]
    assert exercise.normalize(page, {"run.lr": LOCKED}) == {"run.lr": LOCKED, "r": LOCKED}
    hidden = exercise.normalize(page, {"r": HIDDEN})
    assert {k for k, v in hidden.items() if v == HIDDEN} == {"r"} | {f"run.{f}" for f in ("opt", "lr", "h", "B", "s", "sp", "label", "color", "on")}
    assert exercise.normalize(exercise.PAGES["lessons"], {}) == {"lesson": HIDDEN}


def test_lockable_controls_come_from_the_field_tables():
    from gradscape.trajectories.scenario import RUN, SCENARIO
    from gradscape.trajectories.sweep_scenario import SWEEP

    pg = set(exercise.PAGES["playground"].by_key)
    assert pg == {f.key for f in SCENARIO.lockable()} | {f"run.{f.key}" for f in RUN.lockable()}
    assert "present" not in pg and "t" not in pg  # not lockable in the table
    sweeps = set(exercise.PAGES["sweeps"].by_key)
    assert {f.key for f in SWEEP.lockable()} - {"base"} <= sweeps and "steps" in sweeps and "run.lr" in sweeps


def test_a_locked_change_is_refused_and_a_free_one_allowed(valid):
    from dataclasses import replace

    with pytest.raises(ValueError, match="steps: locked by your teacher"):
        valid.check(replace(QUAD, steps=200))
    with pytest.raises(ValueError, match="learning rate"):
        valid.check(replace(QUAD, runs=(RunSpec("sgd", 0.2),) + QUAD.runs[1:]))
    valid.check(replace(QUAD, view="3d", log_loss=False))
    assert valid.changed(replace(QUAD, steps=200, runs=QUAD.runs[:2])) == ["steps", "the list of runs", "learning rate"]


def test_the_secret_is_made_once_private_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.delenv(links.SECRET_ENV, raising=False)
    monkeypatch.setenv("GRADSCAPE_DATA_DIR", str(tmp_path / "data"))
    first = links.secret()
    path = tmp_path / "data" / links.SECRET_FILE
    assert len(first) == links.SECRET_BYTES and path.read_bytes() == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert links.secret() == first
    monkeypatch.setenv(links.SECRET_ENV, "from the environment")
    assert links.secret() == b"from the environment"


def _flip(token: str, i: int) -> str:
    c = token[i]
    return token[:i] + ("A" if c != "A" else "B") + token[i + 1:]


def hostile_tokens(valid: exercise.Exercise) -> list[tuple[str, str]]:
    """(name, token) pairs, each one a link a server must refuse."""
    good = valid.token(KEY)
    payload = valid.payload()
    question = payload["question"]
    out = [(f"truncated to {n}", good[:n]) for n in range(0, len(good) - 1, max(1, len(good) // 30))]
    out += [(f"character {i} changed", _flip(good, i)) for i in range(0, len(good), max(1, len(good) // 40)) if good[i] != "."]
    out += [
        ("signed with another key", valid.token(b"another server's secret")),
        ("signed with an empty key", signed(payload, b"")),
        ("no dot", good.replace(".", "")), ("two dots", good + ".AAAA"), ("empty", ""), ("only a dot", "."),
        ("not base64", "!!!!.????"), ("oversized", "A" * (links.MAX_TOKEN + 1)), ("oversized valid prefix", good + "A" * links.MAX_TOKEN),
        ("zip bomb", forge(b"[" + b" " * 2_000_000 + b"]")), ("zip bomb of an object", forge(b'{"v":' + b" " * 200_000 + b"1}")),
        ("not zlib", (lambda b: f"{b}.{base64.urlsafe_b64encode(hmac.new(KEY, links.DOMAIN + b.encode(), hashlib.sha256).digest()[:16]).rstrip(b'=').decode()}")("AAAA")),
        ("not JSON", forge(b"\xff\xfe not json")), ("a JSON list", forge(b"[1, 2, 3]")), ("a JSON string", forge(b'"hi"')),
        ("NaN", forge(b'{"v": NaN}')), ("deep nesting", forge(b"[" * 100_000 + b"]" * 100_000)),
        ("an empty object", signed({})), ("missing question", signed({k: v for k, v in payload.items() if k != "question"})),
        ("extra key", signed({**payload, "answer": 0})), ("version 2", signed({**payload, "v": 2})),
        ("version true", signed({**payload, "v": True})), ("version text", signed({**payload, "v": "1"})),
        ("unknown page", signed({**payload, "page": "admin"})), ("page without exercises", signed({**payload, "page": "networks"})),
        ("page not text", signed({**payload, "page": ["playground"]})),
        ("base not a dict", signed({**payload, "base": "ls=quadratic"})), ("base with a bad value", signed({**payload, "base": {**payload["base"], "steps": "abc"}})),
        ("base with an unknown key", signed({**payload, "base": {**payload["base"], "evil": "1"}})),
        ("base with 100 keys", signed({**payload, "base": {f"k{i}": "1" for i in range(100)}})),
        ("base with a number", signed({**payload, "base": {**payload["base"], "steps": 100}})),
        ("base with a huge value", signed({**payload, "base": {**payload["base"], "r1": "sgd;label=" + "x" * 5000}})),
        ("locks not a dict", signed({**payload, "locks": ["steps"]})),
        ("lock on a control that does not exist", signed({**payload, "locks": {"nope": LOCKED}})),
        ("lock on a run field that does not exist", signed({**payload, "locks": {"run.nope": LOCKED}})),
        ("lock on presentation mode (not lockable)", signed({**payload, "locks": {"present": LOCKED}})),
        ("lock on the playhead (not lockable)", signed({**payload, "locks": {"t": HIDDEN}})),
        ("lock on the sweep's kind, on the Playground", signed({**payload, "locks": {"sweep": LOCKED}})),
        ("lock state unknown", signed({**payload, "locks": {"steps": "open"}})),
        ("lock state not text", signed({**payload, "locks": {"steps": 1}})),
        ("question not a dict", signed({**payload, "question": "lowest"})),
        ("question kind unknown", signed({**payload, "question": {**question, "kind": "guess"}})),
        ("question kind missing", signed({**payload, "question": {k: v for k, v in question.items() if k != "kind"}})),
        ("sweeps question on the Playground", signed({**payload, "question": {"kind": "rate"}})),
        ("lesson question on the Playground", signed({**payload, "question": {"kind": "lesson", "number": "x"}})),
        ("question with an unknown setting", signed({**payload, "question": {**question, "answer": 1}})),
        ("question with another kind's setting", signed({**payload, "question": {**question, "run": 0}})),
        ("100 kB wording", signed({**payload, "question": {**question, "wording": "w" * 100_000}})),
        ("100 kB wording of HTML", signed({**payload, "question": {**question, "wording": "<script>x</script>" * 6000}})),
        ("wording not text", signed({**payload, "question": {**question, "wording": ["a"]}})),
        ("long explanation", signed({**payload, "question": {**question, "explanation": "e" * (questions.MAX_EXPLANATION + 1)}})),
        ("start out of range", signed({**payload, "question": {**question, "start": 5}})),
        ("start negative", signed({**payload, "question": {**question, "start": -1}})),
        ("start true", signed({**payload, "question": {**question, "start": True}})),
        ("start a float", signed({**payload, "question": {**question, "start": 0.5}})),
        ("run out of range", signed({**payload, "question": {"kind": "steps", "run": 3}})),
        ("run huge", signed({**payload, "question": {"kind": "loss", "run": 10**30}})),
        ("run a string", signed({**payload, "question": {"kind": "end", "run": "0"}})),
        ("tolerance zero", signed({**payload, "question": {"kind": "first", "tol": 0}})),
        ("tolerance text", signed({**payload, "question": {"kind": "first", "tol": "1e-3"}})),
        ("tolerance over 1", signed({**payload, "question": {"kind": "steps", "run": 1, "tol": 5}})),
        ("relative tolerance 50", signed({**payload, "question": {"kind": "loss", "run": 1, "rtol": 50}})),
        ("relative tolerance huge", signed({**payload, "question": {"kind": "loss", "run": 1, "rtol": 1e308}})),
        ("no run reaches the tolerance", signed({**payload, "question": {"kind": "first", "tol": 1e-6}})),
        ("steps of a run that never gets there", signed({**payload, "question": {"kind": "steps", "run": 0}})),
        ("final loss of a run that leaves the map", signed({**payload, "question": {"kind": "loss", "run": 2}})),
        ("a minimum on a landscape with one", signed({**payload, "question": {"kind": "minimum", "run": 1}})),
        ("a click on a landscape with one minimum", signed({**payload, "question": {"kind": "click", "run": 1}})),
        ("a switched-off run", signed({**payload, "base": {**payload["base"], "r2": "momentum;lr=0.05;on=0"},
                                       "question": {"kind": "loss", "run": 1}})),
        ("diverges when none does", signed({**payload, "base": {**payload["base"], "r3": "sgd;lr=0.01"},
                                            "question": {"kind": "diverges"}})),
        ("diverges when all do", signed({**payload, "base": {"ls": "quadratic", "steps": "100", "r1": "sgd;lr=0.6", "r2": "sgd;lr=0.9"},
                                         "question": {"kind": "diverges"}})),
        ("lowest with a tie", signed({**payload, "base": {"ls": "quadratic", "steps": "100", "r1": "sgd;lr=0.1", "r2": "sgd;lr=0.1"},
                                      "question": {"kind": "lowest"}})),
        ("lowest with one run", signed({**payload, "base": {"ls": "quadratic", "steps": "100", "r1": "sgd;lr=0.1"},
                                        "question": {"kind": "lowest"}})),
        ("lesson that does not exist", signed({"v": 1, "page": "lessons", "base": {"lesson": "nope"}, "locks": {},
                                               "question": {"kind": "lesson", "number": "x"}})),
        ("lesson number that does not exist", signed({"v": 1, "page": "lessons", "base": {"lesson": "adam-amsgrad-reddi"},
                                                      "locks": {}, "question": {"kind": "lesson", "number": "nope"}})),
        ("run question on a lesson without runs", signed({"v": 1, "page": "lessons", "base": {"lesson": "adam-amsgrad-reddi"},
                                                          "locks": {}, "question": {"kind": "lowest"}})),
        ("sweep question on a basin map", signed({"v": 1, "page": "sweeps", "base": {"sweep": "basin", "ls": "quadratic"},
                                                  "locks": {}, "question": {"kind": "rate"}})),
    ]
    return out


def test_over_a_hundred_hostile_tokens_are_refused_in_words(valid):
    cases = hostile_tokens(valid)
    assert len(cases) >= 100
    for name, token in cases:
        with pytest.raises((TokenError, ExerciseError)) as caught:
            exercise.read(token, KEY)
        message = str(caught.value)
        assert message and len(message) < 400 and "Traceback" not in message, (name, message)


def test_damage_and_content_are_told_apart(valid):
    good = valid.token(KEY)
    assert isinstance(_refusal(good[:-3]), TokenError)
    assert isinstance(_refusal(valid.token(b"other")), TokenError)
    assert isinstance(_refusal(forge(b"[" + b" " * 2_000_000 + b"]", b"another key")), TokenError)
    assert "65,536 bytes" in str(_refusal(forge(b"[" + b" " * 2_000_000 + b"]")))  # signed: bounded as it decompresses
    assert isinstance(_refusal(signed({**valid.payload(), "v": 2})), ExerciseError)
    assert "no run diverges" in str(_refusal(signed({**valid.payload(), "base": {"ls": "quadratic", "r1": "sgd;lr=0.01",
                                                                                 "r2": "sgd;lr=0.02"},
                                                     "question": {"kind": "diverges"}})))
    assert "65,536 bytes" in str(_refusal(signed({**valid.payload(), "question": {"kind": "lowest", "wording": "w" * 100_000}})))
    wording = str(_refusal(signed({**valid.payload(), "question": {"kind": "lowest", "wording": "w" * 1000}})))
    assert "1,000 characters" in wording and "500" in wording


def _refusal(token: str) -> Exception:
    try:
        exercise.read(token, KEY)
    except (TokenError, ExerciseError) as err:
        return err
    raise AssertionError("the token was accepted")


@pytest.mark.parametrize("mark", [1, "yes", False, None, [True]])
def test_a_class_copy_says_so_in_its_token_and_only_as_true(valid, mark):
    copy = exercise.for_class(valid)
    payload = links.open_token(copy.token(KEY), KEY)
    assert payload == {**valid.payload(), "class": True}  # the teacher's settings and question, unchanged
    back = exercise.read(copy.token(KEY), KEY)
    assert back.in_class and not exercise.read(valid.token(KEY), KEY).in_class and back.question == valid.question
    with pytest.raises(ExerciseError, match="parts of an exercise"):
        exercise.read(signed({**valid.payload(), "class": mark}), KEY)
