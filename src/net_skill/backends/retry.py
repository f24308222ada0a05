"""The one transport retry policy of the Anthropic backend.

The SDK client is built with `max_retries=0`; this module is the only place that retries an API
call. Its rules mirror the anthropic SDK's own (`_base_client.py`), with two changes that keep a
run's wall time bounded:

* retry HTTP 408, 409, 429 and every 5xx (529 "overloaded" included), connection errors and
  timeouts; an `x-should-retry: true|false` response header overrides the status code;
* wait what `retry-after-ms` / `retry-after` (seconds or an HTTP date) asks, but at most
  `max_retry_wait` seconds (the SDK has no cap); otherwise back off exponentially from 0.5 s,
  doubling up to 8 s, less up to 25 % jitter;
* stop after `max_attempts`, or as soon as the next wait would pass the overall per-call
  deadline (`timeout`, retries included): then `BackendTimeoutError`.

Everything is a pure function or a small dataclass so that tests can check each rule, and the
sleep function and clock are injectable so that tests never wait.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import anthropic
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from net_skill._redact import redact
from net_skill.errors import BackendAuthError, BackendError, BackendTimeoutError

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_RETRY_WAIT",
    "DEFAULT_TIMEOUT",
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_DELAY",
    "RETRYABLE_STATUS_CODES",
    "RetryPolicy",
    "backoff_delay",
    "is_retryable",
    "parse_retry_after",
    "redact",
    "retry_delay",
    "should_retry_response",
    "to_backend_error",
]

T = TypeVar("T")
SleepFunction = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
StopReason = Literal["attempts", "deadline"]

INITIAL_RETRY_DELAY = 0.5
"""Seconds before the first retry when the server gives no `retry-after` (as the SDK)."""
MAX_RETRY_DELAY = 8.0
"""Largest exponential backoff step (as the SDK)."""
MAX_JITTER = 0.25
"""Backoff waits are shortened by a random fraction of up to this much (as the SDK)."""
DEFAULT_MAX_RETRY_WAIT = 60.0
"""Cap on a server-requested `retry-after` wait (the SDK does not cap it)."""
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_TIMEOUT = 120.0
"""Overall deadline for one call, retries and waits included, in seconds."""
RETRYABLE_STATUS_CODES = frozenset({408, 409, 429})
"""Retried besides every status of 500 and above."""

_STATUS_LABELS = {
    408: "request timeout",
    409: "conflict",
    429: "rate limited",
    500: "internal server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
    529: "overloaded",
}


def should_retry_response(status_code: int, headers: Mapping[str, str]) -> bool:
    """Whether an error response is worth another attempt (the SDK's `_should_retry`)."""
    override = headers.get("x-should-retry")
    if override == "true":
        return True
    if override == "false":
        return False
    return status_code in RETRYABLE_STATUS_CODES or status_code >= 500


def is_retryable(error: BaseException) -> bool:
    """Whether an exception raised by one attempt should be retried."""
    if isinstance(error, anthropic.APIStatusError):
        return should_retry_response(error.status_code, error.response.headers)
    # APITimeoutError is an APIConnectionError; TimeoutError is our own per-attempt deadline.
    return isinstance(error, anthropic.APIConnectionError | TimeoutError)


def parse_retry_after(
    headers: Mapping[str, str], *, now: Callable[[], float] = time.time
) -> float | None:
    """Seconds the server asks us to wait, from `retry-after-ms` or `retry-after`; else None.

    `retry-after` may be a number of seconds or an HTTP date. Unparseable values give None.
    """
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return float(email.utils.mktime_tz(parsed) - now())


def backoff_delay(attempt_number: int, *, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff after failed attempt `attempt_number` (1-based), with jitter.

    0.5 s, 1 s, 2 s, 4 s, then 8 s at most, each shortened by up to 25 %.
    """
    base = min(INITIAL_RETRY_DELAY * 2.0 ** min(attempt_number - 1, 32), MAX_RETRY_DELAY)
    return base * (1 - MAX_JITTER * rng())


def retry_delay(
    error: BaseException | None,
    attempt_number: int,
    *,
    max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before the next attempt: the server's `retry-after` (capped) or backoff."""
    if isinstance(error, anthropic.APIStatusError):
        requested = parse_retry_after(error.response.headers)
        if requested is not None and requested > 0:
            return min(requested, max_retry_wait)
    return backoff_delay(attempt_number, rng=rng)


@dataclass
class RetryPolicy:
    """Runs one API call under the retry rules above; raises `BackendError`s when it gives up.

    `sleep` and `clock` are the seams for tests: pass a fake pair and no test waits.
    """

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    timeout: float = DEFAULT_TIMEOUT
    max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT
    sleep: SleepFunction = field(default=asyncio.sleep, repr=False)
    clock: Clock = field(default=time.monotonic, repr=False)
    rng: Callable[[], float] = field(default=random.random, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """Extra strings (the API key) to redact from error messages."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if self.max_retry_wait < 0:
            raise ValueError("max_retry_wait must not be negative")

    async def run(self, attempt: Callable[[float], Awaitable[T]]) -> tuple[T, int]:
        """Call `attempt(remaining_seconds)` until it succeeds or the policy gives up.

        Returns the result and the number of attempts made. Each attempt is cancelled when the
        overall deadline passes.
        """
        deadline = self.clock() + self.timeout
        stopped_by: list[StopReason] = []

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= self.max_attempts:
                stopped_by.append("attempts")
                return True
            if self.clock() + (state.upcoming_sleep or 0.0) >= deadline:
                stopped_by.append("deadline")
                return True
            return False

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome is not None else None
            return retry_delay(
                error, state.attempt_number, max_retry_wait=self.max_retry_wait, rng=self.rng
            )

        retrying = AsyncRetrying(
            stop=stop,
            wait=wait,
            retry=retry_if_exception(is_retryable),
            sleep=self.sleep,
            reraise=True,
        )
        attempts = 0
        try:
            async for try_ in retrying:
                with try_:
                    attempts = try_.retry_state.attempt_number
                    remaining = deadline - self.clock()
                    if remaining <= 0:
                        raise TimeoutError
                    async with asyncio.timeout(remaining):
                        result = await attempt(remaining)
        except (anthropic.APIError, TimeoutError) as error:
            raise to_backend_error(
                error,
                attempts=attempts,
                stopped_by=stopped_by[-1] if stopped_by else None,
                timeout=self.timeout,
                secrets=self.secrets,
            ) from None
        return result, attempts


def to_backend_error(
    error: BaseException,
    *,
    attempts: int,
    stopped_by: StopReason | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    secrets: tuple[str, ...] = (),
) -> BackendError:
    """The net-skill error for the last failure of a call, with a message saying what happened.

    For example `Anthropic API overloaded (529 overloaded_error, request req_1) after 5
    attempts: Overloaded`. Messages are redacted: no API key ever appears in them.
    """
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    deadline_note = f"the {timeout:g} s deadline for the call"
    if isinstance(error, anthropic.APIStatusError):
        return _status_error(error, tries, attempts, stopped_by, deadline_note, secrets)
    if isinstance(error, anthropic.APITimeoutError | TimeoutError):
        message = f"Anthropic API request timed out after {tries}"
        if stopped_by == "deadline" or isinstance(error, TimeoutError):
            message += f" ({deadline_note} ran out)"
        return BackendTimeoutError(redact(message, secrets), attempts=attempts)
    if isinstance(error, anthropic.APIConnectionError):
        cause = error.__cause__
        detail = f": {type(cause).__name__}: {cause}" if cause is not None else ""
        message = f"could not connect to the Anthropic API after {tries}{detail}"
        if stopped_by == "deadline":
            return BackendTimeoutError(
                redact(f"{message} ({deadline_note} ran out)", secrets), attempts=attempts
            )
        return BackendError(redact(message, secrets), attempts=attempts)
    return BackendError(
        redact(f"Anthropic API call failed after {tries}: {error}", secrets), attempts=attempts
    )


def _status_error(
    error: anthropic.APIStatusError,
    tries: str,
    attempts: int,
    stopped_by: StopReason | None,
    deadline_note: str,
    secrets: tuple[str, ...],
) -> BackendError:
    status = error.status_code
    head = f"Anthropic API {_status_head(error)}"
    tail = f": {error.api_message}" if error.api_message else ""
    error_class: type[BackendError] = BackendError
    if status in (401, 403):
        error_class = BackendAuthError
        message = (
            f"{head}: the API key was not accepted; check ANTHROPIC_API_KEY "
            f"(or the api_key passed to AnthropicBackend){tail}"
        )
    elif stopped_by == "deadline":
        error_class = BackendTimeoutError
        message = f"{head}; gave up after {tries}: the next retry would pass {deadline_note}{tail}"
    elif should_retry_response(status, error.response.headers):
        message = f"{head} after {tries}{tail}"
    else:
        message = f"{head}, not retried{tail}"
    return error_class(
        redact(message, secrets),
        status_code=status,
        request_id=error.request_id,
        attempts=attempts,
    )


def _status_head(error: anthropic.APIStatusError) -> str:
    """For example `overloaded (529 overloaded_error, request req_1)`."""
    status = error.status_code
    if status == 400:
        label = "rejected the request"
    elif status == 401:
        label = "authentication failed"
    elif status == 403:
        label = "permission denied"
    else:
        label = _STATUS_LABELS.get(status) or ("server error" if status >= 500 else "error")
    detail = f"{status} {error.type}" if error.type else str(status)
    if error.request_id:
        detail += f", request {error.request_id}"
    return f"{label} ({detail})"
