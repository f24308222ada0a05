"""A fake model API: a real HTTP server on 127.0.0.1 (in a thread), reached by the real SDKs.

    with FakeApiServer() as server:
        server.script(openai_error(429, "slow down", headers={"retry-after": "2"}),
                      chat_completion('{"answer": 1}'))
        backend = OpenAIBackend("m", base_url=server.base_url, ...)
        ...
        server.requests[0].json          # what the SDK sent, parsed

Each request is answered by the next step of the script; when the script is empty, by the
`responder` (a function of the request); when there is neither, by a 400
`fake_script_exhausted`, which no policy retries, so a test that sends too much fails loudly.

A step is a `Reply` (status, headers, raw body bytes: anything, HTML and broken JSON
included), a `Delay` before another step, a `Reset` that sends part of a body and drops the
connection, or a function of the request returning a step.

`OpenAICompatible` is a responder that behaves like a small OpenAI-compatible server: it answers
chat completions with the smallest document that fits the requested schema, in whichever
structured-output mode it is told to support (a server "without json_schema support" answers
422 as llama-cpp-python's does), and lists its model at `/v1/models`. The fault-injection
suite grows from here: a responder that wraps another and injects faults at a rate, and an
Anthropic mode (`/v1/messages`) beside the OpenAI one.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeAlias

from net_skill.backends.fake import minimal_instance

__all__ = [
    "Delay",
    "FakeApiServer",
    "OpenAICompatible",
    "RecordedRequest",
    "Reply",
    "Reset",
    "Step",
    "chat_completion",
    "fastapi_rejection",
    "html_page",
    "json_reply",
    "llama_cpp_rejection",
    "openai_error",
    "openai_usage",
]

_ids = itertools.count(1)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    arrived_at: float

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


@dataclass(frozen=True)
class Delay:
    """Wait `seconds` (really, in the server thread) before producing `then`."""

    seconds: float
    then: Step


@dataclass(frozen=True)
class Reset:
    """Announce `reply`'s full length, send only `send_bytes` of its body, drop the connection."""

    reply: Reply
    send_bytes: int = 10


Step: TypeAlias = "Reply | Delay | Reset | Callable[[RecordedRequest], Step]"
Responder: TypeAlias = Callable[[RecordedRequest], "Step"]


# -- replies in the OpenAI chat-completions shapes --------------------------------------------


def json_reply(body: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    all_headers = {"x-request-id": f"req_fake{next(_ids):04d}"}
    all_headers.update(headers or {})
    return Reply(status, json.dumps(body).encode(), all_headers)


def openai_usage(
    prompt_tokens: int = 100, completion_tokens: int = 20, *, cached_tokens: int | None = None
) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    if cached_tokens is not None:
        usage["prompt_tokens_details"] = {"cached_tokens": cached_tokens}
    return usage


def chat_completion(
    content: str | None = None,
    *,
    tool_arguments: str | None = None,
    tool_name: str = "answer",
    finish_reason: str | None = None,
    usage: Mapping[str, Any] | None = None,
    model: str = "fake-model",
    refusal: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """200 with one choice: text `content`, or a tool call with `tool_arguments`."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if tool_arguments is not None:
        message["tool_calls"] = [
            {
                "id": f"call_{next(_ids):04d}",
                "type": "function",
                "function": {"name": tool_name, "arguments": tool_arguments},
            }
        ]
    reason = finish_reason or ("tool_calls" if tool_arguments is not None else "stop")
    body = {
        "id": f"chatcmpl-{next(_ids):04d}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": reason}],
        "usage": dict(usage) if usage is not None else openai_usage(),
    }
    return json_reply(body, headers=headers)


def openai_error(
    status: int,
    message: str,
    *,
    error_type: str = "invalid_request_error",
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """An error in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`."""
    body = {"error": {"message": message, "type": error_type, "param": None, "code": code}}
    return json_reply(body, status=status, headers=headers)


def html_page(status: int = 200, title: str = "Wi-Fi login required") -> Reply:
    """What a captive portal or a proxy answers instead of the API."""
    page = f"<!doctype html><html><head><title>{title}</title></head><body>Log in</body></html>"
    return Reply(status, page.encode(), content_type="text/html; charset=utf-8")


# -- a small OpenAI-compatible server ---------------------------------------------------------


@dataclass
class OpenAICompatible:
    """A responder that acts as an OpenAI-compatible server answering every schema minimally.

    supports: the structured-output modes it accepts; a request in another mode gets
        `reject(mode)`: by default a FastAPI-style 422 (vLLM and most FastAPI servers), or
        `llama_cpp_rejection`, the 500 that llama-cpp-python's server really answers.
    answer: a function of the schema giving the answer document (default: the smallest valid).
    """

    supports: frozenset[str] = frozenset({"json_schema", "tool", "json_object"})
    model: str = "fake-model"
    answer: Callable[[dict[str, Any]], Any] = minimal_instance
    usage: Callable[[RecordedRequest], dict[str, Any]] = lambda _request: openai_usage()
    reject: Callable[[str], Reply] = field(default=lambda mode: fastapi_rejection(mode))
    modes_seen: list[str] = field(default_factory=list)

    def __call__(self, request: RecordedRequest) -> Step:
        if request.method == "GET" and request.path.endswith("/models"):
            return json_reply({"object": "list", "data": [{"id": self.model, "object": "model"}]})
        if not request.path.endswith("/chat/completions"):
            return openai_error(404, f"no route {request.path}", code="not_found")
        body = request.json
        mode, schema = _mode_of(body)
        self.modes_seen.append(mode)
        if mode not in self.supports:
            return self.reject(mode)
        document = json.dumps(self.answer(schema or {}))
        if mode == "tool":
            name = body["tools"][0]["function"]["name"]
            return chat_completion(
                None, tool_arguments=document, tool_name=name, usage=self.usage(request)
            )
        return chat_completion(document, usage=self.usage(request), model=self.model)


def _rejection_detail(mode: str) -> dict[str, Any]:
    if mode == "tool":
        return {"type": "extra_forbidden", "loc": ["body", "tools"], "msg": "not supported"}
    return {
        "type": "literal_error",
        "loc": ["body", "response_format", "type"],
        "msg": "Input should be 'text' or 'json_object'",
    }


def fastapi_rejection(mode: str) -> Reply:
    """A FastAPI request-validation error: 422 with a `detail` list."""
    return json_reply({"detail": [_rejection_detail(mode)]}, status=422)


def llama_cpp_rejection(mode: str) -> Reply:
    """What llama-cpp-python 0.3's server answers: its route handler turns the validation
    error into a 500 `internal_server_error` quoting it."""
    message = f"1 validation error:\n  {_rejection_detail(mode)}\n"
    return openai_error(500, message, error_type="internal_server_error")


def _mode_of(body: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None]:
    if body.get("tools"):
        return "tool", body["tools"][0]["function"].get("parameters")
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return "json_schema", response_format["json_schema"].get("schema")
    if response_format.get("type") == "json_object":
        return "json_object", None
    return "text", None


# -- the server ------------------------------------------------------------------------------


class FakeApiServer:
    """A threaded HTTP server on 127.0.0.1 playing a script; use it as a context manager."""

    def __init__(self, steps: Iterable[Step] = (), *, responder: Responder | None = None):
        self.steps: deque[Step] = deque(steps)
        self.responder = responder
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *steps: Step) -> None:
        with self._lock:
            self.steps.extend(steps)

    @property
    def bodies(self) -> list[Any]:
        return [r.json for r in self.requests if r.method == "POST"]

    def __enter__(self) -> FakeApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _next(self, request: RecordedRequest) -> Step:
        with self._lock:
            self.requests.append(request)
            if self.steps:
                return self.steps.popleft()
        if self.responder is not None:
            return self.responder(request)
        return openai_error(400, "the fake server's script is exhausted", code="fake_exhausted")


def _resolve(step: Step, request: RecordedRequest) -> Reply | Reset:
    while True:
        if isinstance(step, Delay):
            time.sleep(step.seconds)
            step = step.then
        elif isinstance(step, Reply | Reset):
            return step
        else:
            step = step(request)


def _handler_class(server: FakeApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep test output clean

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            request = RecordedRequest(
                self.command,
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                body,
                time.monotonic(),
            )
            step = _resolve(server._next(request), request)
            reply = step.reply if isinstance(step, Reset) else step
            try:
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("content-length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if isinstance(step, Reset):
                    self.wfile.write(reply.body[: step.send_bytes])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.wfile.write(reply.body)
            except OSError:
                self.close_connection = True  # the client gave up (a timeout test)

        do_GET = _serve  # noqa: N815 (the names http.server calls)
        do_POST = _serve  # noqa: N815

    return Handler
