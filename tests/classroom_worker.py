"""One of the processes the class board's tests race against each other:

    python -m tests.classroom_worker FOLDER URL migrate
    python -m tests.classroom_worker FOLDER URL submit CODE STUDENTS [deferred]

It imports and connects, writes FOLDER/ready-<pid>, waits for FOLDER/go (so that both start
together), acts, and prints a JSON summary: migrate → {"version": …}; submit → each of STUDENTS
students joins and submits once, {"entries": [ids], "errors": {message: count}}. `deferred` opens
write transactions with a plain BEGIN instead of BEGIN IMMEDIATE: what the store avoids.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import event, text

from gradscape.classroom import board, store
from gradscape.classroom.errors import ClassError


def wait_for_go(folder: Path) -> None:
    (folder / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 120
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go")
        time.sleep(0.005)


def main(folder: Path, url: str, action: str, *args: str) -> dict:
    db = store.create(url)
    if action == "migrate":
        wait_for_go(folder)
        store.migrate(db)
        with store.reading(db) as conn:
            return {"version": conn.execute(text("SELECT version_num FROM class_schema_version")).scalar_one()}
    code, n = args[0], int(args[1])
    if "deferred" in args:
        event.remove(db, "begin", store._sqlite_begin)
        event.listen(db, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    wait_for_go(folder)
    ids, errors = [], Counter()
    for i in range(n):
        try:
            student = board.join(db, code, f"p{os.getpid()}-{i}").student
            ids.append(board.submit(db, code, student, board.Submission(answer=str(i))))
        except ClassError as e:
            errors[str(e)] += 1
    return {"entries": ids, "errors": dict(errors)}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), *sys.argv[2:])))
