"""A fault-injecting fake of the Anthropic (and OpenAI-compatible) API: a real HTTP server.

    with FakeApi(FaultPlan(rate=0.3, seed=7)) as api:
        backend = AnthropicBackend(api_key="sk-ant-fake", base_url=api.url)   # the real SDK
        ...
        api.stats()["faults"]        # {"overloaded": 4, "reset": 2, ...}

It listens on 127.0.0.1 (a free port by default) and answers `POST /v1/messages` and
`POST /v1/chat/completions`. A request that is not faulted gets a valid answer for the JSON
schema it asks for: the smallest document that satisfies it (`minimal_instance`), or what a
`responder(body, schema)` returns. Faults (see `net_skill.testing.faults`) are drawn from a
seeded `FaultPlan`. `GET /_fakeapi/stats` returns the counters as JSON; with a `tag_pattern` (a
regular expression), faults are also counted by the first match in each request's body, for
example by case, so a test can tell which case met which fault.

`FakeApi` serves from a thread of this process; `spawn_fake_api` runs the same server as its
own process (`python -m net_skill.testing`), so that a load test does not share the
interpreter lock with the client it measures. Both have `url`, `stats()` and `close()`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from net_skill.testing.batches import BatchPlan, FakeBatches
from net_skill.testing.dialects import DIALECTS, Dialect, Stop, tokens
from net_skill.testing.faults import HTTP_FAULTS, FaultPlan, request_key

__all__ = ["FakeApi", "FakeApiProcess", "Responder", "main", "spawn_fake_api"]

Responder = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]
"""`(request body, requested JSON schema) -> the answer value`."""
STATS_PATH = "/_fakeapi/stats"
POLL_S = 0.05
"""How often the serving thread checks for `close()`."""
HTML_PAGE = (
    b"<!doctype html><html><head><title>Sign in to continue</title></head>"
    b"<body><h1>Welcome to the guest network</h1><p>Accept the terms to go online.</p>"
    b"</body></html>"
)
WRONG_SHAPE = {"object": "list", "data": [1, 2, 3], "has_more": False}


def minimal_responder(_body: Mapping[str, Any], schema: Mapping[str, Any]) -> Any:
    """The smallest document satisfying `schema` (what `FakeBackend` answers by default)."""
    from net_skill.backends.fake import minimal_instance

    return minimal_instance(schema)


def load_responder(spec: str | None) -> Responder:
    """`module:function` as a responder (None: `minimal_responder`)."""
    if not spec:
        return minimal_responder
    module, _, name = spec.partition(":")
    function: Responder = getattr(importlib.import_module(module), name)
    return function


class _Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.seen: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.paths: Counter[str] = Counter()
        self.answered = 0
        self.billed_input = 0
        self.billed_output = 0
        self.largest_bill = 0
        self.late = 0
        self.client_gone = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.tag_faults: Counter[str] = Counter()

    def arrive(self, path: str, key: str) -> tuple[int, int]:
        """Count one request: (its arrival number, how often this request came before)."""
        with self.lock:
            arrival, occurrence = self.requests, self.seen[key]
            self.requests += 1
            self.seen[key] += 1
            self.paths[path] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return arrival, occurrence

    def to_dict(self) -> dict[str, Any]:
        with self.lock:
            faults = {k: n for k, n in sorted(self.kinds.items()) if k != "ok"}
            return {
                "requests": self.requests,
                "distinct_requests": len(self.seen),
                "paths": dict(self.paths),
                "faults": faults,
                "faulted": sum(faults.values()),
                "answered": self.answered,
                "billed": {"input_tokens": self.billed_input, "output_tokens": self.billed_output},
                "largest_bill": self.largest_bill,
                "late": self.late,
                "client_gone": self.client_gone,
                "max_in_flight": self.max_in_flight,
                "faults_by_tag": dict(self.tag_faults),
            }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    api: FakeApi

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
        """A client that went away (killed, timed out) is counted, not printed."""
        with self.api.counters.lock:
            self.api.counters.client_gone += 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 - quiet
        return

    def _batches(self, method: str, raw: bytes = b"") -> bool:
        """Answer a Message Batches request (`net_skill.testing.batches`); False: not one."""
        api = self.server.api
        reply = api.batches.handle(method, self.path.split("?")[0], raw, api.url)
        if reply is None:
            return False
        status, body, content_type = reply
        self.send_body(status, body, content_type, {"request-id": "req_fakebatch"})
        return True

    def do_GET(self) -> None:
        if self._batches("GET"):
            return
        if self.path.split("?")[0] == STATS_PATH:
            self.send_body(200, json.dumps(self.server.api.stats()).encode(), "application/json")
        else:
            self.send_body(404, b'{"error": "not found"}', "application/json")

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self._batches("POST", raw):
            return
        path = self.path.split("?")[0]
        dialect = DIALECTS.get(path)
        if dialect is None:
            self.send_body(404, b'{"error": "not found"}', "application/json")
            return
        self.server.api.serve(self, dialect, path, raw)

    def send_body(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: Mapping[str, str] | None = None,
        *,
        send: int | None = None,
    ) -> None:
        """Answer with `body`; `send` bytes of it only, when cutting it short on purpose."""
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body if send is None else body[:send])
        self.wfile.flush()

    def cut(self, *, reset: bool) -> None:
        """Close the connection now: with an RST (`reset`), or a plain close mid-body."""
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            self.connection.shutdown(socket.SHUT_WR)
        self.connection.close()


class FakeApi:
    """The fake API served from a thread of this process (see the module docstring)."""

    def __init__(
        self,
        plan: FaultPlan | None = None,
        *,
        responder: Responder | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        tag_pattern: str | None = None,
        batches: BatchPlan | None = None,
    ) -> None:
        self.plan = plan or FaultPlan()
        self.responder = responder or minimal_responder
        self.batches = FakeBatches(batches or BatchPlan(), self.responder)
        self.tag_pattern = re.compile(tag_pattern) if tag_pattern else None
        self.counters = _Counters()
        self.stopping = threading.Event()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.api = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeApi:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, args=(POLL_S,), name="fakeapi", daemon=True
            )
            self._thread.start()
        return self

    def close(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FakeApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stats(self) -> dict[str, Any]:
        """Requests, faults by kind, answers, billed tokens, the most requests at once, and the
        Message Batches counters (`message_batches`)."""
        return {**self.counters.to_dict(), "message_batches": self.batches.stats()}

    # -- one request -----------------------------------------------------------------------

    def serve(self, handler: _Handler, dialect: Dialect, path: str, raw: bytes) -> None:
        counters = self.counters
        key = request_key(path, raw)
        arrival, occurrence = counters.arrive(path, key)
        try:
            text = raw.decode("utf-8", "replace")
            kind = self.plan.decide(key, occurrence, text, arrival)
            tag = self.tag_pattern.search(text) if self.tag_pattern else None
            with counters.lock:
                counters.kinds[kind] += 1
                if tag is not None and kind != "ok":
                    counters.tag_faults[tag.group(0)] += 1
            if self.plan.latency:
                self.stopping.wait(self.plan.latency)
            self._respond(handler, dialect, kind, raw, f"req_fake{arrival:06d}")
        except (BrokenPipeError, ConnectionResetError):
            with counters.lock:
                counters.client_gone += 1
        finally:
            with counters.lock:
                counters.in_flight -= 1

    def _respond(
        self, handler: _Handler, dialect: Dialect, kind: str, raw: bytes, request_id: str
    ) -> None:
        plan = self.plan
        ids = {"request-id": request_id, "x-request-id": request_id}
        if kind in HTTP_FAULTS:
            status, error_type = HTTP_FAULTS[kind]
            headers = dict(ids)
            if kind == "rate_limit":
                headers["retry-after"] = f"{plan.retry_after:g}"
            elif kind == "rate_limit_absurd":
                headers["retry-after"] = f"{plan.absurd_retry_after:g}"
            message = f"fake API fault: {kind}"
            body = json.dumps(dialect.error(status, error_type, message, request_id)).encode()
            handler.send_body(status, body, "application/json", headers)
            return
        if kind == "html":
            handler.send_body(200, HTML_PAGE, "text/html; charset=utf-8", ids)
            return
        if kind == "wrong_shape":
            handler.send_body(200, json.dumps(WRONG_SHAPE).encode(), "application/json", ids)
            return
        if kind == "empty":
            handler.send_body(200, b"", "application/json", ids)
            return
        try:
            request = json.loads(raw)
        except ValueError:
            body = json.dumps(
                dialect.error(400, "invalid_request_error", "the body is not JSON", request_id)
            ).encode()
            handler.send_body(400, body, "application/json", ids)
            return
        value = self.responder(request, dialect.schema(request))
        stop: Stop = "max_tokens" if kind == "max_tokens" else "ok"
        if kind == "refusal":
            stop = "refusal"
        input_tokens = tokens(raw.decode("utf-8", "replace"))
        answer, output_tokens = dialect.answer(request, value, stop, input_tokens)
        payload = json.dumps(answer, ensure_ascii=False).encode()
        if kind in ("reset", "truncated", "malformed_json"):
            half = len(payload) // 2
            if kind == "malformed_json":
                handler.send_body(200, payload[:half] + b'"}}{]', "application/json", ids)
                return
            handler.send_body(200, payload, "application/json", ids, send=half)
            handler.cut(reset=kind == "reset")
            return
        if kind == "slow":
            self.stopping.wait(plan.slow_seconds)
            with self.counters.lock:
                self.counters.late += 1
            handler.send_body(200, payload, "application/json", ids)
            return
        # Billed before sending: the client may read the answer, and a test its stats, before
        # this thread runs again.
        with self.counters.lock:
            self.counters.answered += 1
            self.counters.billed_input += input_tokens
            self.counters.billed_output += output_tokens
            self.counters.largest_bill = max(
                self.counters.largest_bill, input_tokens + output_tokens
            )
        handler.send_body(200, payload, "application/json", ids)


class FakeApiProcess:
    """The fake API running as its own process (`spawn_fake_api`)."""

    def __init__(self, process: subprocess.Popen[bytes], url: str) -> None:
        self.process = process
        self.url = url

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + STATS_PATH, timeout=10) as response:
            data: dict[str, Any] = json.loads(response.read())
        return data

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> FakeApiProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def spawn_fake_api(
    plan: FaultPlan | None = None,
    *,
    responder: str | None = None,
    tag_pattern: str | None = None,
    timeout: float = 30.0,
    batches: BatchPlan | None = None,
) -> FakeApiProcess:
    """Start the fake API as a separate Python process; `responder` is a `module:function`."""
    command = [sys.executable, "-m", "net_skill.testing"]
    command += ["--plan", json.dumps((plan or FaultPlan()).to_dict())]
    if responder:
        command += ["--responder", responder]
    if tag_pattern:
        command += ["--tag-pattern", tag_pattern]
    if batches is not None:
        command += ["--batches", json.dumps(batches.to_dict())]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    line = b""
    while time.monotonic() < deadline and not line:
        line = process.stdout.readline()
        if process.poll() is not None and not line:
            break
    text = line.decode().strip()
    if not text.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"the fake API did not start: {text or 'no output'}")
    return FakeApiProcess(process, text.removeprefix("listening on "))


def main(argv: list[str] | None = None) -> None:
    """`python -m net_skill.testing [--plan JSON] [--port N] [--responder MOD:FUNC]`."""
    parser = argparse.ArgumentParser(prog="python -m net_skill.testing")
    parser.add_argument("--plan", default="{}", help="a FaultPlan as JSON")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--responder", default=None, help="module:function answering requests")
    parser.add_argument("--tag-pattern", default=None, help="count faults by this regex's match")
    parser.add_argument("--batches", default="{}", help="a BatchPlan as JSON")
    args = parser.parse_args(argv)
    api = FakeApi(
        FaultPlan.from_dict(json.loads(args.plan)),
        responder=load_responder(args.responder),
        host=args.host,
        port=args.port,
        tag_pattern=args.tag_pattern,
        batches=BatchPlan(**json.loads(args.batches)),
    )
    sys.stdout.write(f"listening on {api.url}\n")
    sys.stdout.flush()
    try:
        api._httpd.serve_forever(POLL_S)
    except KeyboardInterrupt:
        pass
    finally:
        api.stopping.set()
        api._httpd.server_close()


if __name__ == "__main__":
    main()
