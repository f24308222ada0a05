"""`results.jsonl`: one JSON object a line per (case, epoch, variant), appended as cases finish.

A line is flushed as soon as it is written, so a crash or Ctrl-C loses at most the cases in
flight. Readers stream the file (nothing is held per line) and tolerate an interrupted last
line. `compact_for_resume` rewrites the file before a resumed run: it keeps one successful
record per key, drops error records (so those cases are tried again) and any broken line, and
returns the keys that are done.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

RESULTS_FILE = "results.jsonl"
RECORD_FORMAT = 1

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
    """Appends records to `results.jsonl`, one flushed line each."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._stream: IO[str] = self.path.open("a", encoding="utf-8")
        self.written = 0

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        self._stream.write(line + "\n")
        self._stream.flush()
        self.written += 1

    def close(self) -> None:
        if self._stream.closed:
            return
        self._stream.flush()
        with contextlib.suppress(OSError):
            os.fsync(self._stream.fileno())
        self._stream.close()


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
    handle, temporary = tempfile.mkstemp(dir=source.parent, prefix=".results-", suffix=".jsonl")
    try:
        with os.fdopen(handle, "wb") as out:
            for _offset, record in iter_results(source, stats=stats):
                key = record_key(record)
                if record.get("status") != "ok" or key in done:
                    continue
                done.add(key)
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
                out.write(b"\n")
        os.replace(temporary, source)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return done, stats


def count_lines(path: str | Path) -> int:
    """Readable records in a results file (streaming)."""
    return sum(1 for _ in iter_results(path))
