"""Synchronous twins of the async API, with one definition of their parameters.

    run_skill = synchronous(arun_skill)

The twin runs the coroutine with `asyncio.run`, refuses to run inside an event loop, and turns
Ctrl-C during a recorded run into `RunAbortedError` naming the run folder to resume.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from net_skill.errors import ConfigurationError, RunAbortedError

P = ParamSpec("P")
R = TypeVar("R")

_RUN_DIRS: ContextVar[list[Path] | None] = ContextVar("net_skill_run_dirs", default=None)


def note_run_dir(run_dir: Path | None) -> None:
    """Tell a synchronous caller which run folder is in progress (for Ctrl-C messages)."""
    dirs = _RUN_DIRS.get()
    if dirs is not None and run_dir is not None:
        dirs.append(run_dir)


def synchronous(func: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, R]:
    """The synchronous twin of `func` (not for use inside a running event loop)."""

    @functools.wraps(func)
    def twin(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise ConfigurationError(
                f"{twin.__name__}() was called inside a running event loop; "
                f"await {func.__name__}() instead"
            )
        dirs: list[Path] = []
        token = _RUN_DIRS.set(dirs)
        try:
            return asyncio.run(func(*args, **kwargs))
        except KeyboardInterrupt:
            if not dirs:
                raise
            raise RunAbortedError("interrupted", run_dir=dirs[-1]) from None
        finally:
            _RUN_DIRS.reset(token)

    twin.__name__ = twin.__qualname__ = func.__name__.removeprefix("a")
    twin.__doc__ = f"Synchronous `{func.__name__}` (not from inside a running event loop)."
    return twin
