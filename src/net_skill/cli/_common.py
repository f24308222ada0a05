"""Shared by the commands: error reporting, exit codes, common options, backend building."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, ParamSpec, TextIO, TypeVar

import click
import typer
from rich.console import Console
from rich.text import Text

from net_skill._redact import redact
from net_skill.backends.base import Backend
from net_skill.backends.registry import (
    BackendOptions,
    auto_notice,
    backend_names,
    create_backend,
    resolve_backend_name,
)
from net_skill.errors import (
    InputError,
    NetSkillError,
    OutputValidationError,
    SkillParseError,
    UnexpectedError,
)
from net_skill.loader import SkillWarning

P = ParamSpec("P")
R = TypeVar("R")

EXIT_USAGE = 2
"""Bad input or a bad skill file: the user or skill author must act."""
EXIT_FAILURE = 1

stderr = Console(stderr=True, highlight=False)
stdout = Console(highlight=False)

SkillOpt = Annotated[
    Path | None, typer.Option("--skill", help="A skill file or folder (default: bundled skill.md).")
]
BackendOpt = Annotated[
    str,
    typer.Option(
        "--backend",
        help="auto (Claude if ANTHROPIC_API_KEY is set, else the embedded model), "
        "local, anthropic, openai (any OpenAI-compatible server) or fake.",
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="Claude model id (anthropic), the served model name (openai) or a GGUF file "
        "path (local).",
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="The server's API root (openai; anthropic too), e.g. http://localhost:11434/v1. "
        "Default: OPENAI_BASE_URL, else OpenAI's.",
    ),
]
ApiKeyEnvOpt = Annotated[
    str | None,
    typer.Option(
        "--api-key-env",
        metavar="NAME",
        help="The environment variable holding the API key (default OPENAI_API_KEY or "
        "ANTHROPIC_API_KEY; a local server needs none).",
    ),
]
ContextWindowOpt = Annotated[
    int | None,
    typer.Option(
        "--context-window",
        min=512,
        help="The openai backend's context window in tokens (default: known for OpenAI's "
        "models, else 8192); prompts are trimmed to fit.",
    ),
]
MaxCostOpt = Annotated[
    float | None,
    typer.Option(
        "--max-cost",
        min=0.0,
        metavar="USD",
        help="Start no model call that could take the spend past this many US dollars "
        "(failed attempts and judging included); resumable. An unknown price is refused.",
    ),
]
AllowUnknownCostOpt = Annotated[
    bool,
    typer.Option(
        "--allow-unknown-cost",
        help="With --max-cost: let calls of unknown price run, counted as $0.",
    ),
]
TodayOpt = Annotated[
    str | None, typer.Option("--today", help="Date the plan starts from, YYYY-MM-DD.")
]


DEBUG_ENV = "NET_SKILL_DEBUG"
"""Set to 1 to see the traceback of an internal error instead of one line."""


def fail(message: str, *, code: int = EXIT_FAILURE) -> typer.Exit:
    stderr.print(f"[bold red]error:[/] {redact(message)}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the library's errors into one clear message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with skill_warnings_as_lines():
                return func(*args, **kwargs)
        except (InputError, SkillParseError) as exc:
            raise fail(_escape(str(exc)), code=EXIT_USAGE) from None
        except OutputValidationError as exc:
            last = exc.last_raw_output
            preview = (last[:400] + "…") if len(last) > 400 else last
            raise fail(_escape(f"{exc}\nlast output: {preview}")) from None
        except NetSkillError as exc:  # configuration, backend, aborted run, any other
            raise fail(_escape(str(exc))) from None
        except KeyboardInterrupt:
            stderr.print("interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(EXIT_FAILURE) from None
        except (typer.Exit, typer.Abort, click.exceptions.Exit, click.ClickException):
            raise  # the commands' own exits and usage errors
        except Exception as exc:  # a bug: one line, the traceback only when asked for
            if os.environ.get(DEBUG_ENV) == "1":
                raise
            raise fail(
                _escape(f"internal error: {UnexpectedError(exc)} (set {DEBUG_ENV}=1 for details)")
            ) from None

    return wrapper


@contextlib.contextmanager
def skill_warnings_as_lines() -> Iterator[None]:
    """Show each skill warning once, as one line on stderr: `warning: path:12: …`.

    Other warnings are shown as Python shows them.
    """
    seen: set[str] = set()
    show_other = warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if not isinstance(message, SkillWarning):
            show_other(message, category, filename, lineno, file, line)
            return
        text = _CONTROL_CHARS.sub("?", f"warning: {message.note.located(message.path)}")
        if text not in seen:
            seen.add(text)
            stderr.print(Text(text, style="yellow"), soft_wrap=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", SkillWarning)
        warnings.showwarning = show
        yield


_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f]")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def build_backend(
    name: str,
    model: str | None,
    *,
    base_url: str | None = None,
    api_key_env: str | None = None,
    context_window: int | None = None,
    role: str = "backend",
) -> Backend:
    """The backend the options ask for; an unknown name is a usage error."""
    if name not in backend_names():
        choices = ", ".join(backend_names())
        raise fail(f"unknown {role} {name!r}; choose one of: {choices}", code=EXIT_USAGE)
    if context_window is not None and resolve_backend_name(name) != "openai":
        raise fail("--context-window applies to the openai backend only", code=EXIT_USAGE)
    notice = auto_notice(name)
    if notice:
        stderr.print(notice, markup=False, highlight=False, soft_wrap=True)
    extra = {"context_window": context_window} if context_window is not None else {}
    options = BackendOptions(model=model, base_url=base_url, api_key_env=api_key_env, extra=extra)
    return create_backend(name, options)


def parse_today(value: str | None) -> date | None:
    """The `--today` option as a date (None: not given)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--today must be a date like 2025-03-01, not {value!r}") from None
