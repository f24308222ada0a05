"""Writing records so that a crash never leaves a file a later command cannot read.

* `append_line`: one line to a descriptor opened with `O_APPEND`, in one `write` call where
  the system allows it, so a killed process leaves whole lines and at most one torn last line
  (never two records interleaved or glued together).
* `write_atomically`: a whole file through a temporary file in the same folder, synced to disk,
  then renamed over the target: readers see the old file or the new one, never half of one.
* `end_torn_line`: after a crash, end a torn last line so the next append starts on a line of
  its own (readers skip the torn one).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["append_line", "end_torn_line", "open_for_append", "write_atomically"]


def open_for_append(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


def append_line(fd: int, line: bytes) -> None:
    """Write `line` (ending in a newline) at the end of the file behind `fd`."""
    view = memoryview(line)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_atomically(path: Path, text: str) -> Path:
    """Replace `path` with `text` (UTF-8) so that a crash leaves the old file or the new."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def end_torn_line(path: Path) -> bool:
    """Append a newline if `path` does not end with one; True when it had to."""
    try:
        with path.open("rb") as stream:
            stream.seek(0, os.SEEK_END)
            if stream.tell() == 0:
                return False
            stream.seek(-1, os.SEEK_END)
            if stream.read(1) == b"\n":
                return False
    except OSError:
        return False
    with path.open("ab") as stream:
        stream.write(b"\n")
    return True
