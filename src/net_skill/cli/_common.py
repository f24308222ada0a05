"""Console helpers shared by the commands: error reporting and exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from net_skill.errors import (
    BackendError,
    ConfigurationError,
    InputError,
    NetSkillError,
    OutputValidationError,
    RunAbortedError,
    SkillParseError,
)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_USAGE = 2
"""Bad input or a bad skill file: the user or skill author must act."""
EXIT_FAILURE = 1

stderr = Console(stderr=True, highlight=False)
stdout = Console(highlight=False)


def fail(message: str, *, code: int = EXIT_FAILURE) -> typer.Exit:
    stderr.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the library's errors into one clear message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (InputError, SkillParseError) as exc:
            raise fail(_escape(str(exc)), code=EXIT_USAGE) from None
        except OutputValidationError as exc:
            last = exc.last_raw_output
            preview = (last[:400] + "…") if len(last) > 400 else last
            raise fail(_escape(f"{exc}\nlast output: {preview}")) from None
        except (ConfigurationError, BackendError, RunAbortedError, NetSkillError) as exc:
            raise fail(_escape(str(exc))) from None
        except KeyboardInterrupt:
            stderr.print("interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(EXIT_FAILURE) from None

    return wrapper


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
