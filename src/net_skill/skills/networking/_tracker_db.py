"""The tracker's SQLite file: opening it safely, its schema and the migrations between versions.

The file is marked with an application id (`PRAGMA application_id`) and a schema version
(`PRAGMA user_version`). A file that is not SQLite, or an SQLite file of another program, is
refused before anything is written to it. Migrations run in one transaction each, after a
backup copy of the file (`tracker.db.v1.bak`), so a failed migration loses nothing. The
journal is WAL and every write is a `BEGIN IMMEDIATE` transaction, so two commands writing at
once wait for each other instead of corrupting the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from net_skill.errors import InputError
from net_skill.records import default_runs_dir

APPLICATION_ID = 0x4E534B54  # "NSKT"
TRACKER_FILE = "tracker.db"
BUSY_TIMEOUT_S = 15.0
SQLITE_MAGIC = b"SQLite format 3\x00"


class TrackerError(InputError):
    """The tracker file cannot be used (broken, foreign, newer) or a request names no one."""


def default_tracker_path() -> Path:
    """`tracker.db` in the user's data folder (`$NET_SKILL_DATA_DIR`, else for example
    `~/.local/share/net-skill/tracker.db`)."""
    return default_runs_dir().parent / TRACKER_FILE


_V1: tuple[str, ...] = (
    """CREATE TABLE person (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        about TEXT NOT NULL DEFAULT '',
        company TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        emails TEXT NOT NULL DEFAULT '',
        labels TEXT NOT NULL DEFAULT '',
        connected_on TEXT,
        base_strength TEXT NOT NULL
            CHECK (base_strength IN ('strong', 'medium', 'weak', 'dormant')),
        strength_from TEXT NOT NULL CHECK (strength_from IN ('plan', 'file', 'log')),
        strength TEXT NOT NULL CHECK (strength IN ('strong', 'medium', 'weak', 'dormant')),
        cadence_days INTEGER CHECK (cadence_days > 0),
        reason TEXT NOT NULL DEFAULT '',
        planned_on TEXT,
        last_contact TEXT,
        due_on TEXT,
        source TEXT NOT NULL DEFAULT '',
        added_on TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX person_due ON person (due_on) WHERE due_on IS NOT NULL",
    """CREATE TABLE interaction (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        on_date TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        conversation INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX interaction_person ON interaction (person_id, on_date)",
    """CREATE TABLE plan (
        id TEXT PRIMARY KEY,
        skill_id TEXT NOT NULL,
        today TEXT NOT NULL,
        goal TEXT NOT NULL DEFAULT '',
        situation TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE action (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        plan_id TEXT REFERENCES plan (id),
        kind TEXT NOT NULL CHECK (kind IN ('send_outreach', 'follow_up', 'thank_you')),
        plan_day TEXT NOT NULL,
        on_date TEXT,
        latest TEXT,
        note TEXT NOT NULL DEFAULT '',
        draft TEXT NOT NULL DEFAULT '',
        done_on TEXT,
        revision INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX action_open ON action (on_date) WHERE done_on IS NULL",
    "CREATE INDEX action_person ON action (person_id, kind)",
)

MIGRATIONS: list[tuple[int, Sequence[str]]] = [(1, _V1)]
"""(version, statements) in order: version N's statements turn a version N-1 file into N."""


def schema_version() -> int:
    return MIGRATIONS[-1][0]


def connect(path: Path) -> sqlite3.Connection:
    """An open, migrated tracker at `path` (created when missing), or `TrackerError`."""
    _check_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise TrackerError(f"{path}: cannot open the tracker: {exc}") from None
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        _check_owner(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise broken(path, exc) from None
    except BaseException:
        conn.close()
        raise
    return conn


def broken(path: Path, exc: sqlite3.Error) -> TrackerError:
    """The one-line error for an SQLite failure on the tracker (nothing was changed)."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return TrackerError(
            f"{path}: the tracker is busy (another net-skill command holds it); try again"
        )
    return TrackerError(
        f"{path}: the tracker file is damaged or not a tracker ({exc}); nothing was changed. "
        "Keep a copy of it, and use --db to point at another file"
    )


def _check_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a file that is not an SQLite database."""
    if path.is_dir():
        raise TrackerError(f"{path}: is a folder, not a tracker file")
    try:
        with path.open("rb") as file:
            head = file.read(100)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise TrackerError(f"{path}: cannot read the tracker: {exc.strerror or exc}") from None
    if head and not head.startswith(SQLITE_MAGIC):
        raise TrackerError(
            f"{path}: not a net-skill tracker (not an SQLite database); nothing was changed. "
            "Use --db to choose another file"
        )
    if len(head) >= 72:
        owner = int.from_bytes(head[68:72], "big")
        if owner not in (0, APPLICATION_ID):
            raise TrackerError(f"{path}: an SQLite database of another program, not a tracker")


def is_tracker_header(head: bytes) -> bool:
    """Whether a file's first 100 bytes are those of a tracker."""
    return (
        head.startswith(SQLITE_MAGIC)
        and len(head) >= 72
        and int.from_bytes(head[68:72], "big") == APPLICATION_ID
    )


def _check_owner(conn: sqlite3.Connection, path: Path) -> None:
    owner = conn.execute("PRAGMA application_id").fetchone()[0]
    if owner == APPLICATION_ID:
        return
    if owner != 0 or conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise TrackerError(
            f"{path}: an SQLite database of another program, not a tracker; nothing was "
            "changed. Use --db to choose another file"
        )


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (`BEGIN IMMEDIATE`): committed or rolled back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the file to the current schema, one transaction per version, after a backup."""
    latest = schema_version()
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > latest:
        raise TrackerError(
            f"{path}: the tracker was written by a newer net-skill (schema {version}; this one "
            f"knows up to {latest}); upgrade net-skill. Nothing was changed"
        )
    if version == latest:
        return
    if version > 0:
        backup = path.with_name(f"{path.name}.v{version}.bak")
        with sqlite3.connect(backup) as copy:
            conn.backup(copy)
        copy.close()
    for target, statements in MIGRATIONS:
        with transaction(conn):
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current >= target:  # another process migrated meanwhile
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {target}")
    # Put the header (application id, version) into the main file now, not at the next
    # checkpoint, so that the file is recognised as a tracker by its first bytes at once.
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
