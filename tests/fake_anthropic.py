"""A fake Anthropic API at the HTTP seam, for tests that go through the real SDK.

Build responses in the API's real shapes and script them on a transport:

    transport = ScriptedTransport([
        error_response(529, "overloaded_error", "Overloaded"),
        message_response('{"answer": 42}', usage=usage(input_tokens=10, output_tokens=5)),
    ])
    backend = AnthropicBackend(api_key=FAKE_API_KEY, http_client=transport.client())
    ...
    transport.bodies[0]["system"]   # what the SDK sent, parsed

A script step is an `httpx2.Response`, an exception to raise from the transport (for example
`httpx2.ReadTimeout("...")`, which the SDK turns into `APITimeoutError`), a `Delay`, or a
function (plain or async) of the request returning a step. When the script runs out, the
transport answers 400 `fake_script_exhausted`, which is never retried, so a test that sends
too much fails loudly.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import httpx2

__all__ = [
    "FAKE_API_KEY",
    "Delay",
    "ScriptedTransport",
    "Step",
    "error_response",
    "message_body",
    "message_response",
    "text_block",
    "tool_use_block",
    "tool_use_response",
    "usage",
]

FAKE_API_KEY = "sk-ant-api03-FAKEKEYfor-tests-only-0123456789abcdefABCDEF"
DEFAULT_MODEL_ID = "claude-sonnet-5"

_ids = itertools.count(1)


@dataclass(frozen=True)
class Delay:
    """Wait `seconds` (really, on the event loop) before producing `then`."""

    seconds: float
    then: Step


Step: TypeAlias = (
    "httpx2.Response | BaseException | Delay | Callable[[httpx2.Request], Step | Awaitable[Step]]"
)


def usage(
    input_tokens: int = 100,
    output_tokens: int = 20,
    *,
    cache_read_input_tokens: int = 0,
    cache_creation_input_tokens: int = 0,
) -> dict[str, Any]:
    """A `usage` object as the Messages API returns it."""
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_read_input_tokens": cache_read_input_tokens,
        "cache_creation_input_tokens": cache_creation_input_tokens,
        "cache_creation": {
            "ephemeral_5m_input_tokens": cache_creation_input_tokens,
            "ephemeral_1h_input_tokens": 0,
        },
        "service_tier": "standard",
    }


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "citations": None}


def tool_use_block(
    name: str, tool_input: Mapping[str, Any], *, tool_use_id: str | None = None
) -> dict[str, Any]:
    return {
        "type": "tool_use",
        "id": tool_use_id or f"toolu_fake{next(_ids):04d}",
        "name": name,
        "input": dict(tool_input),
    }


def message_body(
    content: Iterable[Mapping[str, Any]],
    *,
    model: str = DEFAULT_MODEL_ID,
    stop_reason: str | None = "end_turn",
    usage_: Mapping[str, Any] | None = None,
    stop_details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A Message object (the JSON body of a successful `POST /v1/messages`)."""
    return {
        "id": f"msg_fake{next(_ids):04d}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [dict(block) for block in content],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "stop_details": dict(stop_details) if stop_details is not None else None,
        "usage": dict(usage_) if usage_ is not None else usage(),
    }


def _json_response(
    status: int, body: Mapping[str, Any], *, request_id: str | None, headers: Mapping[str, str]
) -> httpx2.Response:
    all_headers = {"content-type": "application/json"}
    if request_id:
        all_headers["request-id"] = request_id
    all_headers.update(headers)
    return httpx2.Response(status, headers=all_headers, content=json.dumps(body).encode())


def message_response(
    json_text: str,
    *,
    usage: Mapping[str, Any] | None = None,
    stop_reason: str | None = "end_turn",
    model: str = DEFAULT_MODEL_ID,
    request_id: str | None = None,
    headers: Mapping[str, str] | None = None,
    stop_details: Mapping[str, Any] | None = None,
) -> httpx2.Response:
    """200 with one text block holding `json_text` (how JSON outputs come back)."""
    body = message_body(
        [text_block(json_text)],
        model=model,
        stop_reason=stop_reason,
        usage_=usage,
        stop_details=stop_details,
    )
    return _json_response(
        200, body, request_id=request_id or f"req_fake{next(_ids):04d}", headers=headers or {}
    )


def tool_use_response(
    name: str,
    tool_input: Mapping[str, Any],
    *,
    text: str | None = None,
    tool_use_id: str | None = None,
    usage: Mapping[str, Any] | None = None,
    model: str = DEFAULT_MODEL_ID,
    request_id: str | None = None,
) -> httpx2.Response:
    """200 with an optional text block then a `tool_use` block; `stop_reason: "tool_use"`."""
    blocks = [text_block(text)] if text is not None else []
    blocks.append(tool_use_block(name, tool_input, tool_use_id=tool_use_id))
    body = message_body(blocks, model=model, stop_reason="tool_use", usage_=usage)
    return _json_response(
        200, body, request_id=request_id or f"req_fake{next(_ids):04d}", headers={}
    )


def error_response(
    status: int,
    error_type: str,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    request_id: str | None = None,
) -> httpx2.Response:
    """An API error: `{"type": "error", "error": {"type": ..., "message": ...}}`."""
    rid = request_id or f"req_fake{next(_ids):04d}"
    body = {"type": "error", "error": {"type": error_type, "message": message}, "request_id": rid}
    return _json_response(status, body, request_id=rid, headers=headers or {})


class ScriptedTransport(httpx2.MockTransport):
    """A mock transport that plays a script of steps and records every request it gets."""

    def __init__(self, steps: Iterable[Step] = ()) -> None:
        super().__init__(self._handle)
        self.steps: list[Step] = list(steps)
        self.requests: list[httpx2.Request] = []
        self.arrival_times: list[float] = []

    @property
    def bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies of the recorded requests, parsed."""
        return [json.loads(request.content) for request in self.requests]

    def add(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def client(self, **kwargs: Any) -> httpx2.AsyncClient:
        """An `httpx2.AsyncClient` over this transport, to pass as `http_client`."""
        return httpx2.AsyncClient(transport=self, **kwargs)

    async def _handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        self.arrival_times.append(asyncio.get_running_loop().time())
        if not self.steps:
            return error_response(
                400,
                "fake_script_exhausted",
                f"fake_anthropic: no scripted response left for request #{len(self.requests)}",
            )
        step = self.steps.pop(0)
        return await self._play(step, request)

    async def _play(self, step: Step, request: httpx2.Request) -> httpx2.Response:
        if isinstance(step, Delay):
            await asyncio.sleep(step.seconds)
            return await self._play(step.then, request)
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, httpx2.Response):
            return step
        produced = step(request)
        if inspect.isawaitable(produced):
            produced = await produced
        return await self._play(produced, request)
