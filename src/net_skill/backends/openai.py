"""OpenAIBackend: any OpenAI-compatible chat-completions server, through the official SDK.

Ollama, vLLM, llama.cpp's servers, LM Studio and hosted endpoints speak the same protocol but
differ in what they accept. What this backend does about it:

* Structured output, in the first mode the server accepts (`structured_output="auto"`):
  1. `json_schema`: `response_format: {"type": "json_schema", ...}` with the step's schema;
  2. `tool`: one function tool whose parameters are the schema, forced by `tool_choice`;
  3. `json_object`: JSON mode; the schema is only in the prompt, the server enforces none.
  The first call tries them in this order and moves on when the server rejects the mode: a
  400, 422 or 501, or a 500 whose message names the parameter (llama-cpp-python's server
  answers `json_schema` with a 500 wrapping its validation error), never retried; the mode that
  first works is kept for every later call, in `describe()` and in each answer's `extra`,
  with a note saying why, and whether the server enforces the schema at all. Answers are
  always validated on the client by the caller, because some servers accept a schema and
  then ignore it. A mode can also be chosen outright.
* OpenAI's own API (api.openai.com) gets its strict schema subset (`openai_api.strict_schema`),
  `max_completion_tokens` and, for reasoning models, no `temperature`; other servers get the
  whole schema, length caps included, and `max_tokens`.
* Usage: prompt, completion and cached prompt tokens (`prompt_tokens_details.cached_tokens`)
  where the server reports them; estimated (and marked so) where it reports none. Cost only
  where a price is known: OpenAI's list prices on OpenAI's host, or a `price` given by the
  caller; otherwise None, never 0.
* Retries: the SDK client is built with `max_retries=0`; `retry.RetryPolicy`, shared with the
  Anthropic backend, is the only owner (408/409/429/5xx, timeouts, connection errors,
  malformed success answers; `retry-after` capped; a deadline per call).
* Keys: `api_key`, else the variable `api_key_env`, else `OPENAI_API_KEY`. A server other
  than OpenAI's may need none: then a placeholder is sent, which such servers ignore.
* Finish reasons `length` and `content_filter`, and a `refusal`, raise `NoAnswerError` with
  the tokens spent.

Needs the optional extra: `pip install 'net-skill[openai]'`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, get_args

import httpx2
import openai
from pydantic import Field
from typing_extensions import override

from net_skill._redact import redact
from net_skill.backends import openai_api
from net_skill.backends._wire import (
    BodyShape,
    MalformedBodyError,
    escape_control_chars,
    read_json_body,
)
from net_skill.backends.base import (
    Backend,
    Completion,
    CompletionRequest,
    ModelPrice,
    Usage,
    approx_tokens,
)
from net_skill.backends.retry import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_WAIT,
    ApiErrors,
    RetryPolicy,
    to_backend_error,
)
from net_skill.errors import BackendError, ConfigurationError, NoAnswerError

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_CONTEXT_WINDOW",
    "DEFAULT_TIMEOUT",
    "FALLBACK_STATUSES",
    "MODES",
    "NO_KEY",
    "OpenAIBackend",
    "StructuredOutputMode",
    "openai_errors",
]

API_KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"
NO_KEY = "no-key-needed"
"""Sent as the bearer token to a server that needs no key (the SDK insists on one)."""
DEFAULT_CONTEXT_WINDOW = 8192
"""Assumed for models whose window is unknown; pass `context_window` for a larger one."""
DEFAULT_TIMEOUT = 600.0
"""Overall deadline of one call (the SDK's own default): local servers queue calls and are slow."""
DEFAULT_MAX_CONCURRENCY = 4

StructuredOutputMode = Literal["json_schema", "tool", "json_object"]
MODES: tuple[StructuredOutputMode, ...] = get_args(StructuredOutputMode)
"""The fallback order of `structured_output="auto"`."""
SCHEMA_ENFORCED: dict[StructuredOutputMode, bool] = {
    "json_schema": True,
    "tool": True,
    "json_object": False,
}
FALLBACK_STATUSES = frozenset({400, 422, 501})
"""A server that answers the first call so does not support its structured-output mode."""
_MODE_PARAMETERS = ("response_format", "json_schema", "json_object", "tool_choice", "tools")

_MODE_WORDS: dict[StructuredOutputMode, str] = {
    "json_schema": "response_format json_schema",
    "tool": "a forced tool call",
    "json_object": "JSON mode (response_format json_object)",
}
_NAME_INVALID = re.compile(r"[^A-Za-z0-9_-]")


def openai_errors(base_url: str, key_env: str = API_KEY_ENV) -> ApiErrors:
    """The retry policy's view of the openai SDK, naming the server in messages."""
    service = (
        "OpenAI API"
        if openai_api.is_openai_host(base_url)
        else f"OpenAI-compatible server at {base_url}"
    )
    return ApiErrors.from_sdk(
        openai, service=service, key_hint=f"check {key_env} (or --api-key-env NAME)"
    )


# -- the shape of a usable answer: only the fields read here -------------------------------


class _Function(BodyShape):
    name: str | None = None
    arguments: str | dict[str, Any] | None = None


class _ToolCall(BodyShape):
    function: _Function


class _Message(BodyShape):
    content: str | None = None
    tool_calls: list[_ToolCall] | None = None
    refusal: str | None = None


class _Choice(BodyShape):
    message: _Message
    finish_reason: str | None = None


class _PromptDetails(BodyShape):
    cached_tokens: int | None = None


class _Usage(BodyShape):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prompt_tokens_details: _PromptDetails | None = None


class _Answer(BodyShape):
    id: str | None = None
    model: str | None = None
    choices: list[_Choice] = Field(min_length=1)
    usage: _Usage | None = None


class _ModeRejectedError(Exception):
    """The server refused the structured-output mode of the call (while the mode is found)."""

    def __init__(self, error: openai.APIStatusError) -> None:
        super().__init__(str(error))
        self.error = error


def mode_rejected(error: openai.APIStatusError) -> bool:
    """Whether `error` says the server does not take the call's structured-output mode."""
    if error.status_code in FALLBACK_STATUSES:
        return True
    text = f"{error.message} {error.body}".lower()
    return error.status_code == 500 and any(word in text for word in _MODE_PARAMETERS)


@dataclass(frozen=True)
class _Reply:
    answer: _Answer
    text: str
    request_id: str | None


class OpenAIBackend(Backend):
    """An OpenAI-compatible chat-completions server as a net-skill backend.

    model: the model id the server serves (required: `llama3.2` on Ollama, the served name on
        vLLM; llama.cpp's servers accept any).
    base_url: the server's API root, with its `/v1` (default `OPENAI_BASE_URL`, else OpenAI's).
    api_key / api_key_env: the key, or the name of the variable holding it (default
        `OPENAI_API_KEY`); never logged or shown. Optional for servers other than OpenAI's.
    structured_output: "auto" (see the module notes) or one of `MODES`.
    context_window: the model's window in tokens (default: known for OpenAI's models, else
        `DEFAULT_CONTEXT_WINDOW`); prompts are trimmed to fit it.
    price: US dollars per million tokens, for a server whose price OpenAI's table does not
        give (`ModelPrice(0, 0, 0, 0)` for a free local one); None: unknown.
    client / http_client: a ready `AsyncOpenAI` (its retries are switched off), or an
        `httpx2.AsyncClient` for the one built here.
    timeout, max_attempts, max_retry_wait: the retry policy (`net_skill.backends.retry`).
    max_concurrency: most calls in flight at once (None: no limit).
    sleep, clock: test seams for the retry policy.
    """

    name = "openai"
    is_remote = True

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        api_key_env: str | None = None,
        structured_output: StructuredOutputMode | Literal["auto"] = "auto",
        context_window: int | None = None,
        price: ModelPrice | None = None,
        client: openai.AsyncOpenAI | None = None,
        http_client: httpx2.AsyncClient | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        max_concurrency: int | None = DEFAULT_MAX_CONCURRENCY,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not model or not model.strip():
            raise ConfigurationError(
                "the openai backend needs a model id (--model): the name the server serves, "
                "for example llama3.2 on Ollama"
            )
        if structured_output != "auto" and structured_output not in MODES:
            raise ConfigurationError(
                f"structured_output must be 'auto' or one of {', '.join(MODES)}, "
                f"not {structured_output!r}"
            )
        if max_concurrency is not None and max_concurrency < 1:
            raise ConfigurationError("max_concurrency must be at least 1 (or None for no limit)")
        if context_window is not None and context_window < 512:
            raise ConfigurationError(f"context_window must be at least 512, not {context_window}")
        self.model = model.strip()
        self.base_url = _base_url(base_url, client)
        self.hosted = openai_api.is_openai_host(self.base_url)
        key, self.api_key_env = self._key(api_key, api_key_env, client)
        self.context_window = (
            context_window
            or (openai_api.context_window_for(self.model) if self.hosted else None)
            or DEFAULT_CONTEXT_WINDOW
        )
        self.price = price or (openai_api.price_for(self.model) if self.hosted else None)
        self.max_concurrency = max_concurrency
        self._mode: StructuredOutputMode | None = next(
            (mode for mode in MODES if mode == structured_output), None
        )
        self._mode_note = "chosen by the caller" if self._mode else ""
        self._owns_client = client is None
        if client is not None:
            if http_client is not None:
                raise ConfigurationError("pass either client or http_client, not both")
            self._client = client.with_options(max_retries=0)
        else:
            self._client = openai.AsyncOpenAI(
                api_key=key, base_url=self.base_url, max_retries=0, http_client=http_client
            )
        self._secrets: tuple[str, ...] = (key,) if key and key != NO_KEY else ()
        self._clock = clock or time.monotonic
        self._policy = RetryPolicy.for_backend(
            "OpenAIBackend",
            openai_errors(self.base_url, self.api_key_env or API_KEY_ENV),
            max_attempts=max_attempts,
            timeout=timeout,
            max_retry_wait=max_retry_wait,
            sleep=sleep or asyncio.sleep,
            clock=self._clock,
            secrets=self._secrets,
        )
        self._semaphore = asyncio.Semaphore(max_concurrency) if max_concurrency else None
        self._learning = asyncio.Lock()

    def _key(
        self, api_key: str | None, api_key_env: str | None, client: openai.AsyncOpenAI | None
    ) -> tuple[str, str | None]:
        """(the key to send, the name of the variable it came from)."""
        if client is not None:
            return client.api_key, api_key_env
        if api_key:
            return api_key.strip(), api_key_env
        if api_key_env:
            value = os.environ.get(api_key_env, "").strip()
            if not value:
                raise ConfigurationError(
                    f"{api_key_env} is not set: export the key of {self.base_url} as "
                    f"{api_key_env}, or drop --api-key-env for a server that needs no key"
                )
            return value, api_key_env
        value = os.environ.get(API_KEY_ENV, "").strip()
        if value:
            return value, API_KEY_ENV
        if self.hosted:
            raise ConfigurationError(
                f"{API_KEY_ENV} is not set: export your OpenAI API key as {API_KEY_ENV} "
                "(or name another variable with --api-key-env), or pass --base-url for a "
                "local server"
            )
        return NO_KEY, None

    def __repr__(self) -> str:
        return (
            f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r}, "
            f"structured_output={self.structured_output!r}, policy={self._policy!r})"
        )

    @property
    def structured_output(self) -> StructuredOutputMode | Literal["auto"]:
        """The mode in use, or "auto" until the first call has found one."""
        return self._mode or "auto"

    # -- the request -----------------------------------------------------------------------

    def request_params(
        self, request: CompletionRequest, mode: StructuredOutputMode | None = None
    ) -> dict[str, Any]:
        """The keyword arguments of `chat.completions.create`: exactly what is sent."""
        mode = mode or self._mode or MODES[0]
        messages = [{"role": "system", "content": request.system}] if request.system else []
        messages += [{"role": m.role, "content": m.content} for m in request.messages]
        params: dict[str, Any] = {"model": self.model, "messages": messages}
        params["max_completion_tokens" if self.hosted else "max_tokens"] = request.max_tokens
        if not (self.hosted and openai_api.is_reasoning_model(self.model)):
            params["temperature"] = request.temperature
        if request.seed is not None:
            params["seed"] = request.seed
        name = _NAME_INVALID.sub("_", request.schema_name).strip("_")[:64] or "answer"
        if mode == "json_object":
            params["response_format"] = {"type": "json_object"}
            return params
        schema = openai_api.strict_schema(request.schema) if self.hosted else request.schema
        if mode == "json_schema":
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": True},
            }
        else:
            description = f"Record the answer: one {request.schema_name} object."
            params["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": name,
                        "description": description,
                        "parameters": schema,
                        "strict": True,
                    },
                }
            ]
            params["tool_choice"] = {"type": "function", "function": {"name": name}}
        return params

    @override
    async def complete(self, request: CompletionRequest) -> Completion:
        if self._semaphore is None:
            return await self._complete(request)
        async with self._semaphore:
            return await self._complete(request)

    async def _complete(self, request: CompletionRequest) -> Completion:
        if self._mode is None:
            async with self._learning:  # one call finds the mode; the others wait for it
                if self._mode is None:
                    return await self._find_mode(request)
        return await self._call(request, self._mode)

    async def _find_mode(self, request: CompletionRequest) -> Completion:
        """Try the modes in order; keep the first the server accepts."""
        rejected: list[tuple[StructuredOutputMode, BackendError]] = []
        for mode in MODES:
            try:
                completion = await self._call(request, mode, finding=True)
            except NoAnswerError:
                self._settle(mode, rejected)  # accepted, but the model stopped short
                raise
            except _ModeRejectedError as refusal:
                rejected.append((mode, self._as_backend_error(refusal.error)))
                continue
            self._settle(mode, rejected)
            return completion
        first = rejected[0][1]
        tried = ", ".join(mode for mode, _ in rejected)
        raise BackendError(
            f"{first} (tried {tried}: the server rejected every structured-output mode)",
            status_code=first.status_code,
            request_id=first.request_id,
            attempts=len(rejected),
        )

    def _as_backend_error(self, error: openai.APIStatusError) -> BackendError:
        return to_backend_error(error, api=self._policy.api, attempts=1, secrets=self._secrets)

    def _settle(
        self, mode: StructuredOutputMode, rejected: list[tuple[StructuredOutputMode, BackendError]]
    ) -> None:
        self._mode = mode
        notes = [f"{_MODE_WORDS[m]} rejected ({_short(e)})" for m, e in rejected]
        notes.append(f"using {_MODE_WORDS[mode]}")
        if not SCHEMA_ENFORCED[mode]:
            notes.append("the server enforces no schema; answers are validated on the client")
        self._mode_note = "; ".join(notes)

    async def _call(
        self, request: CompletionRequest, mode: StructuredOutputMode, *, finding: bool = False
    ) -> Completion:
        """One call in `mode`; while `finding` the mode, a refusal of it is not retried."""
        params = self.request_params(request, mode)
        started = self._clock()

        async def attempt(remaining: float) -> _Reply:
            try:
                raw = await self._client.chat.completions.with_raw_response.create(
                    **params, timeout=remaining
                )
            except openai.APIStatusError as error:
                if finding and mode_rejected(error):
                    raise _ModeRejectedError(error) from None
                raise
            answer = read_json_body(raw.http_response, _Answer, request_id=raw.request_id)
            return _Reply(answer, _answer_text(answer, raw.request_id), raw.request_id)

        reply, attempts = await self._policy.run(attempt)
        return self._to_completion(reply, request, mode, self._clock() - started, attempts)

    # -- the answer ------------------------------------------------------------------------

    def _to_completion(
        self,
        reply: _Reply,
        request: CompletionRequest,
        mode: StructuredOutputMode,
        latency: float,
        attempts: int,
    ) -> Completion:
        answer = reply.answer
        choice = answer.choices[0]
        usage, estimated = self._usage(answer, request, reply.text)
        cost = self.estimate_cost(usage)
        model = answer.model or self.model
        extra: dict[str, Any] = {
            "request_id": reply.request_id,
            "completion_id": answer.id,
            "attempts": attempts,
            "schema_name": request.schema_name,
            "structured_output": mode,
            "schema_enforced": SCHEMA_ENFORCED[mode],
            "finish_reason": choice.finish_reason,
        }
        if estimated:
            extra["usage_estimated"] = True
        if mode == "tool" and not choice.message.tool_calls:
            extra["schema_enforced"] = False
            extra["note"] = "the server answered in text instead of calling the tool"
        stop = _no_answer_reason(choice)
        if stop is not None:
            raise NoAnswerError(
                redact(_no_answer_message(stop, model, request, choice), self._secrets),
                stop_reason=stop,
                usage=usage,
                cost_usd=cost,
                partial_text=reply.text,
                request_id=reply.request_id,
                attempts=attempts,
            )
        return Completion(
            text=escape_control_chars(reply.text),
            usage=usage,
            model=model,
            stop_reason=choice.finish_reason,
            cost_usd=cost,
            latency_s=latency,
            extra=extra,
        )

    def _usage(self, answer: _Answer, request: CompletionRequest, text: str) -> tuple[Usage, bool]:
        reported = answer.usage
        if reported is None or (reported.prompt_tokens == 0 and reported.completion_tokens == 0):
            prompt = request.system + "".join(m.content for m in request.messages)
            return Usage(self.count_tokens(prompt), self.count_tokens(text)), True
        details = reported.prompt_tokens_details
        cached = min(reported.prompt_tokens, (details.cached_tokens or 0) if details else 0)
        return (
            Usage(
                input_tokens=reported.prompt_tokens - cached,
                output_tokens=reported.completion_tokens,
                cache_read_input_tokens=cached,
            ),
            False,
        )

    # -- hooks -----------------------------------------------------------------------------

    @override
    def count_tokens(self, text: str) -> int:
        """A local estimate (about four characters a token); no server call."""
        return approx_tokens(text)

    @override
    def estimate_cost(self, usage: Usage) -> float | None:
        return self.price.cost(usage) if self.price is not None else None

    @override
    def describe(self) -> dict[str, Any]:
        price = self.price
        return {
            "backend": self.name,
            "model": self.model,
            "base_url": self.base_url,
            "api_key_env": self.api_key_env,
            "structured_output": self.structured_output,
            "structured_output_note": self._mode_note or "not chosen yet (on the first call)",
            "schema_enforced": SCHEMA_ENFORCED[self._mode] if self._mode else None,
            "schema_dialect": "openai-strict" if self.hosted else "full",
            "context_window": self.context_window,
            "max_concurrency": self.max_concurrency,
            **self._policy.settings(),
            "price_usd_per_mtok": price.as_dict() if price is not None else None,
        }

    @override
    async def aclose(self) -> None:
        """Close the HTTP connections of a client this backend built (not an injected one)."""
        if self._owns_client:
            await self._client.close()


def _base_url(base_url: str | None, client: openai.AsyncOpenAI | None) -> str:
    if client is not None:
        return str(client.base_url).rstrip("/")
    url = (base_url or os.environ.get(BASE_URL_ENV, "") or openai_api.OPENAI_BASE_URL).strip()
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"the base URL must start with http:// or https://, not {url!r} "
            "(for example http://localhost:11434/v1 for Ollama)"
        )
    return url.rstrip("/")


def _answer_text(answer: _Answer, request_id: str | None) -> str:
    """The JSON text of the answer: the first tool call's arguments, else the content.

    An answer with neither, that did not stop for a reason of its own, is malformed.
    """
    message = answer.choices[0].message
    for call in message.tool_calls or ():
        arguments = call.function.arguments
        if isinstance(arguments, dict):
            return json.dumps(arguments, ensure_ascii=False)
        if arguments and arguments.strip():
            return arguments
    if message.content and message.content.strip():
        return message.content
    if message.refusal or _no_answer_reason(answer.choices[0]) is not None:
        return message.content or ""
    raise MalformedBodyError(
        "an answer with no message content and no tool call", request_id=request_id
    )


def _no_answer_reason(choice: _Choice) -> str | None:
    if choice.message.refusal:
        return "refusal"
    if choice.finish_reason == "length":
        return "max_tokens"
    if choice.finish_reason == "content_filter":
        return "content_filter"
    return None


def _no_answer_message(stop: str, model: str, request: CompletionRequest, choice: _Choice) -> str:
    if stop == "max_tokens":
        return (
            f"{model} stopped at max_tokens={request.max_tokens} before finishing the "
            f"{request.schema_name} answer: raise max_tokens or ask for less"
        )
    if stop == "content_filter":
        return f"{model}'s answer for {request.schema_name} was withheld by a content filter"
    return f"{model} declined to answer: {choice.message.refusal}"


def _short(error: BackendError) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:199] + "…"
