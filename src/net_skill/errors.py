"""Errors, grouped by who must act.

NetSkillError
├── SkillParseError        the skill author: file and line of the problem
├── InputError             the user: empty, oversized or otherwise unusable input
│   ├── BudgetExceededError    the run used up the token budget the user set
│   └── CostLimitError         the next call would pass the spending cap the user set
├── ConfigurationError     the operator: missing key, missing optional extra, bad option
│   └── BackendAuthError       the provider rejected the credentials (also a BackendError)
├── BackendError           the operator / provider: transport failures after retries
│   ├── BackendTimeoutError    the overall per-call deadline ran out
│   ├── MalformedResponseError a success status with no usable body (HTML, bad JSON, empty)
│   └── NoAnswerError          the model stopped without an answer (refusal, max_tokens)
├── OutputValidationError  the model: output that never validated within the re-ask budget
├── UnexpectedError        nobody planned it: another exception, kept as `cause` and named
├── AnswerPendingError     (internal) a batch evaluation's answer has not come back yet
└── RunAbortedError        a run stopped part-way; completed steps are kept in its run folder

An error raised by a run carries `spend`: the tokens (and cost) the run used before it failed,
failed attempts included, so that a batch can count what a failed case cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from net_skill.usage import Spend, Usage


class NetSkillError(Exception):
    """Base class of every error net-skill raises on purpose."""

    spend: Spend | None = None
    """What the run that raised it had spent when it failed (None: not known)."""


class SkillParseError(NetSkillError):
    """A skill file cannot be read: names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        where = self.path or "<skill>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class InputError(NetSkillError):
    """The user's input cannot be used (empty, too large, malformed)."""


class BudgetExceededError(InputError):
    """The run's tokens (every attempt, failed ones included) went past `token_budget`."""

    def __init__(self, used: int, budget: int):
        self.used = used
        self.budget = budget
        super().__init__(f"token budget exceeded: {used:,} tokens used, budget {budget:,}")


class CostLimitError(InputError):
    """No new call starts: the spend so far plus the next call's worst case would pass
    `max_cost_usd`, or a price is unknown (unless unknown prices were allowed)."""

    def __init__(self, message: str, *, spent_usd: float | None, limit_usd: float):
        self.spent_usd = spent_usd
        self.limit_usd = limit_usd
        super().__init__(message)


class ConfigurationError(NetSkillError):
    """Something the operator must set up: an API key, an optional extra, a valid option."""


class BackendError(NetSkillError):
    """A model backend failed after the transport retry policy gave up."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        attempts: int = 1,
    ):
        self.status_code = status_code
        self.request_id = request_id
        self.attempts = attempts
        super().__init__(message)


class BackendTimeoutError(BackendError):
    """The overall deadline for one call ran out (retries included)."""


class MalformedResponseError(BackendError):
    """The provider answered with a success status but no usable body: not JSON, an HTML page
    (a proxy or captive portal), JSON of the wrong shape, or nothing. Retried like a transport
    fault; raised when the retries run out."""


class BackendAuthError(ConfigurationError, BackendError):
    """The provider rejected the credentials (HTTP 401/403): the operator must fix the key."""


class NoAnswerError(BackendError):
    """The model stopped without a usable answer: a refusal, or output cut at `max_tokens`.

    Not a bad answer to re-ask about: the same request would stop the same way. The tokens the
    call consumed are in `usage` (and `cost_usd`) so budgets still count them.
    """

    def __init__(
        self,
        message: str,
        *,
        stop_reason: str | None,
        usage: Usage | None = None,
        cost_usd: float | None = None,
        partial_text: str = "",
        request_id: str | None = None,
        attempts: int = 1,
    ):
        self.stop_reason = stop_reason
        self.usage = usage if usage is not None else Usage()
        self.cost_usd = cost_usd
        self.partial_text = partial_text
        self.previous_attempts: list[AttemptRecord] = []
        """Earlier attempts of the same structured call (re-asks), whose tokens also count."""
        super().__init__(message, request_id=request_id, attempts=attempts)


@dataclass
class AttemptRecord:
    """One try at producing a step's output."""

    raw_output: str
    usage: Usage
    error: str | None = None


@dataclass
class OutputValidationError(NetSkillError):
    """The model's output never validated, even after re-asking with the errors."""

    step: str
    attempts: list[AttemptRecord] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @property
    def last_raw_output(self) -> str:
        return self.attempts[-1].raw_output if self.attempts else ""

    @property
    def total_usage(self) -> Usage:
        return Usage.total(attempt.usage for attempt in self.attempts)

    def __str__(self) -> str:
        last_error = self.attempts[-1].error if self.attempts else None
        detail = f": {last_error}" if last_error else ""
        return (
            f"step {self.step}: output failed validation after {len(self.attempts)} "
            f"attempt(s){detail}"
        )


class UnexpectedError(NetSkillError):
    """An exception nobody planned for (a bug, or a backend answer no check foresaw), named.

    Raised in place of the original `cause` wherever a run or a batch must go on or end with
    one clear message instead of a traceback.
    """

    def __init__(self, cause: BaseException, *, where: str = "") -> None:
        self.cause = cause
        detail = str(cause).strip()
        text = f"unexpected {type(cause).__name__}" + (f": {detail}" if detail else "")
        super().__init__(f"{where}: {text}" if where else text)


def as_net_skill_error(error: BaseException, *, where: str = "") -> NetSkillError:
    """`error` itself when it is a `NetSkillError`, else an `UnexpectedError` naming it."""
    if isinstance(error, NetSkillError):
        return error
    return UnexpectedError(error, where=where)


class AnswerPendingError(NetSkillError):
    """A call of a batch evaluation whose answer is not in yet: the case waits for the next
    round of batches (`net_skill.eval.batch`). Never reaches a user."""

    def __init__(self, custom_id: str) -> None:
        self.custom_id = custom_id
        super().__init__(f"answer {custom_id} is pending in a message batch")


class RunAbortedError(NetSkillError):
    """A run stopped before finishing; what was computed is kept in `run_dir`."""

    def __init__(
        self, message: str, *, run_dir: Path | None = None, cause: BaseException | None = None
    ):
        self.run_dir = run_dir
        self.cause = cause
        suffix = (
            f" (completed steps kept in {run_dir}; `net-skill resume {run_dir}`)" if run_dir else ""
        )
        super().__init__(message + suffix)
