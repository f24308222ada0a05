"""Keep API keys out of everything net-skill writes: messages, exceptions, logs and records.

Anthropic keys look like `sk-ant-api03-...` (admin keys `sk-ant-admin01-...`), OpenAI keys like
`sk-proj-...`, `sk-svcacct-...`, `sk-admin-...` or, in the old form, `sk-` and 48 letters and
digits. `redact` replaces any such token, and any extra secret passed explicitly (for a key
that does not follow the pattern), with a fixed marker. `redact_data` does the same through
nested JSON-like data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["REDACTED", "redact", "redact_data", "redact_model"]

M = TypeVar("M", bound=BaseModel)

REDACTED = "[REDACTED]"

_KEY_PATTERN = re.compile(
    r"sk-ant-[A-Za-z0-9_\-]+|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{16,}|\bsk-[A-Za-z0-9]{32,}"
)
_MIN_SECRET_LENGTH = 8
"""Explicit secrets shorter than this are ignored: replacing them would shred ordinary text."""


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with every key-shaped token and every given secret replaced by `[REDACTED]`."""
    for secret in secrets:
        if secret and len(secret) >= _MIN_SECRET_LENGTH and secret in text:
            text = text.replace(secret, REDACTED)
    return _KEY_PATTERN.sub(REDACTED, text)


def redact_data(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """A copy of JSON-like `value` (dicts, lists, tuples, strings) with secrets redacted.

    Dictionary keys are redacted too; values of other types are returned unchanged.
    """
    secret_list = [s for s in secrets if s]
    return _walk(value, secret_list)


def redact_model(model: M) -> M:
    """`model` itself when it holds no secret, else a copy with every secret redacted."""
    text = model.model_dump_json()
    clean = redact(text)
    return model if clean == text else type(model).model_validate_json(clean)


def _walk(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, Mapping):
        return {_walk(k, secrets): _walk(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [_walk(item, secrets) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value
