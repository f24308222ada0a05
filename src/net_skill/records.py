"""Run folders: an append-only `events.jsonl` plus `plan.json` and `plan.md` at the end.

Layout of one run folder (`<runs>/<UTC timestamp>-<skill id>-<short hash>/`):

    events.jsonl   one JSON object a line, appended as things happen
    plan.json      the validated plan (written when every step is done)
    plan.md        the same plan as readable markdown
    .lock          held by the process running or resuming the run

Everything written passes through `redact`, so an Anthropic API key never reaches a record.
Crashes: each event is one `write` of a whole line (kill -9 leaves at most one torn last line,
which readers skip and `open` ends with a newline before appending); the events resume relies
on (a run started, a step finished or failed, a run ended) are synced to disk; plan files are
replaced atomically. One process at a time: a second `resume` of a run folder in use refuses.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from net_skill._files import append_line, end_torn_line, open_for_append, write_atomically
from net_skill._lock import FolderLock
from net_skill._redact import redact
from net_skill.errors import InputError
from net_skill.events import (
    Event,
    RunFailed,
    RunFinished,
    RunInterrupted,
    RunStarted,
    StepFailed,
    StepFinished,
    parse_events,
)

EVENTS_FILE = "events.jsonl"
PLAN_JSON_FILE = "plan.json"
PLAN_MD_FILE = "plan.md"

DATA_DIR_ENV = "NET_SKILL_DATA_DIR"


def default_runs_dir() -> Path:
    """`$NET_SKILL_DATA_DIR/runs`, else the per-user data folder's `net-skill/runs`
    (for example `~/.local/share/net-skill/runs` on Linux)."""
    base = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(base or user_data_dir("net-skill")) / "runs"


def short_hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:8]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


SYNCED_EVENTS = (RunStarted, StepFinished, StepFailed, RunFailed, RunFinished, RunInterrupted)
"""Events synced to disk as they are written: what resume needs to skip the work done."""


class RunRecorder:
    """Appends events of one run to `<run_dir>/events.jsonl`; thread-safe, one write per line.

    `lock` takes the run folder's lock (the executor does, before running any step) and
    `close` lets it go.
    """

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.events_path = run_dir / EVENTS_FILE
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._folder_lock = FolderLock(
            run_dir, what="net-skill run or resume", hint="wait for it to finish"
        )
        self.repaired_torn_line = False
        """Whether `lock` found a torn last line (a crash mid-write) and ended it."""

    @classmethod
    def create(
        cls, output_dir: str | Path | None, *, skill_id: str, fingerprint: str
    ) -> RunRecorder:
        """Make a fresh run folder under `output_dir` (default: `default_runs_dir()`)."""
        root = Path(output_dir) if output_dir is not None else default_runs_dir()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        safe_id = re.sub(r"[^A-Za-z0-9_.-]+", "-", skill_id).strip("-") or "skill"
        base = f"{stamp}-{safe_id}-{fingerprint}"
        try:
            root.mkdir(parents=True, exist_ok=True)
            for suffix in range(1000):
                run_dir = root / (base if suffix == 0 else f"{base}-{suffix}")
                try:
                    run_dir.mkdir()
                except FileExistsError:
                    continue
                return cls(run_dir)
        except OSError as exc:
            raise InputError(f"cannot create a run folder under {root}: {exc}") from exc
        raise InputError(f"cannot create a run folder under {root}: too many runs named {base}")

    @classmethod
    def open(cls, run_dir: str | Path) -> RunRecorder:
        """An existing run folder (for resuming)."""
        path = Path(run_dir)
        if not (path / EVENTS_FILE).is_file():
            raise InputError(f"{path} is not a net-skill run folder (no {EVENTS_FILE} in it)")
        return cls(path)

    def lock(self) -> None:
        """Take the run folder's lock (`FolderBusyError` when another process runs or resumes
        it), then end a torn last line so that new events start on a line of their own."""
        try:
            self._folder_lock.acquire()
        except OSError as exc:
            raise InputError(
                f"cannot lock the run folder {self.run_dir}: {exc.strerror or exc}"
            ) from None
        self.repaired_torn_line = end_torn_line(self.events_path)

    def append(self, event: Event) -> None:
        """Append one event as one line; after a crash the line is whole or torn, never mixed."""
        stamped = event.model_copy(update={"time": now_iso()})
        line = (redact(stamped.model_dump_json()) + "\n").encode("utf-8")
        with self._lock:
            if self._fd is None:
                self._fd = open_for_append(self.events_path)
            append_line(self._fd, line)
            if isinstance(event, SYNCED_EVENTS):
                os.fsync(self._fd)

    def write_text(self, name: str, text: str) -> Path:
        """Write a whole file atomically (temporary file synced, then renamed), redacted."""
        return write_atomically(self.run_dir / name, redact(text))

    def close(self) -> None:
        """Stop recording: close the events file and let go of the folder's lock."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
        self._folder_lock.release()

    def events(self) -> list[Event]:
        return list(load_events(self.run_dir))


def read_events(run_dir: str | Path) -> Iterator[dict[str, Any]]:
    """The raw records of a run in order, as dicts.

    A torn last line (a crash mid-write) and lines that are not JSON objects or not UTF-8 are
    skipped: a damaged record loses that line, never the run.
    """
    path = Path(run_dir) / EVENTS_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    for raw in data.splitlines():
        try:
            value = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(value, dict):
            yield value


def load_events(run_dir: str | Path) -> Iterator[Event]:
    """The typed events of a run in order (unknown or malformed records are skipped)."""
    return parse_events(read_events(run_dir))
