"""What comes over the wire: success bodies checked before use, and JSON text repaired.

A proxy, a captive portal or a half-broken server can answer HTTP 200 with an HTML page, a
body that is not JSON, JSON of another shape, or nothing at all. The SDKs then raise
`JSONDecodeError` or `AttributeError`, or hand back a bare string, none of which the retry
policy knows. `read_json_body` turns every such answer into `MalformedBodyError`, which the
policy (`net_skill.backends.retry`) retries like a transport fault and finally reports as a
`MalformedResponseError` naming the cause.
"""

from __future__ import annotations

import json
import re
from typing import TypeVar

import httpx2
from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = ["BodyShape", "MalformedBodyError", "escape_control_chars", "read_json_body"]

M = TypeVar("M", bound=BaseModel)

PREVIEW_CHARS = 120
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")


class BodyShape(BaseModel):
    """Base of the shapes given to `read_json_body`: fields not named are allowed."""

    model_config = ConfigDict(extra="allow")


class MalformedBodyError(Exception):
    """A success status whose body is no usable answer; `cause` says what was wrong."""

    def __init__(self, cause: str, *, status_code: int = 200, request_id: str | None = None):
        super().__init__(cause)
        self.cause = cause
        self.status_code = status_code
        self.request_id = request_id


def _preview(text: str) -> str:
    flat = _SPACES.sub(" ", text).strip()
    return repr(flat[:PREVIEW_CHARS] + ("…" if len(flat) > PREVIEW_CHARS else ""))


def _html_cause(text: str, content_type: str) -> str:
    title = _TITLE.search(text)
    what = f"titled {_preview(title.group(1))}" if title else f"starting {_preview(text)}"
    return f"an HTML page instead of JSON (content-type {content_type or 'none'}), {what}"


def read_json_body(response: httpx2.Response, shape: type[M], *, request_id: str | None) -> M:
    """The JSON body of a success `response`, validated against `shape`.

    `shape` names only the fields the caller reads (extra fields are fine), so a quirky but
    usable server is accepted and a wrong one is named: "JSON of the wrong shape: choices:
    Field required". Raises `MalformedBodyError` for an empty body, HTML, invalid JSON, a JSON
    value that is not an object, or the wrong shape.
    """

    def bad(cause: str) -> MalformedBodyError:
        return MalformedBodyError(cause, status_code=response.status_code, request_id=request_id)

    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    text = response.content.decode("utf-8", errors="replace")
    if not text.strip():
        raise bad(f"an empty body (status {response.status_code})")
    if "html" in content_type or text.lstrip()[:1] == "<":
        raise bad(_html_cause(text, content_type))
    try:
        data = json.loads(text)
    except ValueError as error:
        raise bad(f"a body that is not valid JSON ({error}): {_preview(text)}") from None
    if not isinstance(data, dict):
        raise bad(f"a JSON {type(data).__name__}, not an object: {_preview(text)}")
    try:
        return shape.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
            for e in error.errors(include_url=False, include_input=False)[:3]
        )
        raise bad(f"JSON of the wrong shape ({problems}): {_preview(text)}") from None


def escape_control_chars(text: str) -> str:
    """Escape raw control characters inside the strings of a JSON document.

    JSON forbids U+0000-U+001F inside strings; a raw newline there makes the whole answer
    unparseable (llama.cpp's JSON-schema grammars let them through). Control characters
    outside strings (whitespace between tokens) are kept.
    """
    if not any(ch < " " for ch in text):
        return text
    out: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            elif ch < " ":
                out.append(_CONTROL_ESCAPES.get(ch) or f"\\u{ord(ch):04x}")
                continue
        elif ch == '"':
            in_string = True
        out.append(ch)
    return "".join(out)


_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
