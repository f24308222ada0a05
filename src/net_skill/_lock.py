"""An exclusive lock on a folder, so two commands never write the same records at once.

The lock is `flock` on `<folder>/.lock`, which holds the owner's process id. The kernel drops it
when its process ends, however it ends (kill -9 included), so a crash never leaves a stale lock.
A second command either refuses at once (`FolderBusyError`, naming the owner) or, with
`wait=True`, polls until the folder is free. On systems without `fcntl` no lock is taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from net_skill.errors import InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_FILE", "FolderBusyError", "FolderLock"]

LOCK_FILE = ".lock"
POLL_S = 0.2


class FolderBusyError(InputError):
    """Another process holds the folder's lock."""

    def __init__(self, message: str, *, folder: Path, owner: str) -> None:
        self.folder = folder
        self.owner = owner
        super().__init__(message)


class FolderLock:
    """`with FolderLock(folder, what="evaluation"):` (or `await lock.acquire_async(wait=...)`)."""

    def __init__(self, folder: str | Path, *, what: str, hint: str = "") -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILE
        self.what = what
        self.hint = hint
        self._fd: int | None = None

    def _try(self) -> bool:
        if fcntl is None:
            return True
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)
        return True

    def owner(self) -> str:
        """The process id written by whoever holds the lock ("?" when unreadable)."""
        try:
            return self.path.read_text(encoding="utf-8").strip() or "?"
        except OSError:
            return "?"

    def _busy(self) -> FolderBusyError:
        owner = self.owner()
        hint = f"; {self.hint}" if self.hint else ""
        return FolderBusyError(
            f"{self.folder} is in use by another {self.what} (process {owner}){hint}",
            folder=self.folder,
            owner=owner,
        )

    def acquire(self) -> None:
        """Take the lock now or raise `FolderBusyError`."""
        if not self._try():
            busy = self._busy()
            self.release()
            raise busy

    async def acquire_async(
        self,
        *,
        wait: bool = False,
        timeout: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """Take the lock; with `wait`, poll until it is free (at most `timeout` seconds)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        told = False
        try:
            while not self._try():
                if not wait or (deadline is not None and time.monotonic() > deadline):
                    raise self._busy()
                if on_wait is not None and not told:
                    on_wait(f"waiting: {self._busy()}")
                    told = True
                await asyncio.sleep(POLL_S)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                if fcntl is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
