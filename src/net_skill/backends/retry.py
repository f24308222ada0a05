"""The one transport retry policy of the remote backends (Anthropic and OpenAI-compatible).

The SDK clients are built with `max_retries=0`; this module is the only place that retries an
API call. Its rules mirror the SDKs' own (`_base_client.py`; both SDKs come from the same
generator and share it), with two changes that keep a run's wall time bounded:

* retry HTTP 408, 409, 429 and every 5xx (529 "overloaded" included), connection errors,
  timeouts and malformed success answers (an HTML page, a body that is not JSON, the wrong
  shape, nothing: `MalformedBodyError`); an `x-should-retry: true|false` response header
  overrides the status code;
* wait what `retry-after-ms` / `retry-after` (seconds or an HTTP date) asks, but at most
  `max_retry_wait` seconds; otherwise back off exponentially from 0.5 s, doubling up to 8 s,
  less up to 25 % jitter;
* stop after `max_attempts`, or as soon as the next wait would pass the overall per-call
  deadline (`timeout`, retries included): then `BackendTimeoutError`.

Which exceptions mean what is told by an `ApiErrors` per SDK (`anthropic.ANTHROPIC_ERRORS`,
`openai.openai_errors(...)`), so this module imports no SDK. Everything is a pure function or
a small dataclass so that tests can check each rule, and the sleep function and clock are
injectable so that tests never wait.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal, Protocol, TypeVar, cast

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from net_skill._redact import redact
from net_skill.backends._wire import MalformedBodyError
from net_skill.errors import (
    BackendAuthError,
    BackendError,
    BackendTimeoutError,
    ConfigurationError,
    MalformedResponseError,
)

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_RETRY_WAIT",
    "DEFAULT_TIMEOUT",
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_DELAY",
    "RETRYABLE_STATUS_CODES",
    "ApiErrors",
    "MalformedBodyError",
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
    404: "not found",
    408: "request timeout",
    409: "conflict",
    422: "rejected the request",
    429: "rate limited",
    500: "internal server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
    529: "overloaded",
}


class _StatusError(Protocol):
    """What both SDKs' `APIStatusError` carry."""

    status_code: int
    response: Any
    request_id: str | None


def sdk_error_details(error: BaseException) -> tuple[str | None, str | None]:
    """(error type, human message) of an SDK status error, from whichever fields it has.

    Anthropic's errors carry `type` and `api_message`; OpenAI's carry the body's `error` object
    as `body` (`type`, `code`, `message`); a FastAPI validation error (llama-cpp-python's 422)
    has a `detail` list instead.
    """
    kind = getattr(error, "type", None)
    message = getattr(error, "api_message", None)
    body = getattr(error, "body", None)
    if message is None and isinstance(body, Mapping):
        message = body.get("message")
        detail = body.get("detail")
        if message is None and detail:
            message = _detail_text(detail)
        kind = kind or body.get("code")
    elif message is None and isinstance(body, str) and body.strip():
        message = body.strip()[:300]
    return (str(kind) if kind else None, str(message) if message else None)


def _detail_text(detail: object) -> str:
    if isinstance(detail, list):
        parts = []
        for item in detail[:3]:
            if isinstance(item, Mapping):
                loc = ".".join(str(p) for p in item.get("loc", []))
                parts.append(f"{loc}: {item.get('msg', '')}" if loc else str(item.get("msg", "")))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(detail)[:300]


@dataclass(frozen=True)
class ApiErrors:
    """How one SDK reports failures, and how to name its service in messages."""

    service: str
    """For example `Anthropic API` or `OpenAI-compatible server at http://127.0.0.1:8080/v1`."""
    api_error: type[Exception]
    """The base class of the SDK's API errors (caught and converted when retries stop)."""
    status_error: type[Exception]
    connection_error: type[Exception]
    """Includes the SDK's timeout error, a subclass."""
    timeout_error: type[Exception]
    key_hint: str = "check the API key"
    """What to do when the key is refused (401/403)."""
    details: Callable[[BaseException], tuple[str | None, str | None]] = sdk_error_details

    @classmethod
    def from_sdk(cls, sdk: ModuleType, *, service: str, key_hint: str) -> ApiErrors:
        """The error classes of a Stainless-generated SDK module (`anthropic`, `openai`), which
        all name them alike."""
        return cls(
            service=service,
            api_error=sdk.APIError,
            status_error=sdk.APIStatusError,
            connection_error=sdk.APIConnectionError,
            timeout_error=sdk.APITimeoutError,
            key_hint=key_hint,
        )

    def status_of(self, error: BaseException) -> _StatusError | None:
        return cast(_StatusError, error) if isinstance(error, self.status_error) else None


def should_retry_response(status_code: int, headers: Mapping[str, str]) -> bool:
    """Whether an error response is worth another attempt (the SDK's `_should_retry`)."""
    override = headers.get("x-should-retry")
    if override == "true":
        return True
    if override == "false":
        return False
    return status_code in RETRYABLE_STATUS_CODES or status_code >= 500


def is_retryable(error: BaseException, api: ApiErrors | None = None) -> bool:
    """Whether an exception raised by one attempt should be retried."""
    status = api.status_of(error) if api is not None else None
    if status is not None:
        return should_retry_response(status.status_code, status.response.headers)
    if api is not None and isinstance(error, api.connection_error):
        return True  # the SDK's timeout error is a connection error too
    # TimeoutError is our own per-attempt deadline.
    return isinstance(error, TimeoutError | MalformedBodyError)


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
    api: ApiErrors | None = None,
    max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before the next attempt: the server's `retry-after` (capped) or backoff."""
    status = api.status_of(error) if api is not None and error is not None else None
    if status is not None:
        requested = parse_retry_after(status.response.headers)
        if requested is not None and requested > 0:
            return min(requested, max_retry_wait)
    return backoff_delay(attempt_number, rng=rng)


@dataclass
class RetryPolicy:
    """Runs one API call under the retry rules above; raises `BackendError`s when it gives up.

    `api` says which SDK's exceptions mean what. `sleep` and `clock` are the seams for tests:
    pass a fake pair and no test waits.
    """

    api: ApiErrors
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    timeout: float = DEFAULT_TIMEOUT
    max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT
    sleep: SleepFunction = field(default=asyncio.sleep, repr=False)
    clock: Clock = field(default=time.monotonic, repr=False)
    rng: Callable[[], float] = field(default=random.random, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """Extra strings (the API key) to redact from error messages."""

    @classmethod
    def for_backend(cls, owner: str, api: ApiErrors, **settings: Any) -> RetryPolicy:
        """A policy for the backend named `owner`; a bad setting is a `ConfigurationError`."""
        try:
            return cls(api=api, **settings)
        except ValueError as error:
            raise ConfigurationError(f"{owner}: {error}") from None

    def settings(self) -> dict[str, float]:
        """The policy as a backend's `describe()` records it."""
        return {
            "timeout_s": self.timeout,
            "max_attempts": self.max_attempts,
            "max_retry_wait_s": self.max_retry_wait,
        }

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
                error,
                state.attempt_number,
                api=self.api,
                max_retry_wait=self.max_retry_wait,
                rng=self.rng,
            )

        retrying = AsyncRetrying(
            stop=stop,
            wait=wait,
            retry=retry_if_exception(lambda error: is_retryable(error, self.api)),
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
        except (self.api.api_error, TimeoutError, MalformedBodyError) as error:
            raise to_backend_error(
                error,
                api=self.api,
                attempts=attempts,
                stopped_by=stopped_by[-1] if stopped_by else None,
                timeout=self.timeout,
                secrets=self.secrets,
            ) from None
        return result, attempts


def to_backend_error(
    error: BaseException,
    *,
    api: ApiErrors,
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
    status = api.status_of(error)
    if status is not None:
        return _status_error(
            error, status, api, tries, attempts, stopped_by, deadline_note, secrets
        )
    if isinstance(error, MalformedBodyError):
        message = f"{api.service} sent a malformed answer after {tries}: {error.cause}"
        if stopped_by == "deadline":
            message += f" ({deadline_note} ran out)"
        return MalformedResponseError(
            redact(message, secrets),
            status_code=error.status_code,
            request_id=error.request_id,
            attempts=attempts,
        )
    if isinstance(error, api.timeout_error | TimeoutError):
        message = f"{api.service} request timed out after {tries}"
        if stopped_by == "deadline" or isinstance(error, TimeoutError):
            message += f" ({deadline_note} ran out)"
        return BackendTimeoutError(redact(message, secrets), attempts=attempts)
    if isinstance(error, api.connection_error):
        cause = error.__cause__
        detail = f": {type(cause).__name__}: {cause}" if cause is not None else ""
        message = f"could not connect to the {api.service} after {tries}{detail}"
        if stopped_by == "deadline":
            return BackendTimeoutError(
                redact(f"{message} ({deadline_note} ran out)", secrets), attempts=attempts
            )
        return BackendError(redact(message, secrets), attempts=attempts)
    return BackendError(
        redact(f"{api.service} call failed after {tries}: {error}", secrets), attempts=attempts
    )


def _status_error(
    error: BaseException,
    status: _StatusError,
    api: ApiErrors,
    tries: str,
    attempts: int,
    stopped_by: StopReason | None,
    deadline_note: str,
    secrets: tuple[str, ...],
) -> BackendError:
    code = status.status_code
    kind, api_message = api.details(error)
    head = f"{api.service} {_status_head(code, kind, status.request_id)}"
    tail = f": {api_message}" if api_message else ""
    error_class: type[BackendError] = BackendError
    if code in (401, 403):
        error_class = BackendAuthError
        message = f"{head}: the API key was not accepted; {api.key_hint}{tail}"
    elif stopped_by == "deadline":
        error_class = BackendTimeoutError
        message = f"{head}; gave up after {tries}: the next retry would pass {deadline_note}{tail}"
    elif should_retry_response(code, status.response.headers):
        message = f"{head} after {tries}{tail}"
    else:
        message = f"{head}, not retried{tail}"
    return error_class(
        redact(message, secrets),
        status_code=code,
        request_id=status.request_id,
        attempts=attempts,
    )


def _status_head(status: int, kind: str | None, request_id: str | None) -> str:
    """For example `overloaded (529 overloaded_error, request req_1)`."""
    if status == 400:
        label = "rejected the request"
    elif status == 401:
        label = "authentication failed"
    elif status == 403:
        label = "permission denied"
    else:
        label = _STATUS_LABELS.get(status) or ("server error" if status >= 500 else "error")
    detail = f"{status} {kind}" if kind else str(status)
    if request_id:
        detail += f", request {request_id}"
    return f"{label} ({detail})"
