"""The class board's calls: a teacher creates a class, students join it with its code and submit,
the teacher steers it with a secret token, and the board reads what changed since it last looked.

Every call takes the engine (`store.connect()` in the app) and opens its own transaction; every
refusal is a ClassError whose message a page shows as it is (escaped: it may quote what a user
typed). What each side holds:

- the teacher: the class code and a token (`secrets.token_urlsafe(32)`: 32 random bytes), returned
  once by `create_session`; the database keeps only its SHA-256, and every teacher call compares
  hashes with `hmac.compare_digest` (time independent of where they differ);
- a student: the code and the key `join` returned (16 random bytes; the database keeps its SHA-256).
  Students never send numbers: a page measures their run (measure.py) and submits the result.

Writes on one class take its row's lock (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
write lock), and creating a class takes a lock of its own, so counts, caps and codes hold across
replicas. Each write raises the class's `version` and stamps what it wrote with it, so a board that
has seen version v asks for what is newer than v (`board(…, since=v)`): a few rows every poll
rather than the whole class.

A class lives GRADSCAPE_CLASS_DAYS days (default 7) after its last write, then it is refused and,
at the next `create_session` or `purge_expired`, deleted with everything in it. Replicas' clocks
are assumed to agree (NTP): times are each replica's `clock()`.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import math
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping, NamedTuple, Sequence
from urllib.parse import urlencode

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update

from gradscape.classroom.errors import Ended, Forbidden, Invalid, NotFound, Refused
from gradscape.classroom.schema import entries, pins, sessions, students
from gradscape.classroom.store import CREATE_LOCK, exclusive, reading, writing
from gradscape.viz.text import FORMULA_START

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: a code read off a projector is typed right
CODE_LENGTH = 6
MAX_TITLE = 120
MAX_NAME = 40
MAX_ANSWER = 200
MAX_LINK = 100  # a lesson's slug
MAX_QUERY = 4000  # characters of a submitted link's JSON, or of an exercise's link
MAX_PATH = 200  # points of a submitted path (measure.py thins a run to fewer)
MAX_SECRET = 128  # longer tokens and keys are refused unread
MAX_SESSIONS = 1000  # live classes on one database
MAX_PER_CREATOR = 20  # classes active in the last day and not ended that one network address may run
CREATOR_ENV = "GRADSCAPE_CLASSES_PER_ADDRESS"  # another cap (a school behind one NAT shares an address); 0: none
ACTIVE_S = 86400.0  # "active": changed within this
CREATOR_BURST = (5, 600.0)  # and at most 5 new ones in 10 minutes (under a cap)
MAX_VERDICT = 1000  # characters of a grade's words
MAX_STUDENTS = 500  # per class
MAX_PER_STUDENT = 200  # entries per student per class
MAX_ENTRIES = 10_000  # entries per class
SUBMIT_GAP_S = 2.0  # the least time between one student's submissions
DEFAULT_DAYS = 7.0
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
clock = time.time  # the one source of "now" (tests move it)


class Created(NamedTuple):
    code: str
    teacher_token: str


class Joined(NamedTuple):
    student: str  # the student's key: every submission sends it
    name: str  # the name as the class shows it (a taken name gets a suffix: "Ana (2)")


@dataclass(frozen=True)
class Submission:
    """What a student submits: a one-path scenario link (query parameters) with where the path ended,
    and/or an answer to the class's exercise. Built on the server (measure.submission), never sent
    as numbers by a browser."""

    query: Mapping[str, str] | None = None
    answer: str | None = None
    landscape: str | None = None
    optimizer: str | None = None
    learning_rate: float | None = None
    start: tuple[float, float] | None = None
    end: tuple[float, float] | None = None
    final_loss: float | None = None
    end_state: str | None = None
    path: tuple[tuple[float, float], ...] | None = None  # the path thinned for a map, start to end
    right: bool | None = None  # an answer's grade (questions.grade on the server), kept from the board until the reveal
    off: float | None = None  # how far the answer is from the engine's, 0 when right (the leaderboard's order)
    verdict: str | None = None  # the grade in words


@dataclass(frozen=True)
class State:
    """A class as everyone may see it: its title, what it is linked to, and its switches."""

    code: str
    title: str
    exercise: str | None
    lesson: str | None
    paused: bool
    open: bool  # submissions open
    revealed: bool
    names_shown: bool
    ended: bool
    version: int
    expires_at: float


@dataclass(frozen=True)
class Entry:
    """One submission as the board reads it; `student` is a number, its name is in Board.names."""

    id: int
    student: int
    version: int
    created_at: float
    removed: bool
    submission: Submission


@dataclass(frozen=True)
class Board:
    """What changed in a class since the version a board last saw: entries written or removed since
    then (a removed one has removed=True), and in full the pins in order, the number of students
    and, while the teacher shows them, the students' names; those three are None when nothing
    changed (every write raises the version, so a board that has seen it has seen them)."""

    state: State
    entries: tuple[Entry, ...]
    pins: tuple[int, ...] | None
    students: int | None
    names: Mapping[int, str] | None


@dataclass(frozen=True)
class Answered:
    """A student's answer to the class's exercise as they may see it: its grade only once revealed."""

    answer: str
    right: bool | None
    verdict: str | None


@dataclass(frozen=True)
class Seat:
    """A student's view of the class: its state, their name, how many they submitted, when they may next,
    and their answer to the class's exercise (None before they answer)."""

    state: State
    name: str
    submitted: int
    next_at: float
    answered: Answered | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def lifetime_s() -> float:
    """How long a class lives after its last write: GRADSCAPE_CLASS_DAYS (a positive number of days),
    else DEFAULT_DAYS."""
    try:
        days = float(os.environ.get("GRADSCAPE_CLASS_DAYS", DEFAULT_DAYS))
    except ValueError:
        days = DEFAULT_DAYS
    return (days if math.isfinite(days) and days > 0 else DEFAULT_DAYS) * 86400.0


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: object) -> str:
    """A typed code as stored: spaces and dashes dropped, upper case; Invalid unless 6 of CODE_ALPHABET."""
    c = "".join(code.split()).replace("-", "").upper() if isinstance(code, str) else ""
    if len(c) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in c):
        raise Invalid(f"A class code is {CODE_LENGTH} letters and digits, such as {CODE_ALPHABET[3:9]}.")
    return c


def clean_text(text: object, limit: int, what: str, *, required: bool = True) -> str | None:
    """`text` NFC-normalized, without control, lone-surrogate or bidirectional-override characters, its runs of
    white space made one space; Invalid when empty (if required) or longer than `limit` characters."""
    if text is None and not required:
        return None
    if not isinstance(text, str):
        raise Invalid(f"The {what} must be text.")
    text = unicodedata.normalize("NFC", text)
    text = " ".join("".join(ch for ch in text if ch not in _BIDI and unicodedata.category(ch) not in ("Cc", "Cs")).split())
    if not text:
        if required:
            raise Invalid(f"Type a {what}.")
        return None
    if len(text) > limit:
        raise Invalid(f"The {what} may have at most {limit} characters; this one has {len(text)}.")
    return text


def _unique_name(name: str, taken: set[str]) -> str:
    """`name`, or the first of "name (2)", "name (3)", … (shortened to fit MAX_NAME) no one has (case ignored)."""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = name[: MAX_NAME - len(suffix)].rstrip() + suffix
    return candidate


def _state(row: Row) -> State:
    return State(code=row.code, title=row.title, exercise=row.exercise, lesson=row.lesson, paused=row.paused,
                 open=row.open, revealed=row.revealed, names_shown=row.names_shown, ended=row.ended_at is not None,
                 version=row.version, expires_at=row.expires_at)


def _session(conn: Connection, code: object, *, lock: bool) -> Row:
    """The class with this code (its row locked for the transaction when `lock`), unless expired."""
    code = normalize_code(code)
    query = select(sessions).where(sessions.c.code == code)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"No class has the code {code}. Check it with your teacher.")
    if row.expires_at <= clock():
        raise Ended(f"Class {code} has expired: nothing happened in it for {lifetime_s() / 86400:g} days.")
    return row


def _running(row: Row) -> Row:
    if row.ended_at is not None:
        raise Ended(f"Class {row.code} has ended.")
    return row


def _check_token(row: Row, token: object) -> Row:
    """The class's row if `token` is its teacher token (hashes compared in constant time), else Forbidden."""
    given = token if isinstance(token, str) and len(token) <= MAX_SECRET else ""
    if not hmac.compare_digest(_digest(given), row.token_hash):
        raise Forbidden(f"This is not the teacher link of class {row.code}: only its teacher can do this.")
    return row


def _student(conn: Connection, row: Row, key: object) -> Row:
    found = None
    if isinstance(key, str) and len(key) <= MAX_SECRET:
        found = conn.execute(select(students).where(students.c.key_hash == _digest(key),
                                                    students.c.session_id == row.id)).first()
    if found is None:
        raise Forbidden(f"You are not in class {row.code}: join it with its code.")
    return found


def _touch(conn: Connection, row: Row, **changes) -> int:
    """Raise the class's version and push back its expiry (and apply `changes`); the new version."""
    version = row.version + 1
    conn.execute(update(sessions).where(sessions.c.id == row.id)
                 .values(version=version, expires_at=clock() + lifetime_s(), **changes))
    return version


def _delete_expired(conn: Connection) -> int:
    return conn.execute(delete(sessions).where(sessions.c.expires_at <= clock())).rowcount


def purge_expired(db: Engine) -> int:
    """Delete every expired class with its students, entries and pins; how many classes went."""
    with writing(db) as conn:
        return _delete_expired(conn)


def creator_key(address: str, key: bytes) -> str:
    """What a class keeps of the address that created it: a keyed hash (HMAC-SHA-256 under the app's secret,
    for this use only), so the database never holds the address and a stolen one cannot be reversed by
    trying every address."""
    return hmac.new(key, b"class creator\0" + address.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def per_creator() -> int:
    """How many active classes one address may run: GRADSCAPE_CLASSES_PER_ADDRESS (0: no cap), else MAX_PER_CREATOR."""
    try:
        cap = int(os.environ.get(CREATOR_ENV, MAX_PER_CREATOR))
    except ValueError:
        cap = MAX_PER_CREATOR
    return max(cap, 0)


def _creator_caps(conn: Connection, creator: str) -> None:
    """Refused when this address runs per_creator() classes active in the last day and not ended, or made
    CREATOR_BURST's many in its window."""
    cap = per_creator()
    if cap == 0:
        return
    burst, window = CREATOR_BURST
    mine = sessions.c.creator == creator
    live = conn.execute(select(func.count()).select_from(sessions).where(
        mine, sessions.c.ended_at.is_(None), sessions.c.expires_at > clock() + lifetime_s() - ACTIVE_S)).scalar_one()
    if live >= cap:
        raise Refused(f"Your network address already runs {cap} classes active today on this server: end one "
                      f"first (a school behind one address: the server's operator can raise {CREATOR_ENV}).")
    recent = conn.execute(select(func.count()).select_from(sessions)
                          .where(mine, sessions.c.created_at > clock() - window)).scalar_one()
    if recent >= burst:
        raise Refused(f"At most {burst} new classes in {window / 60:g} minutes from one network address: "
                      "try again in a few minutes.")


def create_session(db: Engine, title: str, *, exercise: str | None = None, lesson: str | None = None,
                   creator: str | None = None) -> Created:
    """A new class, open and not paused: its code and the teacher's token (shown once: only its hash is kept).
    `creator` (creator_key of the client's address) caps the classes one client makes."""
    title = clean_text(title, MAX_TITLE, "title")
    if creator is not None and not (isinstance(creator, str) and len(creator) <= 64):
        raise Invalid("A creator is a key of at most 64 characters.")
    exercise = clean_text(exercise, MAX_QUERY, "exercise link", required=False)
    lesson = clean_text(lesson, MAX_LINK, "lesson", required=False)
    token = secrets.token_urlsafe(32)
    with writing(db) as conn:
        exclusive(conn, CREATE_LOCK)  # one creation at a time: the count and the code's uniqueness hold across replicas
        _delete_expired(conn)
        if conn.execute(select(func.count()).select_from(sessions)).scalar_one() >= MAX_SESSIONS:
            raise Refused(f"This server already holds {MAX_SESSIONS} classes; end one or try again later.")
        if creator is not None:
            _creator_caps(conn, creator)
        code = next(c for c in iter(new_code, None)
                    if conn.execute(select(sessions.c.id).where(sessions.c.code == c)).first() is None)
        now = clock()
        conn.execute(insert(sessions).values(
            code=code, title=title, token_hash=_digest(token), exercise=exercise, lesson=lesson, created_at=now,
            expires_at=now + lifetime_s(), paused=False, open=True, revealed=False, names_shown=False, ended_at=None,
            version=1, creator=creator))
    return Created(code, token)


def join(db: Engine, code: str, name: str) -> Joined:
    """Join a class that has not ended (paused or closed, it still takes students): a new student key."""
    name = clean_text(name, MAX_NAME, "name")
    key = secrets.token_urlsafe(16)
    with writing(db) as conn:
        row = _running(_session(conn, code, lock=True))
        taken = set(conn.execute(select(students.c.name_key).where(students.c.session_id == row.id)).scalars())
        if len(taken) >= MAX_STUDENTS:
            raise Refused(f"Class {row.code} is full: it has {MAX_STUDENTS} students.")
        shown = _unique_name(name, taken)
        conn.execute(insert(students).values(session_id=row.id, name=shown, name_key=shown.casefold(),
                                             key_hash=_digest(key), joined_at=clock()))
        _touch(conn, row)
    return Joined(key, shown)


def _finite(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) else None


def _point(value: object) -> tuple[float | None, float | None]:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        x, y = _finite(value[0]), _finite(value[1])
        if x is not None and y is not None:
            return x, y
    return None, None


def _path(value: object) -> str | None:
    """A submitted path as stored: JSON [[x, y], …] to 6 significant digits, its points that are not
    two finite numbers left out (a diverged path's last ones); Invalid unless at most MAX_PATH pairs."""
    if value is None:
        return None
    if not isinstance(value, (tuple, list)) or len(value) > MAX_PATH or \
            not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in value):
        raise Invalid(f"A submitted path must be a list of at most {MAX_PATH} points (x, y).")
    kept = [[float(f"{x:.6g}"), float(f"{y:.6g}")] for x, y in map(_point, value) if x is not None]
    return json.dumps(kept, separators=(",", ":")) if kept else None


def _entry_values(sub: Submission) -> dict:
    """A submission's columns, checked: sizes within the columns', numbers finite (else left empty)."""
    if not isinstance(sub, Submission):
        raise Invalid("Nothing to submit.")
    query = None
    if sub.query is not None:
        if not isinstance(sub.query, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in sub.query.items()):
            raise Invalid("A submitted run must be a link's parameters.")
        query = json.dumps(dict(sub.query), sort_keys=True)  # ASCII: a NUL or lone surrogate travels escaped
        if len(query) > MAX_QUERY:
            raise Invalid(f"This run's link is too long to submit (over {MAX_QUERY} characters).")
    answer = clean_text(sub.answer, MAX_ANSWER, "answer", required=False)
    if query is None and answer is None:
        raise Invalid("Nothing to submit: no run and no answer.")
    texts = {"landscape": (sub.landscape, MAX_QUERY), "optimizer": (sub.optimizer, 40), "end_state": (sub.end_state, 40)}
    for name, (value, limit) in texts.items():
        if value is not None and not (isinstance(value, str) and len(value) <= limit and value.isprintable()):
            raise Invalid(f"A submitted {name.replace('_', ' ')} must be plain text of at most {limit} characters.")
    if answer is None and (sub.right is not None or sub.verdict is not None):
        raise Invalid("A grade comes with an answer.")
    if sub.right is not None and not isinstance(sub.right, bool):
        raise Invalid("A grade is right or not.")
    off = _finite(sub.off)
    verdict = clean_text(sub.verdict, MAX_VERDICT, "grade", required=False)
    (start_x, start_y), (end_x, end_y) = _point(sub.start), _point(sub.end)
    return dict(query=query, answer=answer, landscape=sub.landscape, optimizer=sub.optimizer,
                learning_rate=_finite(sub.learning_rate), start_x=start_x, start_y=start_y, end_x=end_x, end_y=end_y,
                final_loss=_finite(sub.final_loss), end_state=sub.end_state, path=_path(sub.path),
                right=sub.right, off=None if off is None else abs(off), verdict=verdict)


def _first_answer(conn: Connection, student_id: int) -> Row | None:
    """A student's first answer to the class's exercise that the teacher has not removed."""
    return conn.execute(select(entries.c.answer, entries.c.right, entries.c.verdict)
                        .where(entries.c.student_id == student_id, entries.c.answer.is_not(None),
                               entries.c.removed.is_(False)).order_by(entries.c.id)).first()


def submit(db: Engine, code: str, student: str, submission: Submission) -> int:
    """Add a student's entry to an open, running class; its id. Refused while paused or closed, within
    SUBMIT_GAP_S of their last, past a cap (MAX_PER_STUDENT, MAX_ENTRIES), or for an answer after the reveal
    or a second one: a student's first answer is their prediction (the teacher may remove it to let them
    answer again before revealing)."""
    values = _entry_values(submission)
    with writing(db) as conn:
        row = _running(_session(conn, code, lock=True))
        if row.paused:
            raise Refused("The teacher has paused the class: wait until they resume it.")
        if not row.open:
            raise Refused("Submissions to this class are closed.")
        who = _student(conn, row, student)
        last, mine = conn.execute(select(func.max(entries.c.created_at), func.count())
                                  .where(entries.c.student_id == who.id)).one()
        now = clock()
        if last is not None and now < last + SUBMIT_GAP_S:
            raise Refused(f"One submission every {SUBMIT_GAP_S:g} s: try again in a moment.")
        if mine >= MAX_PER_STUDENT:
            raise Refused(f"You have sent this class its limit of {MAX_PER_STUDENT} submissions.")
        if values["answer"] is not None and row.revealed:
            raise Refused("Your teacher has revealed the answer, so the class takes no more answers.")
        if values["answer"] is not None and _first_answer(conn, who.id) is not None:
            raise Refused("You have answered already: your first answer is the one the class counts.")
        if conn.execute(select(func.count()).where(entries.c.session_id == row.id)).scalar_one() >= MAX_ENTRIES:
            raise Refused(f"Class {row.code} is full: it holds {MAX_ENTRIES} submissions.")
        version = _touch(conn, row)
        return conn.execute(insert(entries).values(session_id=row.id, student_id=who.id, version=version, created_at=now,
                                                   removed=False, **values)).inserted_primary_key[0]


def _teacher(conn: Connection, code: str, token: str) -> Row:
    """The class, locked, if `token` is its teacher's and it has not ended."""
    return _running(_check_token(_session(conn, code, lock=True), token))


def set_flags(db: Engine, code: str, token: str, *, paused: bool | None = None, open: bool | None = None,
              revealed: bool | None = None, names_shown: bool | None = None) -> int:
    """The teacher turns switches (None leaves one as it is): pause/resume, open/close submissions,
    reveal, show/hide names. The class's new version."""
    changes = {k: bool(v) for k, v in dict(paused=paused, open=open, revealed=revealed, names_shown=names_shown).items()
               if v is not None}
    with writing(db) as conn:
        return _touch(conn, _teacher(conn, code, token), **changes)


def end(db: Engine, code: str, token: str) -> int:
    """The teacher ends the class: students are refused from now on; the board and export still read it."""
    with writing(db) as conn:
        return _touch(conn, _teacher(conn, code, token), ended_at=clock())


def _number(entry: object) -> int:
    if isinstance(entry, bool) or not isinstance(entry, int):
        raise Invalid("An entry is named by its number.")
    return entry


def _entry_id(conn: Connection, row: Row, entry: object) -> int:
    """`entry` if it names an entry of this class that is not removed, else Invalid/NotFound."""
    entry = _number(entry)
    found = conn.execute(select(entries.c.id).where(entries.c.id == entry, entries.c.session_id == row.id,
                                                    entries.c.removed.is_(False))).first()
    if found is None:
        raise NotFound(f"Class {row.code} has no entry {entry}.")
    return entry


def remove_entry(db: Engine, code: str, token: str, entry: int) -> int:
    """The teacher removes an entry (and its pin); pollers learn of it as a removed entry."""
    with writing(db) as conn:
        row = _teacher(conn, code, token)
        entry = _entry_id(conn, row, entry)
        version = _touch(conn, row)
        conn.execute(update(entries).where(entries.c.id == entry).values(removed=True, version=version))
        conn.execute(delete(pins).where(pins.c.entry_id == entry))
        return version


def _pinned(conn: Connection, row: Row) -> list[int]:
    return list(conn.execute(select(pins.c.entry_id).where(pins.c.session_id == row.id)
                             .order_by(pins.c.position, pins.c.entry_id)).scalars())


def pin(db: Engine, code: str, token: str, entry: int) -> int:
    """The teacher pins an entry after the others (pinned already: nothing changes)."""
    with writing(db) as conn:
        row = _teacher(conn, code, token)
        entry = _entry_id(conn, row, entry)
        pinned = _pinned(conn, row)
        if entry in pinned:
            return row.version
        conn.execute(insert(pins).values(entry_id=entry, session_id=row.id, position=len(pinned)))
        return _touch(conn, row)


def unpin(db: Engine, code: str, token: str, entry: int) -> int:
    """The teacher unpins an entry (the others keep their order)."""
    with writing(db) as conn:
        row = _teacher(conn, code, token)
        pinned = _pinned(conn, row)
        if _number(entry) not in pinned:
            raise NotFound(f"Entry {entry} is not pinned.")
        conn.execute(delete(pins).where(pins.c.entry_id == entry))
        return _touch(conn, row)


def order_pins(db: Engine, code: str, token: str, order: Sequence[int]) -> int:
    """The teacher orders the pinned entries: `order` lists each of them once."""
    with writing(db) as conn:
        row = _teacher(conn, code, token)
        pinned = _pinned(conn, row)
        order = [_number(e) for e in order] if isinstance(order, (list, tuple)) else None
        if order is None or sorted(order) != sorted(pinned):
            raise Invalid("The new order must list each pinned entry once.")
        for position, entry in enumerate(order):
            conn.execute(update(pins).where(pins.c.entry_id == entry).values(position=position))
        return _touch(conn, row)


def state(db: Engine, code: str) -> State:
    """A class's title and switches, for anyone with its code (a join page shows the title)."""
    with reading(db) as conn:
        return _state(_session(conn, code, lock=False))


def seat(db: Engine, code: str, student: str) -> Seat:
    """A student's view: the class's switches (a page freezes its controls while paused), their name,
    how many they submitted and the time they may submit again."""
    with reading(db) as conn:
        row = _session(conn, code, lock=False)
        who = _student(conn, row, student)
        last, mine = conn.execute(select(func.max(entries.c.created_at), func.count())
                                  .where(entries.c.student_id == who.id)).one()
        first = _first_answer(conn, who.id)
    answered = None if first is None else Answered(first.answer, first.right if row.revealed else None,
                                                   first.verdict if row.revealed else None)
    return Seat(_state(row), who.name, mine, 0.0 if last is None else last + SUBMIT_GAP_S, answered)


def _entry(row: Row) -> Entry:
    (sx, sy), (ex, ey) = (row.start_x, row.start_y), (row.end_x, row.end_y)
    return Entry(id=row.id, student=row.student_id, version=row.version, created_at=row.created_at, removed=row.removed,
                 submission=Submission(
                     query=None if row.query is None else json.loads(row.query), answer=row.answer,
                     landscape=row.landscape, optimizer=row.optimizer, learning_rate=row.learning_rate,
                     start=None if sx is None else (sx, sy), end=None if ex is None else (ex, ey),
                     final_loss=row.final_loss, end_state=row.end_state,
                     path=None if row.path is None else tuple(map(tuple, json.loads(row.path))),
                     right=row.right, off=row.off, verdict=row.verdict))


def board(db: Engine, code: str, token: str, since: int = 0) -> Board:
    """The teacher's board: what changed after version `since` (0: everything), up to the version it
    reports (a board then asks with since=board.state.version). Entries removed before `since` do not appear.
    At the class's own version, nothing changed: no entries, and pins, students and names None."""
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        raise Invalid("`since` is a version: a whole number ≥ 0.")
    with reading(db) as conn:
        row = _check_token(_session(conn, code, lock=False), token)
        if since == row.version:  # a board's poll when nothing happened: one read of the class's row
            return Board(_state(row), (), None, None, None)
        changed = conn.execute(select(entries).where(entries.c.session_id == row.id, entries.c.version > since,
                                                     entries.c.version <= row.version)
                               .order_by(entries.c.id)).all()
        pinned = _pinned(conn, row)
        people = conn.execute(select(students.c.id, students.c.name).where(students.c.session_id == row.id)).all()
    names = {p.id: p.name for p in people} if row.names_shown else {}
    return Board(_state(row), tuple(_entry(e) for e in changed), tuple(pinned), len(people), names)


EXPORT_COLUMNS = ("entry", "student", "name", "submitted", "answer", "right", "off", "verdict", "landscape", "optimizer",
                  "learning_rate", "start_x", "start_y", "end_x", "end_y", "final_loss", "end_state", "pinned", "link")


def export_rows(db: Engine, code: str, token: str) -> list[dict]:
    """Every entry not removed, oldest first, for the teacher (names included: the download is theirs):
    one dict per entry with EXPORT_COLUMNS ("submitted": ISO 8601 UTC; "pinned": its place from 1, or
    None; "link": the run's query string, or None)."""
    with reading(db) as conn:
        row = _check_token(_session(conn, code, lock=False), token)
        found = conn.execute(select(entries, students.c.name).join(students, students.c.id == entries.c.student_id)
                             .where(entries.c.session_id == row.id, entries.c.removed.is_(False))
                             .order_by(entries.c.id)).all()
        place = {entry: i for i, entry in enumerate(_pinned(conn, row), start=1)}
    rows = []
    for e in found:
        query = None if e.query is None else json.loads(e.query)
        rows.append(dict(
            entry=e.id, student=e.student_id, name=e.name,
            submitted=datetime.fromtimestamp(e.created_at, timezone.utc).isoformat(timespec="seconds"),
            answer=e.answer, right=e.right, off=e.off, verdict=e.verdict, landscape=e.landscape, optimizer=e.optimizer, learning_rate=e.learning_rate,
            start_x=e.start_x, start_y=e.start_y, end_x=e.end_x, end_y=e.end_y, final_loss=e.final_loss,
            end_state=e.end_state, pinned=place.get(e.id),
            link=None if query is None else urlencode(query)))
    return rows


def _cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: a leading = + - @ or tab would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def export_csv(rows: Sequence[Mapping]) -> str:
    """The export as CSV: a header row of EXPORT_COLUMNS, then one row per entry."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([_cell(r[c]) for c in EXPORT_COLUMNS] for r in rows)
    return out.getvalue()


def export_json(rows: Sequence[Mapping]) -> str:
    """The export as a JSON list of objects (missing values null)."""
    return json.dumps(list(rows), ensure_ascii=False, indent=1, allow_nan=False)
