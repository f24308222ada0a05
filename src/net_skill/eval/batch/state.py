"""What a batch evaluation has sent and received, in `batches.sqlite3` in the eval folder.

Two tables. `batches`: every Message Batch created (its id, dependency level, round), written
in the same transaction that marks its requests as submitted, right after `create` returns, so
a killed command resumes by polling the same batches and never submits a request twice.
`requests`: one row per request ever submitted, keyed by its `custom_id`, with the readable key
it stands for (case, epoch, variant, step, attempt), its status and, once in, its result (the
answer message as JSON, or the error). Results are matched by `custom_id`, never by order.

The folder itself is locked by the harness (`net_skill._lock.FolderLock`) for the whole
command, so one process at a time writes here; SQLite's journal makes every transaction whole
after a crash.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from net_skill.errors import InputError

__all__ = [
    "STATE_FILE",
    "BatchRow",
    "BatchState",
    "RequestRow",
    "Status",
    "custom_id_for",
]

STATE_FILE = "batches.sqlite3"
CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
Status = Literal["submitted", "succeeded", "retry", "failed"]
"""`retry`: errored, expired or canceled, to be submitted again; `failed`: given up on."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    level INTEGER NOT NULL,
    round INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    collected INTEGER NOT NULL DEFAULT 0,
    counts TEXT
);
CREATE TABLE IF NOT EXISTS requests (
    custom_id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    level INTEGER NOT NULL,
    request_sha TEXT NOT NULL,
    status TEXT NOT NULL,
    batch_id TEXT,
    submissions INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    cost_usd REAL,
    tokens INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS requests_by_batch ON requests (batch_id, status);
CREATE TABLE IF NOT EXISTS generated (job TEXT PRIMARY KEY);
"""


def custom_id_for(key: str) -> str:
    """`key` itself when the API accepts it as a `custom_id`, else a hash of it (the mapping is
    kept in the `requests` table)."""
    if CUSTOM_ID.match(key):
        return key
    return "h" + hashlib.sha256(key.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class RequestRow:
    custom_id: str
    key: str
    level: int
    request_sha: str
    status: Status
    batch_id: str | None
    submissions: int
    result: str | None
    error: str | None


@dataclass(frozen=True)
class BatchRow:
    batch_id: str
    level: int
    round: int
    requests: int
    collected: bool


@dataclass(frozen=True)
class Submitted:
    """One request as sent in a batch."""

    custom_id: str
    key: str
    level: int
    request_sha: str


class BatchState:
    """The SQLite file of one evaluation folder (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / STATE_FILE
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{self.path}: unreadable batch state ({exc})") from None

    def close(self) -> None:
        self.db.close()

    def clear(self) -> None:
        """Forget everything (a fresh, not resumed, evaluation in this folder)."""
        with self._transaction():
            for table in ("batches", "requests", "generated"):
                self.db.execute(f"DELETE FROM {table}")

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)

    # -- requests --------------------------------------------------------------------------

    def get(self, custom_id: str) -> RequestRow | None:
        row = self.db.execute(
            "SELECT custom_id, key, level, request_sha, status, batch_id, submissions, result, "
            "error FROM requests WHERE custom_id = ?",
            (custom_id,),
        ).fetchone()
        return RequestRow(*row) if row is not None else None

    def record_batch(
        self, batch_id: str, level: int, round_: int, sent: Sequence[Submitted]
    ) -> None:
        """A batch was created with `sent`: remember it and mark its requests submitted."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO batches (batch_id, level, round, requests, created_at) "
                "VALUES (?, ?, ?, ?, datetime('now'))",
                (batch_id, level, round_, len(sent)),
            )
            self.db.executemany(
                "INSERT INTO requests (custom_id, key, level, request_sha, status, batch_id, "
                "submissions) VALUES (?, ?, ?, ?, 'submitted', ?, 1) "
                "ON CONFLICT (custom_id) DO UPDATE SET status = 'submitted', "
                "batch_id = excluded.batch_id, request_sha = excluded.request_sha, "
                "submissions = submissions + 1, result = NULL",
                [(s.custom_id, s.key, s.level, s.request_sha, batch_id) for s in sent],
            )

    def record_results(
        self, batch_id: str, results: Sequence[tuple[str, Status, str, float | None, int]]
    ) -> int:
        """Store `(custom_id, status, result or error JSON, cost, tokens)` for requests of
        `batch_id`; returns how many matched one (a result for an unknown id is ignored)."""
        matched = 0
        with self._transaction():
            for custom_id, status, payload, cost, tokens in results:
                column = "result" if status == "succeeded" else "error"
                cursor = self.db.execute(
                    f"UPDATE requests SET status = ?, {column} = ?, cost_usd = ?, tokens = ? "
                    "WHERE custom_id = ? AND batch_id = ? AND status = 'submitted'",
                    (status, payload, cost, tokens, custom_id, batch_id),
                )
                matched += cursor.rowcount
        return matched

    def submissions(self, custom_id: str) -> int:
        row = self.db.execute(
            "SELECT submissions FROM requests WHERE custom_id = ?", (custom_id,)
        ).fetchone()
        return int(row[0]) if row else 0

    def finish_batch(self, batch_id: str, counts: dict[str, int], *, max_submissions: int) -> int:
        """Mark `batch_id` collected; a request it never returned a result for is retried.
        Requests to retry that were submitted `max_submissions` times are given up on.
        Returns how many of its requests were given up on."""
        with self._transaction():
            self.db.execute(
                "UPDATE requests SET status = 'retry', error = ? "
                "WHERE batch_id = ? AND status = 'submitted'",
                (json.dumps({"type": "missing", "message": "no result in the batch"}), batch_id),
            )
            cursor = self.db.execute(
                "UPDATE requests SET status = 'failed' "
                "WHERE batch_id = ? AND status = 'retry' AND submissions >= ?",
                (batch_id, max_submissions),
            )
            self.db.execute(
                "UPDATE batches SET collected = 1, counts = ? WHERE batch_id = ?",
                (json.dumps(counts), batch_id),
            )
            return cursor.rowcount

    # -- batches ---------------------------------------------------------------------------

    def open_batches(self) -> list[BatchRow]:
        """Batches created but not collected yet (in flight, or ended while nobody looked)."""
        rows = self.db.execute(
            "SELECT batch_id, level, round, requests, collected FROM batches "
            "WHERE collected = 0 ORDER BY round, level, batch_id"
        ).fetchall()
        return [BatchRow(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def last_round(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(round), 0) FROM batches").fetchone()
        return int(row[0])

    def totals(self) -> dict[str, Any]:
        """Counts over every request and batch so far (for summaries and benchmarks)."""
        by_status = dict(
            self.db.execute("SELECT status, COUNT(*) FROM requests GROUP BY status").fetchall()
        )
        batches, submitted = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(requests), 0) FROM batches"
        ).fetchone()
        cost = self.db.execute("SELECT SUM(cost_usd), SUM(tokens) FROM requests").fetchone()
        return {
            "batches": batches,
            "requests_submitted": submitted,
            "requests": by_status,
            "cost_usd": cost[0] or 0.0,
            "tokens": cost[1] or 0,
        }

    def iter_requests(self) -> Iterator[RequestRow]:
        yield from (
            RequestRow(*row)
            for row in self.db.execute(
                "SELECT custom_id, key, level, request_sha, status, batch_id, submissions, "
                "result, error FROM requests ORDER BY custom_id"
            )
        )

    # -- plans generated by this evaluation (not cache hits) -------------------------------

    def note_generated(self, job: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO generated (job) VALUES (?)", (job,))

    def was_generated(self, job: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM generated WHERE job = ?", (job,)).fetchone() is not None
        )


class _Transaction:
    """`BEGIN IMMEDIATE` ... `COMMIT` (or `ROLLBACK` on an exception)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, *exc: object) -> None:
        self.db.execute("ROLLBACK" if kind is not None else "COMMIT")
