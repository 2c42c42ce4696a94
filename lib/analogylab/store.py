"""Where every exercise attempt is kept, and how students hand their answers in.

Each attempt a student makes in a lesson is saved at once in a small SQLite
database, ``answers.sqlite3``, in the analogylab home folder (``answers_home()``:
``ANALOGYLAB_HOME`` if set, else the user's data folder). So answers survive a
kernel restart, and two notebooks open at once can both save without losing
anything: every write is one ``BEGIN IMMEDIATE`` transaction, the database runs in
WAL mode, and a writer waits up to 30 seconds for another to finish.

Nothing a student typed is ever deleted by accident:

- a store that cannot be read (damaged file, or not a database at all) is moved
  aside to ``answers.corrupt-<UTC time>.sqlite3`` in the same folder, with a
  warning, and a new empty store is started;
- when the home folder cannot be written, answers go to
  ``<temp>/analogylab-answers-<user>`` instead, with a warning saying so and how
  to keep them (export them, or set ``ANALOGYLAB_HOME``).

``export_answers`` writes a student's attempts as CSV or JSON for the teacher;
``merge_exports`` reads the files of a whole class into one table.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import math
import os
import re
import sqlite3
import sys
import tempfile
import threading
import warnings
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd
import platformdirs

from analogylab._version import __version__
from analogylab.errors import AnswerStoreError, AnswerStoreWarning

__all__ = [
    "ATTEMPT_FIELDS",
    "EXPORT_FORMATS",
    "SCHEMA_VERSION",
    "STATUSES",
    "AnswerStore",
    "Attempt",
    "answers_home",
    "export_answers",
    "merge_exports",
    "open_store",
]

ATTEMPT_FIELDS: Final[tuple[str, ...]] = (
    "attempt_id",
    "time",
    "lesson",
    "exercise_id",
    "kind",
    "status",
    "correct",
    "score",
    "points",
    "revealed",
    "answer",
    "message",
)
"""Column order of ``AnswerStore.to_frame`` and of exported files (after ``student``)."""

STATUSES: Final[tuple[str, ...]] = (
    "correct",
    "partial",
    "incorrect",
    "self-assessed",
    "answered",
    "judgement",
    "argued",
    "invalid",
)
"""The statuses an attempt may have; ``invalid`` attempts are not counted.

``judgement``: a judgement (or a list of indicators) recorded, never marked;
``argued``: an argument back against the curators' judgement, kept with it.
"""

EXPORT_FORMATS: Final[tuple[str, ...]] = ("csv", "json")
"""The formats ``export_answers`` writes and ``merge_exports`` reads."""

SCHEMA_VERSION: Final = 1
"""Version of the database layout (``PRAGMA user_version`` and meta ``schema_version``)."""

FORMAT_NAME: Final = "analogylab-answers"
FORMAT_VERSION: Final = 1
DB_NAME: Final = "answers.sqlite3"
BUSY_SECONDS: Final = 30.0

_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    attempt_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    time        TEXT NOT NULL,
    lesson      TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    correct     INTEGER,
    score       REAL,
    points      REAL NOT NULL,
    revealed    INTEGER NOT NULL DEFAULT 0,
    answer      TEXT NOT NULL,
    message     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_exercise ON attempts (exercise_id);
CREATE INDEX IF NOT EXISTS attempts_lesson ON attempts (lesson);
CREATE TABLE IF NOT EXISTS hints (
    hint_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    time        TEXT NOT NULL,
    lesson      TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    hint_number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS hints_exercise ON hints (exercise_id);
"""
_COLUMNS = ", ".join(ATTEMPT_FIELDS)
_SQLITE_HEADER = b"SQLite format 3\x00"

# dtypes of the frames built here (to_frame, merge_exports); the rest is pandas' text type.
_DTYPES: Final[dict[str, str]] = {
    "attempt_id": "Int64",
    "correct": "boolean",
    "score": "float64",
    "points": "float64",
    "revealed": "bool",
}


@dataclass(frozen=True)
class Attempt:
    """One answer a student gave to one exercise, as it was graded.

    ``answer`` is any JSON value (text, number, list or dict of those); it is
    stored as JSON text and read back as the same value (tuples come back as
    lists). ``time`` and ``attempt_id`` are filled in by ``AnswerStore.record``.
    """

    exercise_id: str
    lesson: str
    kind: str
    answer: Any
    status: str
    correct: bool | None
    score: float | None
    points: float
    message: str
    revealed: bool = False
    time: str = ""
    attempt_id: int | None = None


def answers_home() -> Path:
    """The folder answers are kept in.

    ``ANALOGYLAB_HOME`` if it is set and not empty, else the user's data folder
    for analogylab (``platformdirs.user_data_dir``, e.g. ``~/.local/share/analogylab``).
    """
    env = os.environ.get("ANALOGYLAB_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("analogylab", appauthor=False))


def _warn(message: str) -> None:
    """Warn at the first caller outside this module (the student's cell)."""
    level, frame = 2, sys._getframe(1)
    caller: FrameType | None = frame
    while caller is not None and caller.f_code.co_filename == __file__:
        level, caller = level + 1, caller.f_back
    warnings.warn(message, AnswerStoreWarning, stacklevel=level)


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"a {type(value).__name__} is not a JSON value")


def _answer_json(answer: Any) -> str:
    return json.dumps(
        answer, sort_keys=True, ensure_ascii=False, allow_nan=False, default=_json_default
    )


def _canonical_answer(text: str) -> str:
    """The stored form of an answer read back from a file (unchanged if not JSON)."""
    try:
        return _answer_json(json.loads(text))
    except ValueError:
        return text


# --- classifying SQLite failures -------------------------------------------------------

_CORRUPT, _UNWRITABLE, _BUSY, _OTHER = "corrupt", "unwritable", "busy", "other"


def _classify(exc: sqlite3.Error) -> str:
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    msg = str(exc).lower()
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or (
        "not a database" in msg or "malformed" in msg
    ):
        return _CORRUPT
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in msg:
        return _BUSY
    if name.startswith(
        ("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_FULL")
    ) or any(s in msg for s in ("unable to open", "readonly", "disk i/o", "disk is full")):
        return _UNWRITABLE
    return _OTHER


class _UnwritableError(Exception):
    """Internal: a home folder where the store cannot be created or written."""


class _UnreadableError(Exception):
    """Internal: a store file that opens but fails its checks."""


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _sidecars(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def _move_aside(path: Path) -> Path:
    """Rename the store (and its -wal and -shm files) to a free ``answers.corrupt-*`` name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    n = 1
    while True:
        suffix = "" if n == 1 else f"-{n}"
        dest = path.with_name(f"answers.corrupt-{stamp}{suffix}.sqlite3")
        if not any(p.exists() for p in _sidecars(dest)):
            break
        n += 1
    for src, dst in zip(_sidecars(path), _sidecars(dest), strict=True):
        if src.exists():
            src.rename(dst)
    return dest


def _fallback_home() -> Path:
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name here (a container): the uid
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    user = re.sub(r"[^A-Za-z0-9._-]+", "_", user) or "user"
    return Path(tempfile.gettempdir()) / f"analogylab-answers-{user}"


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite opens it (and removes its -wal on close)."""
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_HEADER))
    except OSError:
        return  # missing (a new store), or unreadable: SQLite says which
    if head and head != _SQLITE_HEADER:
        raise _UnreadableError("file is not a database")


def _setup(conn: sqlite3.Connection, path: Path) -> None:
    """Configure a fresh connection, check the file, and create the tables if needed."""
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    # WAL lets readers and one writer work at once; on file systems without shared
    # memory (some network drives) SQLite keeps its old journal mode, which is still safe.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if [r[0] for r in rows] != ["ok"]:
        raise _UnreadableError("it is damaged: " + "; ".join(str(r[0]) for r in rows[:3]))
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise AnswerStoreError(
            f"the answer store at {path} was written by a newer analogylab (store layout "
            f"{version}; this analogylab {__version__} reads up to {SCHEMA_VERSION}), so it "
            "was left unchanged: update analogylab (`pip install -U analogylab`) and restart "
            "the kernel"
        )
    # One write on every opening: creates the tables the first time (IF NOT EXISTS, so
    # two notebooks starting together agree), and shows at once if the file is read-only,
    # which SQLite otherwise reports only at the first answer.
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    for table, needed in (("attempts", set(ATTEMPT_FIELDS)), ("hints", {"hint_number"})):
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if not needed <= have:
            raise _UnreadableError(
                f"it is not an analogylab answer store (table {table!r} differs)"
            )


# --- the store ---------------------------------------------------------------------------

_live_stores: weakref.WeakSet[AnswerStore] = weakref.WeakSet()
_abandoned: list[sqlite3.Connection] = []


def _abandon(conn: sqlite3.Connection | None) -> None:
    """Stop using a connection without closing it.

    When the last connection to a WAL database closes, SQLite deletes the file named
    ``<path>-wal``. After the store was moved aside or replaced, or in a forked child,
    that name may belong to another store in use, so such connections are kept open
    (one file handle each, until the process ends) instead.
    """
    if conn is not None:
        _abandoned.append(conn)


class AnswerStore:
    """The attempts, hints shown and settings of one student, in ``<home>/answers.sqlite3``.

    Opening never fails just because the file is damaged or the folder is read-only:
    see the module documentation. ``fallback`` is True when answers are going to the
    temporary folder; ``requested_home`` is the folder that was asked for, ``home``
    and ``path`` where answers really go. One store may be used from several threads.
    """

    def __init__(self, home: str | os.PathLike[str] | None = None) -> None:
        wanted = Path(home).expanduser() if home is not None else answers_home()
        self.requested_home: Path = wanted.resolve()
        self.home: Path = self.requested_home
        self.path: Path = self.home / DB_NAME
        self.fallback: bool = False
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        with self._lock:
            self._open()
        _live_stores.add(self)

    def __repr__(self) -> str:
        extra = ", fallback" if self.fallback else ""
        return f"AnswerStore({str(self.path)!r}{extra})"

    # -- opening ----------------------------------------------------------------------------

    def _open(self) -> None:
        """Connect to the requested home, or to the temporary folder if it cannot be written."""
        try:
            self._connect_at(self.requested_home)
            self.fallback = False
            return
        except _UnwritableError as exc:
            why = str(exc)
        temp = _fallback_home()
        try:
            self._connect_at(temp, private=True)
        except _UnwritableError as exc:
            raise AnswerStoreError(
                f"answers cannot be saved in {self.requested_home} ({why}), nor in the "
                f"temporary folder {temp} ({exc}); set ANALOGYLAB_HOME to a folder you can "
                "write to and restart the kernel"
            ) from None
        self.fallback = True
        _warn(
            f"Answers cannot be saved in {self.requested_home} ({why}). They are now saved "
            f"in the temporary folder {temp}, where files may be deleted when the computer "
            "restarts: export them with `analogylab export` before you finish, or set "
            "ANALOGYLAB_HOME to a folder you can write to and restart the kernel."
        )

    def _connect_at(self, home: Path, *, private: bool = False) -> None:
        """Open ``home/answers.sqlite3``; move a damaged file aside and start again once."""
        try:
            home.mkdir(mode=0o700 if private else 0o777, parents=True, exist_ok=True)
        except OSError as exc:
            raise _UnwritableError(f"the folder cannot be created: {exc.strerror or exc}") from exc
        path = home / DB_NAME
        for first in (True, False):
            before = _identity(path)
            conn: sqlite3.Connection | None = None
            try:
                _check_header(path)
                conn = sqlite3.connect(
                    path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
                )
                _setup(conn, path)
            except (sqlite3.Error, _UnreadableError) as exc:
                kind = _classify(exc) if isinstance(exc, sqlite3.Error) else _CORRUPT
                if kind == _CORRUPT:
                    _abandon(conn)  # see _abandon: closing it could remove a -wal file
                    if first:
                        self._set_aside(path, before, str(exc))
                        continue
                elif conn is not None:
                    conn.close()
                if kind == _UNWRITABLE:
                    raise _UnwritableError(f"the answer store cannot be written: {exc}") from exc
                if kind == _BUSY:
                    raise self._busy_error(path) from exc
                raise AnswerStoreError(
                    f"the answer store at {path} cannot be used ({exc}); close the other "
                    "notebooks using it and restart the kernel, or set ANALOGYLAB_HOME "
                    "to another folder"
                ) from exc
            except BaseException:
                if conn is not None:
                    conn.close()
                raise
            self._conn, self.home, self.path = conn, home, path
            self._identity = _identity(path)
            return

    def _set_aside(self, path: Path, seen: tuple[int, int] | None, reason: str) -> None:
        if seen is None or _identity(path) != seen:
            return  # already replaced (another notebook moved it aside first): just reopen
        try:
            dest = _move_aside(path)
        except OSError as exc:
            raise _UnwritableError(
                f"the answer store there cannot be read ({reason}) and could not be moved "
                f"aside ({exc.strerror or exc})"
            ) from exc
        _warn(
            f"The answer store at {path} could not be read ({reason}). It was moved to {dest} "
            f"and a new, empty store was started at {path}. Nothing was deleted: keep "
            f"{dest.name} if you need the earlier answers, and ask your teacher for help."
        )

    def _busy_error(self, path: Path) -> AnswerStoreError:
        return AnswerStoreError(
            f"the answer store at {path} is busy: another program kept it locked for more "
            f"than {BUSY_SECONDS:.0f} seconds, so nothing was saved; close other notebooks "
            "or commands using it and try again"
        )

    def _connection(self) -> sqlite3.Connection:
        """The open connection, reopened if closed or if the file was removed or replaced."""
        if self._conn is not None and _identity(self.path) != self._identity:
            # deleted or moved behind our back: start a new file rather than write into
            # one nobody will see again; the old connection is not closed (see _abandon)
            _abandon(self._conn)
            self._conn = None
        if self._conn is None:
            self._open()
        assert self._conn is not None
        return self._conn

    def _run(self, op: Callable[[sqlite3.Connection], _T], *, write: bool = False) -> _T:
        """Run ``op`` (in one ``BEGIN IMMEDIATE`` transaction if it writes).

        A store found damaged or unwritable in the middle of a session is dealt with
        as when opening (moved aside, or the temporary folder), and ``op`` run again.
        """
        with self._lock:
            for first in (True, False):
                conn = self._connection()
                try:
                    if not write:
                        return op(conn)
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        result = op(conn)
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                    return result
                except sqlite3.Error as exc:
                    kind = _classify(exc)
                    if kind == _BUSY:
                        raise self._busy_error(self.path) from exc
                    if kind not in (_CORRUPT, _UNWRITABLE) or not first:
                        raise AnswerStoreError(
                            f"the answer store at {self.path} cannot be used ({exc}); nothing "
                            "was saved: restart the kernel and try again"
                        ) from exc
                    # open again: a damaged file is then moved aside, an unwritable
                    # folder replaced by the temporary one, each with its warning
                    self._conn = None
                    if kind == _CORRUPT:
                        _abandon(conn)
                    else:
                        conn.close()
            raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the database connection; the store reopens it if used again."""
        with self._lock:
            if self._conn is not None and _identity(self.path) != self._identity:
                _abandon(self._conn)  # the file was moved or replaced meanwhile
            elif self._conn is not None:
                self._conn.close()
            self._conn = None

    def __enter__(self) -> AnswerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- attempts ---------------------------------------------------------------------------

    def record(self, attempt: Attempt) -> Attempt:
        """Save one attempt; return it with ``attempt_id`` (and ``time``, if empty) set.

        The attempt is committed to disk before this returns.
        """
        if attempt.status not in STATUSES:
            raise AnswerStoreError(
                f"the attempt at exercise {attempt.exercise_id!r} has status "
                f"{attempt.status!r}, which is not one of: {', '.join(STATUSES)}; "
                "nothing was saved"
            )
        try:
            answer = _answer_json(attempt.answer)
        except (TypeError, ValueError) as exc:
            raise AnswerStoreError(
                f"the answer to exercise {attempt.exercise_id!r} cannot be saved ({exc}): "
                "answers must be text, numbers, true/false, or lists and dicts of those"
            ) from None
        saved = replace(
            attempt,
            answer=json.loads(answer),  # as attempts() will read it back
            correct=None if attempt.correct is None else bool(attempt.correct),
            score=None if attempt.score is None else float(attempt.score),
            points=float(attempt.points),
            revealed=bool(attempt.revealed),
            time=attempt.time or _utc_now(),
        )
        values = (
            saved.time,
            saved.lesson,
            saved.exercise_id,
            saved.kind,
            saved.status,
            None if saved.correct is None else int(saved.correct),
            saved.score,
            saved.points,
            int(saved.revealed),
            answer,
            saved.message,
        )

        def insert(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                f"INSERT INTO attempts ({', '.join(ATTEMPT_FIELDS[1:])})"
                f" VALUES ({', '.join('?' * len(values))})",
                values,
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

        return replace(saved, attempt_id=self._run(insert, write=True))

    def attempts(
        self, exercise_id: str | None = None, *, lesson: str | None = None
    ) -> list[Attempt]:
        """The attempts saved, oldest first: all, or of one exercise and/or one lesson."""
        where, args = _where(exercise_id=exercise_id, lesson=lesson)
        rows = self._run(
            lambda c: c.execute(
                f"SELECT {_COLUMNS} FROM attempts{where} ORDER BY attempt_id", args
            ).fetchall()
        )
        return [_attempt(r) for r in rows]

    def last(self, exercise_id: str) -> Attempt | None:
        """The newest attempt at ``exercise_id`` (whatever its status), or None."""
        row = self._run(
            lambda c: c.execute(
                f"SELECT {_COLUMNS} FROM attempts WHERE exercise_id = ?"
                " ORDER BY attempt_id DESC LIMIT 1",
                (exercise_id,),
            ).fetchone()
        )
        return None if row is None else _attempt(row)

    def count(self, exercise_id: str) -> int:
        """How many attempts at ``exercise_id`` count: every status but ``invalid``."""
        return int(
            self._run(
                lambda c: c.execute(
                    "SELECT COUNT(*) FROM attempts WHERE exercise_id = ? AND status != 'invalid'",
                    (exercise_id,),
                ).fetchone()[0]
            )
        )

    # -- hints and settings -----------------------------------------------------------------

    def record_hint(self, exercise_id: str, lesson: str, hint_number: int) -> None:
        """Remember that hint number ``hint_number`` (1 = first) of an exercise was shown."""
        row = (_utc_now(), lesson, exercise_id, int(hint_number))
        self._run(
            lambda c: c.execute(
                "INSERT INTO hints (time, lesson, exercise_id, hint_number) VALUES (?, ?, ?, ?)",
                row,
            ),
            write=True,
        )

    def hints_shown(self, exercise_id: str) -> int:
        """The highest hint number shown for ``exercise_id``; 0 if none was."""
        return int(
            self._run(
                lambda c: c.execute(
                    "SELECT COALESCE(MAX(hint_number), 0) FROM hints WHERE exercise_id = ?",
                    (exercise_id,),
                ).fetchone()[0]
            )
        )

    def get_meta(self, key: str) -> str | None:
        """A setting kept with the answers (e.g. ``"student"``), or None if not set."""
        row = self._run(
            lambda c: c.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        )
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Keep a setting with the answers (e.g. ``set_meta("student", "Ana López")``)."""
        if key == "schema_version":
            raise AnswerStoreError("'schema_version' is kept by analogylab itself; use another key")
        self._run(
            lambda c: c.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, str(value)),
            ),
            write=True,
        )

    def reset(self, lesson: str | None = None) -> int:
        """Delete the attempts and hints of one lesson (or of all); return attempts deleted.

        Settings such as the student's name are kept.
        """
        where, args = _where(lesson=lesson)

        def delete(conn: sqlite3.Connection) -> int:
            conn.execute(f"DELETE FROM hints{where}", args)
            return conn.execute(f"DELETE FROM attempts{where}", args).rowcount

        return int(self._run(delete, write=True))

    def to_frame(self, lesson: str | None = None) -> pd.DataFrame:
        """The attempts (of one lesson, or all) as a table, one row each, oldest first.

        Columns are ``ATTEMPT_FIELDS``; ``answer`` is the stored JSON text.
        """
        return _frame([_row(a) for a in self.attempts(lesson=lesson)], ATTEMPT_FIELDS)


def _where(**conditions: str | None) -> tuple[str, tuple[str, ...]]:
    used = {k: v for k, v in conditions.items() if v is not None}
    if not used:
        return "", ()
    return " WHERE " + " AND ".join(f"{k} = ?" for k in used), tuple(used.values())


def _attempt(row: Sequence[Any]) -> Attempt:
    r = dict(zip(ATTEMPT_FIELDS, row, strict=True))
    return Attempt(
        exercise_id=r["exercise_id"],
        lesson=r["lesson"],
        kind=r["kind"],
        answer=json.loads(r["answer"]),
        status=r["status"],
        correct=None if r["correct"] is None else bool(r["correct"]),
        score=r["score"],
        points=r["points"],
        message=r["message"],
        revealed=bool(r["revealed"]),
        time=r["time"],
        attempt_id=r["attempt_id"],
    )


def _row(a: Attempt) -> dict[str, Any]:
    """An attempt as a flat record, ``answer`` as JSON text."""
    out = {f: getattr(a, f) for f in ATTEMPT_FIELDS}
    out["answer"] = _answer_json(a.answer)
    return out


def _frame(records: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    data = {c: pd.Series([r[c] for r in records], dtype=_DTYPES.get(c, "str")) for c in columns}
    return pd.DataFrame(data, columns=list(columns))


_stores: dict[str, AnswerStore] = {}
_stores_lock = threading.Lock()


def open_store(home: str | os.PathLike[str] | None = None) -> AnswerStore:
    """The store of ``home`` (default ``answers_home()``), one per folder per process.

    A notebook calling this for every exercise reuses one connection. The home is
    worked out again on each call, so a change to ``ANALOGYLAB_HOME`` takes effect.
    """
    wanted = (Path(home).expanduser() if home is not None else answers_home()).resolve()
    with _stores_lock:
        store = _stores.get(str(wanted))
        if store is None:
            store = _stores[str(wanted)] = AnswerStore(wanted)
        return store


def _after_fork() -> None:
    """In a forked child, never use (or close) the parent's connections.

    Closing an inherited SQLite connection can remove the WAL file the parent still
    uses; each store opens its own connection again when next used.
    """
    global _stores_lock  # noqa: PLW0603 - the parent's lock may be held by a thread that is gone
    _stores_lock = threading.Lock()
    for store in list(_live_stores):
        store._lock = threading.RLock()
        _abandon(store._conn)
        store._conn = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


# --- hand-in -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv_text(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)  # RFC 4180: CRLF line ends, quotes where needed
    writer.writerow(columns)
    for r in rows:
        writer.writerow([_cell(r[c]) for c in columns])
    return buf.getvalue()


def _write(out: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``out`` (UTF-8) all at once: a failed write leaves no half file."""
    path = Path(out).expanduser()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8", newline="") as f:
            f.write(text)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AnswerStoreError(
            f"could not write {path.resolve()} ({exc.strerror or exc}); "
            "choose a file in a folder you can write to"
        ) from None


def export_answers(
    store: AnswerStore,
    fmt: str = "csv",
    out: str | os.PathLike[str] | None = None,
    *,
    student: str | None = None,
) -> str:
    """A student's attempts as text to hand in (``csv`` or ``json``); written to ``out`` if given.

    ``student`` defaults to the name kept in the store (``get_meta("student")``), else "".
    CSV: a header line ``student,`` + ``ATTEMPT_FIELDS``, one row per attempt, ``answer``
    as JSON text, ``true``/``false`` for yes/no and an empty cell for "none". JSON: an
    object with ``format`` ``"analogylab-answers"``, ``format_version``, ``student``,
    ``exported``, ``analogylab`` (version) and ``attempts``, each ``answer`` a JSON value.
    """
    kind = fmt.lower().lstrip(".")
    if kind not in EXPORT_FORMATS:
        raise AnswerStoreError(
            f"cannot export answers as {fmt!r}: the formats are {' and '.join(EXPORT_FORMATS)}"
        )
    name = student if student is not None else (store.get_meta("student") or "")
    attempts = store.attempts()
    if kind == "csv":
        text = _csv_text(
            ("student", *ATTEMPT_FIELDS), ({"student": name, **_row(a)} for a in attempts)
        )
    else:
        doc = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "student": name,
            "exported": _utc_now(),
            "analogylab": __version__,
            "attempts": [{f: getattr(a, f) for f in ATTEMPT_FIELDS} for a in attempts],
        }
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    if out is not None:
        _write(out, text)
    return text


_EXPECTED = "a file written by `analogylab export` (CSV or JSON)"


def _bad(file: Path, what: str, line: int | None = None) -> AnswerStoreError:
    where = str(file) if line is None else f"{file}, line {line}"
    return AnswerStoreError(
        f"{where}: {what}. Expected {_EXPECTED}; ask the student to export the answers again"
    )


def _flag(file: Path, line: int, field: str, text: str, *, empty: bool | None) -> bool | None:
    t = text.strip().lower()
    if t in {"true", "1", "yes"}:
        return True
    if t in {"false", "0", "no"}:
        return False
    if t == "":
        return empty
    raise _bad(file, f"{field} is {text!r}, not true or false", line)


def _number(file: Path, line: int, field: str, text: str, *, required: bool) -> float | None:
    if text.strip() == "" and not required:
        return None
    try:
        return float(text)
    except ValueError:
        raise _bad(file, f"{field} is {text!r}, not a number", line) from None


def _read_csv(file: Path, text: str) -> tuple[str, list[dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise _bad(file, "the file is empty")
    header = [h.strip() for h in header]
    missing = [f for f in ATTEMPT_FIELDS if f not in header]
    if missing:
        raise _bad(file, f"the header has no column {', '.join(missing)}", 1)
    records: list[dict[str, Any]] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise _bad(file, f"this row has {len(cells)} cells, the header {len(header)}", line)
        raw = dict(zip(header, cells, strict=True))
        attempt_id = _number(file, line, "attempt_id", raw["attempt_id"], required=False)
        records.append(
            {
                "student": raw.get("student", "").strip(),
                "attempt_id": None if attempt_id is None else int(attempt_id),
                "time": raw["time"],
                "lesson": raw["lesson"],
                "exercise_id": raw["exercise_id"],
                "kind": raw["kind"],
                "status": raw["status"],
                "correct": _flag(file, line, "correct", raw["correct"], empty=None),
                "score": _number(file, line, "score", raw["score"], required=False),
                "points": _number(file, line, "points", raw["points"], required=True),
                "revealed": _flag(file, line, "revealed", raw["revealed"], empty=False),
                "answer": _canonical_answer(raw["answer"]),
                "message": raw["message"],
            }
        )
    return "", records


_JSON_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "attempt_id": (int, type(None)),
    "correct": (bool, type(None)),
    "score": (int, float, type(None)),
    "points": (int, float),
    "revealed": (bool,),
}


def _read_json(file: Path, text: str) -> tuple[str, list[dict[str, Any]]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(
            file, f"column {exc.colno}: this is not valid JSON ({exc.msg})", exc.lineno
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise _bad(file, f'this JSON has no "format": "{FORMAT_NAME}"')
    version = doc.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise _bad(
            file,
            f"format_version {version!r} is not one this analogylab {__version__} reads "
            f"(up to {FORMAT_VERSION}); update analogylab if the file is newer",
        )
    attempts = doc.get("attempts")
    if not isinstance(attempts, list):
        raise _bad(file, 'there is no "attempts" list')
    student = doc.get("student") or ""
    if not isinstance(student, str):
        raise _bad(file, '"student" is not text')
    records: list[dict[str, Any]] = []
    for n, item in enumerate(attempts, start=1):
        if not isinstance(item, dict):
            raise _bad(file, f"attempt {n} is not an object")
        missing = [f for f in ATTEMPT_FIELDS if f not in item]
        if missing:
            raise _bad(file, f"attempt {n} has no {', '.join(missing)}")
        for f in ATTEMPT_FIELDS:
            ok = _JSON_TYPES.get(f, (str,)) if f != "answer" else (object,)
            value = item[f]
            if not isinstance(value, ok) or (
                f in {"attempt_id", "score", "points"} and (isinstance(value, bool))
            ):
                raise _bad(file, f"attempt {n}: {f} is {value!r}, of the wrong type")
        record = {f: item[f] for f in ATTEMPT_FIELDS}
        try:
            record["answer"] = _answer_json(item["answer"])
        except ValueError:
            raise _bad(file, f"attempt {n}: the answer is not a plain JSON value") from None
        for f in ("score", "points"):
            record[f] = None if record[f] is None else float(record[f])
        records.append(record)
    return student, records


def _read_export(file: Path) -> list[dict[str, Any]]:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise AnswerStoreError(
            f"{file}: cannot be read ({exc.strerror or exc}); check the file name"
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad(file, "the file is not UTF-8 text") from None
    suffix = file.suffix.lower()
    is_json = suffix == ".json" or (suffix != ".csv" and text.lstrip().startswith("{"))
    student, records = (_read_json if is_json else _read_csv)(file, text)
    for r in records:
        r["student"] = r.get("student") or student or file.stem
        r["source_file"] = file.name
    return records


MERGE_COLUMNS: Final[tuple[str, ...]] = ("student", *ATTEMPT_FIELDS, "source_file")


def merge_exports(
    files: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """The exported answers of many students as one table, for the teacher.

    Each file is a CSV or JSON export (told apart by its suffix, else by its content).
    ``student`` comes from the file, or is the file name without suffix when the file
    has none; ``source_file`` is the file's name. Attempts found twice (same student,
    attempt number, exercise, time and answer; e.g. a file given twice, or a CSV and a
    JSON export of one store) are kept once; two attempts that differ only in their
    number (the same answer checked twice within a second) are both kept. Rows are sorted
    by student, lesson, exercise and time. With ``out``, the table is also written, as
    CSV, or as a JSON list of rows if ``out`` ends in ``.json``. A file that is not an
    analogylab export raises ``AnswerStoreError`` naming it, and nothing is written.
    """
    records: list[dict[str, Any]] = []
    for f in files:
        records.extend(_read_export(Path(f).expanduser()))
    df = _frame(records, MERGE_COLUMNS)
    df = df.drop_duplicates(
        subset=["student", "attempt_id", "exercise_id", "time", "answer"], keep="first"
    )
    df = df.sort_values(
        ["student", "lesson", "exercise_id", "time", "attempt_id"], kind="stable"
    ).reset_index(drop=True)
    if out is not None:
        rows = [
            {c: _plain(v) for c, v in zip(MERGE_COLUMNS, values, strict=True)}
            for values in df.itertuples(index=False, name=None)
        ]
        if str(out).lower().endswith(".json"):
            _write(out, json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        else:
            _write(out, _csv_text(MERGE_COLUMNS, rows))
    return df


def _plain(value: Any) -> Any:
    """A frame cell as a plain Python value (None for missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
