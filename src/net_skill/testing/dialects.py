"""The two wire formats the fake API speaks: Anthropic Messages and OpenAI chat completions.

A dialect reads the JSON schema a structured request asks for and writes the bodies of an
answer, a cut-off or refused answer, and an API error, in its provider's real shapes.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from collections.abc import Mapping
from typing import Any, Literal, Protocol

Stop = Literal["ok", "max_tokens", "refusal"]
_ids = itertools.count(1)

REFUSAL_TEXT = "I can't help with that request."


def tokens(text: str) -> int:
    """About four characters a token (what the fake API bills)."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


class Dialect(Protocol):
    name: str
    path: str

    def schema(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        """The JSON schema the request asks its answer to follow ({} when none)."""
        ...

    def answer(
        self, body: Mapping[str, Any], value: Any, stop: Stop, input_tokens: int
    ) -> tuple[dict[str, Any], int]:
        """The body of a 200 answer carrying `value` (JSON), and its output tokens."""
        ...

    def error(
        self, status: int, error_type: str, message: str, request_id: str
    ) -> dict[str, Any]: ...


class AnthropicDialect:
    """`POST /v1/messages`: JSON outputs (`output_config.format`) or one forced strict tool."""

    name = "anthropic"
    path = "/v1/messages"

    def schema(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        output = body.get("output_config") or {}
        fmt = output.get("format") if isinstance(output, Mapping) else None
        if isinstance(fmt, Mapping) and isinstance(fmt.get("schema"), Mapping):
            return dict(fmt["schema"])
        tool = self._tool(body)
        return dict(tool.get("input_schema") or {}) if tool else {}

    @staticmethod
    def _tool(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
        tools = body.get("tools")
        if isinstance(tools, list) and tools and isinstance(tools[0], Mapping):
            return tools[0]
        return None

    def answer(
        self, body: Mapping[str, Any], value: Any, stop: Stop, input_tokens: int
    ) -> tuple[dict[str, Any], int]:
        text = json.dumps(value, ensure_ascii=False)
        tool = self._tool(body) if "output_config" not in body else None
        content: list[dict[str, Any]]
        stop_details = None
        if stop == "refusal":
            content, stop_reason, output = [], "refusal", tokens(REFUSAL_TEXT)
            stop_details = {"type": "refusal", "category": None, "explanation": REFUSAL_TEXT}
        elif stop == "max_tokens":
            cut = text[: max(1, len(text) // 2)]
            content, stop_reason, output = [_text(cut)], "max_tokens", tokens(cut)
        elif tool is not None:
            content = [
                {
                    "type": "tool_use",
                    "id": f"toolu_{next(_ids):06d}",
                    "name": tool.get("name"),
                    "input": value,
                }
            ]
            stop_reason, output = "tool_use", tokens(text)
        else:
            content, stop_reason, output = [_text(text)], "end_turn", tokens(text)
        message = {
            "id": f"msg_fake{next(_ids):06d}",
            "type": "message",
            "role": "assistant",
            "model": str(body.get("model") or "fake-model"),
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "stop_details": stop_details,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output,
                "cache_read_input_tokens": 0,
                "cache_creation_input_tokens": 0,
            },
        }
        return message, output

    def error(
        self,
        status: int,  # noqa: ARG002 - the API's error body does not repeat the status
        error_type: str,
        message: str,
        request_id: str,
    ) -> dict[str, Any]:
        return {
            "type": "error",
            "error": {"type": error_type, "message": message},
            "request_id": request_id,
        }


class OpenAIDialect:
    """`POST /v1/chat/completions`: `response_format` JSON schema, or one forced function."""

    name = "openai"
    path = "/v1/chat/completions"

    def schema(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        fmt = body.get("response_format") or {}
        spec = fmt.get("json_schema") if isinstance(fmt, Mapping) else None
        if isinstance(spec, Mapping) and isinstance(spec.get("schema"), Mapping):
            return dict(spec["schema"])
        function = self._function(body)
        return dict(function.get("parameters") or {}) if function else {}

    @staticmethod
    def _function(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
        tools = body.get("tools")
        if isinstance(tools, list) and tools and isinstance(tools[0], Mapping):
            function = tools[0].get("function")
            return function if isinstance(function, Mapping) else None
        return None

    def answer(
        self, body: Mapping[str, Any], value: Any, stop: Stop, input_tokens: int
    ) -> tuple[dict[str, Any], int]:
        text = json.dumps(value, ensure_ascii=False)
        function = self._function(body) if "response_format" not in body else None
        message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
        finish = "stop"
        output = tokens(text)
        if stop == "refusal":
            message = {"role": "assistant", "content": None, "refusal": REFUSAL_TEXT}
            output = tokens(REFUSAL_TEXT)
        elif stop == "max_tokens":
            cut = text[: max(1, len(text) // 2)]
            message["content"], finish, output = cut, "length", tokens(cut)
        elif function is not None:
            message["content"] = None
            message["tool_calls"] = [
                {
                    "id": f"call_{next(_ids):06d}",
                    "type": "function",
                    "function": {"name": function.get("name"), "arguments": text},
                }
            ]
            finish = "tool_calls"
        completion = {
            "id": f"chatcmpl-fake{next(_ids):06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(body.get("model") or "fake-model"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": input_tokens,
                "completion_tokens": output,
                "total_tokens": input_tokens + output,
            },
        }
        return completion, output

    def error(
        self,
        status: int,
        error_type: str,
        message: str,
        request_id: str,  # noqa: ARG002 - the request id travels in a header only
    ) -> dict[str, Any]:
        return {"error": {"message": message, "type": error_type, "param": None, "code": status}}


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "citations": None}


DIALECTS: dict[str, Dialect] = {d.path: d for d in (AnthropicDialect(), OpenAIDialect())}
