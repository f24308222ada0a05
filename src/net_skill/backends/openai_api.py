"""What is particular to OpenAI's own API (api.openai.com), as opposed to other servers that
speak its protocol: list prices, context windows, the strict JSON-schema subset of its
structured outputs, and its parameter rules.

Other OpenAI-compatible servers (Ollama, vLLM, llama.cpp, LM Studio) get none of this: a model
called `gpt-4o` on a local server is not priced as OpenAI's, and its schema is sent whole,
length caps included, for the server's grammar to enforce.

Prices are OpenAI's published standard (non-batch) rates per million tokens as of 2025; check
https://openai.com/api/pricing before relying on them. OpenAI charges nothing extra for cache
writes, so `cache_write` equals the input price (and the API reports no cache writes anyway).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from net_skill.backends.base import ModelPrice

__all__ = [
    "OPENAI_BASE_URL",
    "OPENAI_CONTEXT_WINDOWS",
    "OPENAI_PRICES",
    "STRICT_KEYWORDS",
    "context_window_for",
    "is_openai_host",
    "is_reasoning_model",
    "price_for",
    "strict_schema",
]

OPENAI_BASE_URL = "https://api.openai.com/v1"


def _price(input_per_mtok: float, cached_per_mtok: float, output_per_mtok: float) -> ModelPrice:
    return ModelPrice(
        input=input_per_mtok,
        output=output_per_mtok,
        cache_read=cached_per_mtok,
        cache_write=input_per_mtok,
    )


OPENAI_PRICES: dict[str, ModelPrice] = {
    "gpt-5": _price(1.25, 0.125, 10.0),
    "gpt-5-mini": _price(0.25, 0.025, 2.0),
    "gpt-5-nano": _price(0.05, 0.005, 0.40),
    "gpt-4.1": _price(2.0, 0.50, 8.0),
    "gpt-4.1-mini": _price(0.40, 0.10, 1.60),
    "gpt-4.1-nano": _price(0.10, 0.025, 0.40),
    "gpt-4o": _price(2.50, 1.25, 10.0),
    "gpt-4o-mini": _price(0.15, 0.075, 0.60),
    "o3": _price(2.0, 0.50, 8.0),
    "o4-mini": _price(1.10, 0.275, 4.40),
}

OPENAI_CONTEXT_WINDOWS: dict[str, int] = {
    "gpt-5": 400_000,
    "gpt-5-mini": 400_000,
    "gpt-5-nano": 400_000,
    "gpt-4.1": 1_047_576,
    "gpt-4.1-mini": 1_047_576,
    "gpt-4.1-nano": 1_047_576,
    "gpt-4o": 128_000,
    "gpt-4o-mini": 128_000,
    "o3": 200_000,
    "o4-mini": 200_000,
}

_SNAPSHOT_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}$")
_REASONING = re.compile(r"^(o\d|gpt-5)")


def is_openai_host(base_url: str) -> bool:
    """Whether `base_url` is OpenAI's own API (not merely a server that speaks its protocol)."""
    host = (urlsplit(base_url).hostname or "").lower()
    return host == "api.openai.com"


def _canonical(model: str) -> str:
    return _SNAPSHOT_SUFFIX.sub("", model)


def price_for(model: str) -> ModelPrice | None:
    """The list price of an OpenAI model id (alias or dated snapshot), or None if unknown."""
    return OPENAI_PRICES.get(_canonical(model))


def context_window_for(model: str) -> int | None:
    return OPENAI_CONTEXT_WINDOWS.get(_canonical(model))


def is_reasoning_model(model: str) -> bool:
    """o-series and GPT-5 models: they take no `temperature` other than the default."""
    return bool(_REASONING.match(_canonical(model)))


STRICT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "anyOf",
        "$ref",
        "$defs",
        "description",
        "title",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
    }
)
"""The JSON-schema keywords OpenAI's strict structured outputs accept."""


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` in the subset that OpenAI's strict structured outputs accept.

    Every object gets `additionalProperties: false` and lists all its properties as required
    (strict mode demands both); other keywords (`maxLength`, `default`, `uniqueItems`, ...)
    move into the description, as the Anthropic SDK's `transform_schema` does. The caller's
    Pydantic validation still enforces them. The input is not modified.
    """
    result: dict[str, Any] = _strict(schema)
    return result


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    notes: list[str] = []
    for key, value in node.items():
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {name: _strict(sub) for name, sub in value.items()}
        elif key in ("items", "anyOf"):
            out[key] = _strict(value)
        elif key in STRICT_KEYWORDS:
            out[key] = value
        else:
            notes.append(f"{key}: {value!r}")
    if "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    if notes:
        description = str(out.get("description", "")).strip()
        extra = "{" + ", ".join(notes) + "}"
        out["description"] = f"{description}\n\n{extra}" if description else extra
    return out
