"""AnthropicBackend through the real anthropic SDK, with a scripted HTTP transport underneath."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from typing import Any

import anthropic
import httpx2
import pytest
from pydantic import BaseModel, Field

from net_skill._redact import REDACTED, redact, redact_data
from net_skill.backends.anthropic import DEFAULT_MODEL, AnthropicBackend, structured_schema
from net_skill.backends.base import CompletionRequest, Message, Usage
from net_skill.backends.pricing import estimate_cost, price_for
from net_skill.backends.retry import (
    backoff_delay,
    is_retryable,
    parse_retry_after,
    retry_delay,
    should_retry_response,
)
from net_skill.errors import (
    BackendAuthError,
    BackendError,
    BackendTimeoutError,
    ConfigurationError,
    MalformedResponseError,
    NoAnswerError,
)
from tests.fake_anthropic import (
    FAKE_API_KEY,
    Delay,
    ScriptedTransport,
    Step,
    error_response,
    message_response,
    tool_use_response,
    usage,
)


class Contact(BaseModel):
    name: str = Field(max_length=80, description="Full name")
    reasons: list[str] = Field(min_length=2, max_length=5)


class Plan(BaseModel):
    contacts: list[Contact] = Field(min_length=3)
    priority: int = Field(ge=1, le=5)


ANSWER = json.dumps(
    {"contacts": [{"name": "Ada", "reasons": ["a", "b"]}] * 3, "priority": 2}, sort_keys=True
)


def make_request(**overrides: Any) -> CompletionRequest:
    values: dict[str, Any] = {
        "system": "You follow the networking skill. " * 50,
        "messages": (Message("user", "Step 4: pick contacts."),),
        "schema": Plan.model_json_schema(),
        "schema_name": "Plan",
        "max_tokens": 1024,
    }
    values.update(overrides)
    return CompletionRequest(**values)


class FakeTime:
    """A clock and a sleep that advance together without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_backend(
    steps: list[Step], fake_time: FakeTime | None = None, **kwargs: Any
) -> tuple[AnthropicBackend, ScriptedTransport]:
    transport = ScriptedTransport(steps)
    fake_time = fake_time or FakeTime()
    kwargs.setdefault("sleep", fake_time.sleep)
    kwargs.setdefault("clock", fake_time.clock)
    backend = AnthropicBackend(api_key=FAKE_API_KEY, http_client=transport.client(), **kwargs)
    return backend, transport


# -- success ---------------------------------------------------------------------------------


async def test_structured_success_returns_json_text_usage_and_cost() -> None:
    api_usage = usage(
        input_tokens=40,
        output_tokens=60,
        cache_read_input_tokens=900,
        cache_creation_input_tokens=0,
    )
    backend, transport = make_backend([message_response(ANSWER, usage=api_usage)])
    completion = await backend.complete(make_request())

    assert completion.text == ANSWER
    assert Plan.model_validate_json(completion.text).priority == 2
    assert completion.usage == Usage(40, 60, 900, 0)
    assert completion.stop_reason == "end_turn"
    assert completion.model == DEFAULT_MODEL
    assert completion.extra["attempts"] == 1
    expected = (40 * 3.0 + 60 * 15.0 + 900 * 0.3) / 1_000_000
    assert completion.cost_usd == pytest.approx(expected)
    assert backend.estimate_cost(completion.usage) == pytest.approx(expected)
    assert len(transport.requests) == 1


async def test_request_body_has_cached_system_block_schema_and_no_sampling() -> None:
    backend, transport = make_backend([message_response(ANSWER)])
    request = make_request()
    await backend.complete(request)
    body = transport.bodies[0]

    assert body["model"] == DEFAULT_MODEL
    assert body["max_tokens"] == 1024
    assert body["system"] == [
        {"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}
    ]
    assert body["messages"] == [{"role": "user", "content": "Step 4: pick contacts."}]
    assert body["thinking"] == {"type": "disabled"}
    assert "temperature" not in body
    sent = body["output_config"]["format"]
    assert sent["type"] == "json_schema"
    assert sent["schema"] == structured_schema(request.schema)
    contact = sent["schema"]["$defs"]["Contact"]
    # Unsupported constraints move into descriptions; Pydantic still enforces them client-side.
    assert "maxLength" not in contact["properties"]["name"]
    assert "maxLength: 80" in contact["properties"]["name"]["description"]
    assert "minimum" not in sent["schema"]["properties"]["priority"]
    assert contact["additionalProperties"] is False
    assert request.schema["$defs"]["Contact"]["properties"]["name"]["maxLength"] == 80
    assert transport.requests[0].headers["x-stainless-retry-count"] == "0"


async def test_tool_mode_sends_forced_tool_and_returns_its_input_as_json() -> None:
    answer = json.loads(ANSWER)
    backend, transport = make_backend(
        [tool_use_response("Plan", answer, text="Here it is.")], structured_output="tool"
    )
    completion = await backend.complete(make_request())
    assert json.loads(completion.text) == answer
    assert completion.stop_reason == "tool_use"
    body = transport.bodies[0]
    assert body["tool_choice"] == {"type": "tool", "name": "Plan"}
    assert body["tools"][0]["input_schema"] == structured_schema(Plan.model_json_schema())
    assert body["tools"][0]["strict"] is True
    assert "output_config" not in body


def test_tool_mode_with_thinking_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="thinking"):
        AnthropicBackend(api_key=FAKE_API_KEY, structured_output="tool", thinking="adaptive")


# -- retries -----------------------------------------------------------------------------------


async def test_sdk_does_not_retry_on_its_own() -> None:
    transport = ScriptedTransport([error_response(500, "api_error", "boom")] * 3)
    client = anthropic.AsyncAnthropic(
        api_key=FAKE_API_KEY, max_retries=4, http_client=transport.client()
    )
    fake = FakeTime()
    backend = AnthropicBackend(client=client, max_attempts=1, sleep=fake.sleep, clock=fake.clock)
    with pytest.raises(BackendError) as caught:
        await backend.complete(make_request())
    assert len(transport.requests) == 1
    assert caught.value.attempts == 1


async def test_429_retry_after_is_honoured() -> None:
    fake = FakeTime()
    backend, transport = make_backend(
        [
            error_response(429, "rate_limit_error", "slow down", headers={"retry-after": "2"}),
            message_response(ANSWER),
        ],
        fake,
    )
    completion = await backend.complete(make_request())
    assert completion.text == ANSWER
    assert fake.sleeps == [2.0]
    assert completion.extra["attempts"] == 2
    assert len(transport.requests) == 2


@pytest.mark.parametrize(
    ("headers", "expected_wait"),
    [({"retry-after": "600"}, 5.0), ({"retry-after-ms": "1500"}, 1.5)],
)
async def test_retry_after_is_capped_and_ms_preferred(
    headers: dict[str, str], expected_wait: float
) -> None:
    fake = FakeTime()
    backend, _ = make_backend(
        [
            error_response(429, "rate_limit_error", "slow", headers=headers),
            message_response(ANSWER),
        ],
        fake,
        max_retry_wait=5.0,
        timeout=1000.0,
    )
    await backend.complete(make_request())
    assert fake.sleeps == [expected_wait]


@pytest.mark.parametrize(("status", "kind"), [(529, "overloaded_error"), (500, "api_error")])
async def test_server_error_then_success(status: int, kind: str) -> None:
    fake = FakeTime()
    backend, transport = make_backend(
        [error_response(status, kind, "try later"), message_response(ANSWER)], fake
    )
    completion = await backend.complete(make_request())
    assert completion.text == ANSWER
    assert len(transport.requests) == 2
    assert len(fake.sleeps) == 1 and 0.375 <= fake.sleeps[0] <= 0.5


async def test_repeated_500_gives_backend_error_with_attempts() -> None:
    fake = FakeTime()
    steps: list[Step] = [
        error_response(500, "api_error", "Internal server error", request_id=f"req_{i}")
        for i in range(5)
    ]
    backend, transport = make_backend(steps, fake)
    with pytest.raises(BackendError) as caught:
        await backend.complete(make_request())
    error = caught.value
    assert type(error) is BackendError
    assert (error.status_code, error.request_id, error.attempts) == (500, "req_4", 5)
    assert "after 5 attempts" in str(error) and "Internal server error" in str(error)
    assert len(transport.requests) == 5
    assert len(fake.sleeps) == 4
    for attempt, wait in enumerate(fake.sleeps, start=1):
        base = min(0.5 * 2 ** (attempt - 1), 8.0)
        assert 0.75 * base <= wait <= base


async def test_repeated_529_message_says_overloaded() -> None:
    backend, _ = make_backend(
        [error_response(529, "overloaded_error", "Overloaded")] * 3, max_attempts=3
    )
    with pytest.raises(BackendError, match=r"overloaded \(529 overloaded_error.*after 3 attempts"):
        await backend.complete(make_request())


async def test_transport_timeouts_are_retried_then_backend_timeout_error() -> None:
    steps: list[Step] = [httpx2.ReadTimeout("read timed out") for _ in range(3)]
    backend, transport = make_backend(steps, max_attempts=3)
    with pytest.raises(BackendTimeoutError) as caught:
        await backend.complete(make_request())
    assert caught.value.attempts == 3
    assert "timed out after 3 attempts" in str(caught.value)
    assert len(transport.requests) == 3


async def test_transport_timeout_then_success() -> None:
    backend, transport = make_backend([httpx2.ReadTimeout("slow"), message_response(ANSWER)])
    completion = await backend.complete(make_request())
    assert completion.text == ANSWER and len(transport.requests) == 2


async def test_slow_response_is_cut_at_the_overall_deadline() -> None:
    transport = ScriptedTransport([Delay(30.0, message_response(ANSWER))])
    backend = AnthropicBackend(api_key=FAKE_API_KEY, http_client=transport.client(), timeout=0.3)
    started = time.monotonic()
    with pytest.raises(BackendTimeoutError, match=r"0.3 s deadline"):
        await backend.complete(make_request())
    assert time.monotonic() - started < 5.0
    assert len(transport.requests) == 1


async def test_retry_that_would_pass_the_deadline_is_not_attempted() -> None:
    fake = FakeTime()
    backend, transport = make_backend(
        [error_response(429, "rate_limit_error", "wait", headers={"retry-after": "30"})],
        fake,
        timeout=10.0,
    )
    with pytest.raises(BackendTimeoutError, match="next retry would pass the 10 s deadline"):
        await backend.complete(make_request())
    assert fake.sleeps == [] and len(transport.requests) == 1


async def test_connection_errors_are_retried() -> None:
    steps: list[Step] = [httpx2.ConnectError("connection refused")] * 2
    backend, transport = make_backend(steps, max_attempts=2)
    with pytest.raises(BackendError, match="could not connect to the Anthropic API after 2"):
        await backend.complete(make_request())
    assert len(transport.requests) == 2


async def test_x_should_retry_header_overrides_status() -> None:
    no_retry = error_response(529, "overloaded_error", "busy", headers={"x-should-retry": "false"})
    backend, transport = make_backend([no_retry])
    with pytest.raises(BackendError, match="not retried"):
        await backend.complete(make_request())
    assert len(transport.requests) == 1

    retry = error_response(400, "invalid_request_error", "odd", headers={"x-should-retry": "true"})
    backend, transport = make_backend([retry, message_response(ANSWER)])
    assert (await backend.complete(make_request())).text == ANSWER
    assert len(transport.requests) == 2


async def test_400_is_not_retried() -> None:
    backend, transport = make_backend(
        [error_response(400, "invalid_request_error", "max_tokens: too large", request_id="r1")]
    )
    with pytest.raises(BackendError) as caught:
        await backend.complete(make_request())
    assert (caught.value.status_code, caught.value.request_id) == (400, "r1")
    assert "rejected the request (400 invalid_request_error" in str(caught.value)
    assert "max_tokens: too large" in str(caught.value)
    assert len(transport.requests) == 1


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_failures_say_check_the_key_and_are_not_retried(status: int) -> None:
    kind = "authentication_error" if status == 401 else "permission_error"
    backend, transport = make_backend([error_response(status, kind, "invalid x-api-key")])
    with pytest.raises(BackendAuthError) as caught:
        await backend.complete(make_request())
    assert isinstance(caught.value, ConfigurationError)
    assert isinstance(caught.value, BackendError)
    assert "check ANTHROPIC_API_KEY" in str(caught.value)
    assert caught.value.status_code == status
    assert len(transport.requests) == 1


# -- stop reasons -------------------------------------------------------------------------------


async def test_max_tokens_stop_is_no_answer_with_usage() -> None:
    truncated = ANSWER[:30]
    backend, _ = make_backend(
        [message_response(truncated, stop_reason="max_tokens", usage=usage(50, 1024))]
    )
    with pytest.raises(NoAnswerError, match="max_tokens=1024") as caught:
        await backend.complete(make_request())
    error = caught.value
    assert error.stop_reason == "max_tokens"
    assert error.partial_text == truncated
    assert error.usage == Usage(50, 1024)
    assert error.cost_usd == pytest.approx((50 * 3.0 + 1024 * 15.0) / 1_000_000)


async def test_refusal_is_no_answer() -> None:
    details = {"type": "refusal", "category": "cyber", "explanation": "Not this one."}
    backend, _ = make_backend([message_response("", stop_reason="refusal", stop_details=details)])
    with pytest.raises(NoAnswerError, match=r"declined to answer.*category cyber.*Not this one"):
        await backend.complete(make_request())


# -- the API key ----------------------------------------------------------------------------------


def test_missing_key_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY is not set"):
        AnthropicBackend()


async def test_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_API_KEY)
    transport = ScriptedTransport([message_response(ANSWER)])
    backend = AnthropicBackend(http_client=transport.client())
    await backend.complete(make_request())
    headers = transport.requests[0].headers
    # anthropic 2.14 sends the key as a bearer token; earlier 2.x as x-api-key.
    assert f"Bearer {FAKE_API_KEY}" == headers.get("authorization") or (
        headers.get("x-api-key") == FAKE_API_KEY
    )


@pytest.mark.parametrize(
    "step",
    [
        error_response(400, "invalid_request_error", f"bad key {FAKE_API_KEY}"),
        error_response(401, "authentication_error", f"invalid x-api-key {FAKE_API_KEY}"),
        error_response(529, "overloaded_error", f"overloaded for {FAKE_API_KEY}"),
        httpx2.ConnectError(f"proxy said {FAKE_API_KEY}"),
    ],
)
async def test_key_never_appears_in_errors_or_reprs(step: Step) -> None:
    backend, _ = make_backend([step] * 2, max_attempts=2)
    with pytest.raises(BackendError) as caught:
        await backend.complete(make_request())
    for text in (str(caught.value), repr(caught.value), repr(backend), str(backend.describe())):
        assert FAKE_API_KEY not in text
        assert "sk-ant-" not in text
    assert REDACTED in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_redact_helpers() -> None:
    text = "key=sk-ant-api03-abcDEF_123-xyz and again sk-ant-admin01-QQQQ"
    assert redact(text) == f"key={REDACTED} and again {REDACTED}"
    assert redact("token hunter2-secret!", secrets=["hunter2-secret"]) == f"token {REDACTED}!"
    assert redact("short abc", secrets=["abc"]) == "short abc"
    data = {"headers": {"x-api-key": FAKE_API_KEY}, "items": [FAKE_API_KEY, 3], "t": ("ok",)}
    assert redact_data(data) == {
        "headers": {"x-api-key": REDACTED},
        "items": [REDACTED, 3],
        "t": ("ok",),
    }


# -- concurrency ----------------------------------------------------------------------------------


async def test_max_concurrency_limits_calls_in_flight() -> None:
    in_flight = 0
    peak = 0

    async def slow_answer(request: httpx2.Request) -> Step:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        return message_response(ANSWER)

    transport = ScriptedTransport()
    backend = AnthropicBackend(
        api_key=FAKE_API_KEY, http_client=transport.client(), max_concurrency=2
    )
    transport.add(*[slow_answer] * 6)
    results = await asyncio.gather(*(backend.complete(make_request()) for _ in range(6)))
    assert [r.text for r in results] == [ANSWER] * 6
    assert peak == 2


# -- pure policy functions and prices -------------------------------------------------------


def test_should_retry_response_table() -> None:
    for status in (408, 409, 429, 500, 502, 503, 529):
        assert should_retry_response(status, {})
    for status in (400, 401, 403, 404, 413, 422):
        assert not should_retry_response(status, {})
    assert not should_retry_response(500, {"x-should-retry": "false"})
    assert should_retry_response(400, {"x-should-retry": "true"})
    assert is_retryable(TimeoutError())
    assert not is_retryable(ValueError())


def test_parse_retry_after() -> None:
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after": "1.5", "retry-after-ms": "x"}) == 1.5
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=lambda: 1_000_000) == 30.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_and_retry_delay() -> None:
    assert [backoff_delay(n, rng=lambda: 0.0) for n in range(1, 7)] == [0.5, 1, 2, 4, 8, 8]
    assert backoff_delay(1, rng=lambda: 1.0) == 0.375
    assert retry_delay(None, 3, rng=lambda: 0.0) == 2.0
    assert retry_delay(TimeoutError(), 1, rng=lambda: 0.0) == 0.5


def test_prices() -> None:
    assert price_for("claude-haiku-4-5-20251001") == price_for("claude-haiku-4-5")
    sonnet = price_for(DEFAULT_MODEL)
    assert sonnet is not None
    assert sonnet.cache_read == pytest.approx(0.1 * sonnet.input)
    assert sonnet.cache_write == pytest.approx(1.25 * sonnet.input)
    assert estimate_cost("claude-unknown-9", Usage(10, 10)) is None
    assert estimate_cost("claude-opus-4-1", Usage(1_000_000, 0)) == pytest.approx(15.0)


# -- malformed success answers (HTML from a proxy, bad JSON, the wrong shape, nothing) ---------


@pytest.mark.parametrize(
    ("body", "content_type", "cause"),
    [
        (b"<html><title>Proxy error</title></html>", "text/html", "an HTML page instead of JSON"),
        (b'{"id": "msg_1", "content": [', "application/json", "not valid JSON"),
        (b'{"type": "message"}', "application/json", "JSON of the wrong shape (id: Field"),
        (b"", "application/json", "an empty body"),
    ],
)
async def test_malformed_answers_are_retried_then_a_backend_error(
    body: bytes, content_type: str, cause: str
) -> None:
    bad = httpx2.Response(200, headers={"content-type": content_type}, content=body)
    backend, _ = make_backend([bad, message_response(ANSWER)])
    assert (await backend.complete(make_request())).extra["attempts"] == 2

    backend, transport = make_backend([bad] * 5)
    with pytest.raises(MalformedResponseError) as caught:
        await backend.complete(make_request())
    assert len(transport.requests) == 5
    assert str(caught.value).startswith("Anthropic API sent a malformed answer after 5 attempts")
    assert cause in str(caught.value)
