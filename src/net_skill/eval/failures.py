"""Failed cases: what an error record says, and whether trying the case again can help.

An error record's `error` holds the stage, the error's type and message, and where known the
HTTP status, the model's stop reason and the tokens the failed attempt spent. `--retry-errors N`
tries an errored case again, up to N more passes in the same command, unless its error cannot
change on a retry (`final_reason`): a rejected request (HTTP 4xx other than 408, 409 and 429),
rejected credentials, bad input or configuration, a missing cache entry under `--rescore`, or a
refusal seen twice for the same case. A retried case's final record lists the errors of its
earlier passes in `earlier_errors`, so a report can count first-pass and final errors apart and
still add up every token spent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from net_skill._redact import redact
from net_skill.errors import BackendError, NetSkillError, NoAnswerError

__all__ = [
    "DEFAULT_RETRY_ERRORS",
    "PERMANENT_ERROR_TYPES",
    "error_info",
    "failures_of",
    "final_reason",
]

DEFAULT_RETRY_ERRORS = 2
"""Passes over the errored cases after the first one (inspect_ai's `retry_on_error` idea)."""
PERMANENT_ERROR_TYPES = frozenset(
    {
        "InputError",
        "BudgetExceededError",
        "ConfigurationError",
        "BackendAuthError",
        "SkillParseError",
        "CacheMiss",
    }
)
"""Error types that come back the same on every retry."""
RETRYABLE_CLIENT_STATUSES = frozenset({408, 409, 429})
MAX_MESSAGE_CHARS = 2000


def _chain(error: BaseException) -> Iterator[BaseException]:
    """`error`, then what caused it (`cause` attributes and `__cause__`), each once."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else current.__cause__


def error_info(stage: str, error: BaseException) -> dict[str, Any]:
    """The `error` of a result record: stage, type, message (redacted), and where known the
    HTTP status, the stop reason and what the failed attempt spent."""
    info: dict[str, Any] = {
        "stage": stage,
        "type": type(error).__name__,
        "message": redact(str(error))[:MAX_MESSAGE_CHARS],
    }
    for link in _chain(error):
        if isinstance(link, BackendError) and link.status_code is not None:
            info.setdefault("status_code", link.status_code)
        if isinstance(link, NoAnswerError) and link.stop_reason:
            info.setdefault("stop_reason", link.stop_reason)
    spend = error.spend if isinstance(error, NetSkillError) else None
    if spend is not None and spend.total_tokens:
        info["usage"] = spend.usage.to_dict()
        info["cost_usd"] = spend.cost_usd
    return info


def final_reason(error: Mapping[str, Any], earlier: Sequence[Mapping[str, Any]]) -> str | None:
    """Why trying this case again cannot help (None: a retry may succeed)."""
    kind = str(error.get("type", ""))
    if kind in PERMANENT_ERROR_TYPES:
        return kind
    status = error.get("status_code")
    if isinstance(status, int) and 400 <= status < 500 and status not in RETRYABLE_CLIENT_STATUSES:
        return f"HTTP {status}"
    if error.get("stop_reason") == "refusal" and any(
        e.get("stop_reason") == "refusal" for e in earlier
    ):
        return "refused twice"
    return None


def failures_of(record: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every error of a record: its earlier passes', then its own (for an error record)."""
    for earlier in record.get("earlier_errors") or ():
        if isinstance(earlier, Mapping):
            yield earlier
    error = record.get("error")
    if isinstance(error, Mapping):
        yield error
