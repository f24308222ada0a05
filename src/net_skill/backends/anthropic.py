"""AnthropicBackend: Claude through the official SDK (anthropic 2.x, built on httpx2).

* Structured output: the request's JSON schema goes out as `output_config.format` (JSON
  outputs, the default) or as the input schema of one forced strict tool. Either way the schema
  is first passed through the SDK's `transform_schema`, which moves what structured outputs do
  not support (lengths, bounds, patterns, most `minItems`) into descriptions; the caller's
  Pydantic validation still enforces them. The answer comes back as raw JSON text.
* Prompt caching: `CompletionRequest.system`, the prefix shared by every step of a run, is sent
  as one system block marked `cache_control: {"type": "ephemeral"}` (5-minute cache).
* Retries: the SDK client is built with `max_retries=0`; `retry.RetryPolicy` is the only owner.
  The body of every success answer is checked first (`_wire.read_json_body`): an HTML page,
  invalid JSON, the wrong shape or an empty body is retried and reported as
  `MalformedResponseError`, never leaked as `JSONDecodeError` or `AttributeError`.
* Stop reasons `refusal`, `max_tokens` and `model_context_window_exceeded` raise
  `NoAnswerError` (with the tokens spent) instead of returning a truncated document.
* Sampling parameters are never sent: the API rejects a non-default temperature on current
  models (Opus 4.7 and later, Sonnet 5), and SDK 2.14 no longer has the parameter.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import anthropic
import httpx2
from anthropic.types import Message as ApiMessage

from net_skill._redact import redact
from net_skill.backends._wire import BodyShape, read_json_body
from net_skill.backends.base import Backend, Completion, CompletionRequest, Usage, approx_tokens
from net_skill.backends.pricing import batch_cost, context_window_for, estimate_cost, price_for
from net_skill.backends.retry import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_WAIT,
    DEFAULT_TIMEOUT,
    ApiErrors,
    RetryPolicy,
)
from net_skill.errors import ConfigurationError, NoAnswerError

__all__ = [
    "ANTHROPIC_ERRORS",
    "API_KEY_ENV",
    "DEFAULT_MODEL",
    "NO_ANSWER_STOP_REASONS",
    "AnthropicBackend",
    "StructuredOutputMode",
    "ThinkingMode",
    "structured_schema",
]

DEFAULT_MODEL = "claude-sonnet-5"
"""The newest Sonnet with a published list price; any model id the API knows can be passed."""
API_KEY_ENV = "ANTHROPIC_API_KEY"

StructuredOutputMode = Literal["json_schema", "tool"]
ThinkingMode = Literal["disabled", "adaptive", "model_default"]

NO_ANSWER_STOP_REASONS = frozenset({"refusal", "max_tokens", "model_context_window_exceeded"})
_TOOL_NAME_INVALID = re.compile(r"[^A-Za-z0-9_-]")

ANTHROPIC_ERRORS = ApiErrors.from_sdk(
    anthropic,
    service="Anthropic API",
    key_hint=f"check {API_KEY_ENV} (or the api_key passed to AnthropicBackend)",
)


class _Block(BodyShape):
    type: str


class _UsageShape(BodyShape):
    input_tokens: int
    output_tokens: int


class _MessageShape(BodyShape):
    """The fields of a Message that this backend reads: what a usable answer must have."""

    id: str
    model: str
    content: list[_Block]
    stop_reason: str | None
    usage: _UsageShape


def structured_schema(schema: dict[str, Any], *, schema_name: str = "answer") -> dict[str, Any]:
    """`schema` in the subset of JSON Schema that Claude's structured outputs accept.

    Uses the SDK's own `transform_schema`: unsupported keywords become part of descriptions,
    every object gets `additionalProperties: false`. The input is not modified.
    """
    try:
        return anthropic.transform_schema(schema)
    except ValueError as error:
        raise ConfigurationError(
            f"schema {schema_name!r} cannot be sent as a Claude structured output: {error}"
        ) from None


class AnthropicBackend(Backend):
    """Claude as a net-skill backend.

    model: a Claude model id (default `DEFAULT_MODEL`).
    api_key: defaults to the `ANTHROPIC_API_KEY` environment variable; never logged or shown.
    client: a ready `AsyncAnthropic` (its own retries are switched off); else one is built.
    base_url: the API's address for the built client (default: the SDK's, or
        `ANTHROPIC_BASE_URL`).
    http_client: an `httpx2.AsyncClient` for the built client (tests pass a mock transport).
    timeout: overall deadline of one `complete` call in seconds, retries and waits included.
    max_attempts, max_retry_wait: the retry policy (see `net_skill.backends.retry`).
    max_concurrency: most calls in flight at once through this backend (None: no limit).
    structured_output: "json_schema" (`output_config.format`) or "tool" (one forced tool).
    thinking: "disabled" (default: every output token goes to the answer), "adaptive", or
        "model_default" to send nothing. Sonnet 5 thinks adaptively unless told not to, and
        thinking tokens count against `max_tokens`.
    sleep, clock: test seams for the retry policy.
    """

    name = "anthropic"
    is_remote = True

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        api_key: str | None = None,
        client: anthropic.AsyncAnthropic | None = None,
        http_client: httpx2.AsyncClient | None = None,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        max_concurrency: int | None = 8,
        structured_output: StructuredOutputMode = "json_schema",
        thinking: ThinkingMode = "disabled",
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if structured_output not in ("json_schema", "tool"):
            raise ConfigurationError(
                f"structured_output must be 'json_schema' or 'tool', not {structured_output!r}"
            )
        if structured_output == "tool" and thinking != "disabled":
            raise ConfigurationError(
                "structured_output='tool' forces a tool call, which the API rejects while "
                "thinking is on: use thinking='disabled' or structured_output='json_schema'"
            )
        if max_concurrency is not None and max_concurrency < 1:
            raise ConfigurationError("max_concurrency must be at least 1 (or None for no limit)")
        self.model = model
        self.max_concurrency = max_concurrency
        self.context_window = context_window_for(model)
        self.structured_output: StructuredOutputMode = structured_output
        self.thinking: ThinkingMode = thinking
        self._owns_client = client is None
        self._client = self._build_client(api_key, client, http_client, base_url)
        secret = self._client.api_key
        self._secrets: tuple[str, ...] = (secret,) if secret else ()
        self._clock = clock or time.monotonic
        self._policy = RetryPolicy.for_backend(
            "AnthropicBackend",
            ANTHROPIC_ERRORS,
            max_attempts=max_attempts,
            timeout=timeout,
            max_retry_wait=max_retry_wait,
            sleep=sleep or asyncio.sleep,
            clock=self._clock,
            secrets=self._secrets,
        )
        self._semaphore = asyncio.Semaphore(max_concurrency) if max_concurrency else None

    @staticmethod
    def _build_client(
        api_key: str | None,
        client: anthropic.AsyncAnthropic | None,
        http_client: httpx2.AsyncClient | None,
        base_url: str | None,
    ) -> anthropic.AsyncAnthropic:
        if client is not None:
            if http_client is not None or base_url is not None:
                raise ConfigurationError("pass either client or http_client/base_url, not both")
            return client.with_options(max_retries=0)
        key = (api_key if api_key is not None else os.environ.get(API_KEY_ENV, "")).strip()
        if not key:
            raise ConfigurationError(
                f"{API_KEY_ENV} is not set: export your Anthropic API key as {API_KEY_ENV} "
                "(or pass api_key=...), or use the local or fake backend"
            )
        return anthropic.AsyncAnthropic(
            api_key=key, max_retries=0, http_client=http_client, base_url=base_url
        )

    def __repr__(self) -> str:
        return (
            f"AnthropicBackend(model={self.model!r}, structured_output="
            f"{self.structured_output!r}, thinking={self.thinking!r}, policy={self._policy!r})"
        )

    @property
    def client(self) -> anthropic.AsyncAnthropic:
        """The SDK client (its own retries off), for the Message Batches API."""
        return self._client

    @property
    def policy(self) -> RetryPolicy:
        """The one retry policy of this backend's transport calls."""
        return self._policy

    # -- the request -----------------------------------------------------------------------

    def request_params(self, request: CompletionRequest) -> dict[str, Any]:
        """The keyword arguments of `messages.create` for `request`: exactly what is sent."""
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        }
        if request.system:
            params["system"] = [
                {"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}
            ]
        if self.thinking != "model_default":
            params["thinking"] = {"type": self.thinking}
        schema = structured_schema(request.schema, schema_name=request.schema_name)
        if self.structured_output == "json_schema":
            params["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
        else:
            tool = _tool_name(request.schema_name)
            params["tools"] = [
                {
                    "name": tool,
                    "description": f"Record the answer: one {request.schema_name} object.",
                    "input_schema": schema,
                    "strict": True,
                }
            ]
            params["tool_choice"] = {"type": "tool", "name": tool}
        return params

    async def complete(self, request: CompletionRequest) -> Completion:
        params = self.request_params(request)
        if self._semaphore is None:
            return await self._complete(request, params)
        async with self._semaphore:
            return await self._complete(request, params)

    async def _complete(self, request: CompletionRequest, params: dict[str, Any]) -> Completion:
        started = self._clock()

        async def attempt(remaining: float) -> ApiMessage:
            raw = await self._client.messages.with_raw_response.create(**params, timeout=remaining)
            read_json_body(raw.http_response, _MessageShape, request_id=raw.request_id)
            message: ApiMessage = await raw.parse()
            return message

        message, attempts = await self._policy.run(attempt)
        latency = self._clock() - started
        return self._to_completion(message, request, latency=latency, attempts=attempts)

    def batch_completion(self, message: ApiMessage, request: CompletionRequest) -> Completion:
        """The answer a Message Batches result carries for `request`, priced at batch rates;
        raises `NoAnswerError` as `complete` does (refusal, max_tokens)."""
        return self._to_completion(message, request, latency=0.0, attempts=1, batch=True)

    # -- the answer ------------------------------------------------------------------------

    def _to_completion(
        self,
        message: ApiMessage,
        request: CompletionRequest,
        *,
        latency: float,
        attempts: int,
        batch: bool = False,
    ) -> Completion:
        api_usage = message.usage
        usage = Usage(
            input_tokens=api_usage.input_tokens,
            output_tokens=api_usage.output_tokens,
            cache_read_input_tokens=api_usage.cache_read_input_tokens or 0,
            cache_creation_input_tokens=api_usage.cache_creation_input_tokens or 0,
        )
        cost = self._cost(message.model, usage, batch=batch)
        text = self._answer_text(message)
        request_id = getattr(message, "_request_id", None)
        if message.stop_reason in NO_ANSWER_STOP_REASONS:
            raise NoAnswerError(
                redact(_no_answer_message(message, request), self._secrets),
                stop_reason=message.stop_reason,
                usage=usage,
                cost_usd=cost,
                partial_text=text,
                request_id=request_id,
                attempts=attempts,
            )
        return Completion(
            text=text,
            usage=usage,
            model=message.model,
            stop_reason=message.stop_reason,
            cost_usd=cost,
            latency_s=latency,
            extra={
                "request_id": request_id,
                "message_id": message.id,
                "attempts": attempts,
                "schema_name": request.schema_name,
                "structured_output": self.structured_output,
            },
        )

    def _answer_text(self, message: ApiMessage) -> str:
        if self.structured_output == "tool":
            for block in message.content:
                if block.type == "tool_use":
                    return json.dumps(block.input, ensure_ascii=False)
        return "".join(block.text for block in message.content if block.type == "text")

    def _cost(self, response_model: str, usage: Usage, *, batch: bool = False) -> float | None:
        price = batch_cost if batch else estimate_cost
        cost = price(self.model, usage)
        return cost if cost is not None else price(response_model, usage)

    # -- hooks -----------------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        """A local estimate (about four characters a token); no API call.

        Claude tokenizers differ by model (Sonnet 5 counts roughly a third more tokens for the
        same English text than Sonnet 4.6), so treat this as a budget hint, not a bill.
        """
        return approx_tokens(text)

    def estimate_cost(self, usage: Usage) -> float | None:
        return estimate_cost(self.model, usage)

    def describe(self) -> dict[str, Any]:
        price = price_for(self.model)
        return {
            "backend": self.name,
            "model": self.model,
            "structured_output": self.structured_output,
            "thinking": self.thinking,
            "prompt_caching": "system block, ephemeral (5 min)",
            "context_window": self.context_window,
            "max_concurrency": self.max_concurrency,
            **self._policy.settings(),
            "price_usd_per_mtok": price.as_dict() if price is not None else None,
        }

    async def aclose(self) -> None:
        """Close the HTTP connections of a client this backend built (not an injected one)."""
        if self._owns_client:
            await self._client.close()


def _tool_name(schema_name: str) -> str:
    """A valid tool name (letters, digits, `_`, `-`; at most 64) derived from the schema name."""
    name = _TOOL_NAME_INVALID.sub("_", schema_name).strip("_") or "answer"
    return name[:64]


def _no_answer_message(message: ApiMessage, request: CompletionRequest) -> str:
    reason = message.stop_reason
    if reason == "max_tokens":
        return (
            f"Claude ({message.model}) stopped at max_tokens={request.max_tokens} before "
            f"finishing the {request.schema_name} answer: raise max_tokens or ask for less"
        )
    if reason == "model_context_window_exceeded":
        return (
            f"Claude ({message.model}) ran out of context window while writing the "
            f"{request.schema_name} answer: shorten the input"
        )
    details = getattr(message, "stop_details", None)
    explanation = getattr(details, "explanation", None)
    category = getattr(details, "category", None)
    text = f"Claude ({message.model}) declined to answer (stop_reason refusal"
    text += f", category {category})" if category else ")"
    return text + (f": {explanation}" if explanation else "")
