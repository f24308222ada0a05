"""`results.jsonl`: one JSON object a line per (case, epoch, variant), appended as cases finish.

Each line goes to the file in one `write` call on a descriptor opened for appending, so a
crash (kill -9 included) leaves whole lines and at most one torn last line, and loses only the
cases in flight; the file is synced to disk at most once a second and when it is closed (a
power cut loses at most that second, which a resume runs again). Everything written is
redacted (no API key). Readers stream the file (nothing is held per line) and skip a torn
line. `compact_for_resume` rewrites the file before a resumed run: it keeps one successful
record per key, drops error records (so those cases are tried again) and any broken line
(counted, so the caller can say so), and returns the keys that are done.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from net_skill._files import append_line, end_torn_line, open_for_append
from net_skill._redact import redact

RESULTS_FILE = "results.jsonl"
RECORD_FORMAT = 1
SYNC_INTERVAL_S = 1.0
_TEMPORARY_PREFIX = ".results-"

ResultKey = tuple[str, int, str]
"""(case id, epoch, variant)"""


def record_key(record: dict[str, Any]) -> ResultKey:
    return (str(record["case_id"]), int(record["epoch"]), str(record["variant"]))


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    if not {"case_id", "epoch", "variant", "status"} <= value.keys():
        return None
    return value


@dataclass
class ReadStats:
    records: int = 0
    broken_lines: int = 0


def iter_results(
    path: str | Path, *, stats: ReadStats | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (byte offset, record) for every readable line; broken lines are counted, skipped.

    A missing file yields nothing.
    """
    counts = stats if stats is not None else ReadStats()
    file = Path(path)
    if not file.exists():
        return
    with file.open("rb") as stream:
        offset = 0
        for line in stream:
            start = offset
            offset += len(line)
            if not line.strip():
                continue
            record = _parse(line)
            if record is None:
                counts.broken_lines += 1
                continue
            counts.records += 1
            yield start, record


def read_record_at(stream: IO[bytes], offset: int) -> dict[str, Any] | None:
    stream.seek(offset)
    return _parse(stream.readline())


class ResultWriter:
    """Appends records to `results.jsonl`, one line each, written whole and redacted."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        end_torn_line(self.path)  # a fresh line even after a crash mid-write
        self._fd: int | None = open_for_append(self.path)
        self._synced = time.monotonic()
        self.written = 0

    def write(self, record: dict[str, Any]) -> None:
        if self._fd is None:
            raise ValueError(f"{self.path} is closed")
        line = redact(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        append_line(self._fd, (line + "\n").encode("utf-8"))
        self.written += 1
        if time.monotonic() - self._synced >= SYNC_INTERVAL_S:
            self._sync()

    def _sync(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
        self._synced = time.monotonic()

    def close(self) -> None:
        if self._fd is None:
            return
        self._sync()
        os.close(self._fd)
        self._fd = None


def compact_for_resume(path: str | Path) -> tuple[set[ResultKey], ReadStats]:
    """Keep one successful record per key, drop the rest; return the keys that are done.

    The rewrite goes to a temporary file that replaces the original atomically, so an
    interruption here loses nothing.
    """
    source = Path(path)
    done: set[ResultKey] = set()
    stats = ReadStats()
    if not source.exists():
        return done, stats
    handle, temporary = tempfile.mkstemp(
        dir=source.parent, prefix=_TEMPORARY_PREFIX, suffix=".jsonl"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            for _offset, record in iter_results(source, stats=stats):
                key = record_key(record)
                if record.get("status") != "ok" or key in done:
                    continue
                done.add(key)
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
                out.write(b"\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, source)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return done, stats


def remove_stale_temporaries(folder: str | Path) -> int:
    """Delete the temporary files an interrupted `compact_for_resume` left in `folder`.

    Call it only while holding the folder's lock (nobody else can be compacting then).
    """
    removed = 0
    for leftover in Path(folder).glob(f"{_TEMPORARY_PREFIX}*.jsonl"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed


def count_lines(path: str | Path) -> int:
    """Readable records in a results file (streaming)."""
    return sum(1 for _ in iter_results(path))
