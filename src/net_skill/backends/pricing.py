"""Claude list prices (US dollars per million tokens) and context windows, by model id.

Cache reads cost 0.1x the input price and 5-minute cache writes 1.25x (Anthropic's published
multipliers); net-skill only writes 5-minute cache entries. Dated snapshot ids (for example
`claude-haiku-4-5-20251001`) resolve to their alias. Unknown models have no price: cost is then
reported as unknown (None), never guessed.

Prices as published by Anthropic for standard (non-batch) requests; check
https://platform.claude.com/docs/en/about-claude/pricing when adding a model.
"""

from __future__ import annotations

import re

from net_skill.backends.base import ModelPrice, Usage

__all__ = [
    "BATCH_PRICE_MULTIPLIER",
    "CACHE_READ_MULTIPLIER",
    "CACHE_WRITE_MULTIPLIER",
    "DEFAULT_CONTEXT_WINDOW",
    "MODEL_PRICES",
    "batch_cost",
    "context_window_for",
    "estimate_cost",
    "price_for",
]

CACHE_READ_MULTIPLIER = 0.1
BATCH_PRICE_MULTIPLIER = 0.5
"""Message Batches API requests cost half the standard price, every token kind alike."""
CACHE_WRITE_MULTIPLIER = 1.25
DEFAULT_CONTEXT_WINDOW = 200_000


def _price(input_per_mtok: float, output_per_mtok: float) -> ModelPrice:
    return ModelPrice(
        input=input_per_mtok,
        output=output_per_mtok,
        cache_read=round(input_per_mtok * CACHE_READ_MULTIPLIER, 6),
        cache_write=round(input_per_mtok * CACHE_WRITE_MULTIPLIER, 6),
    )


MODEL_PRICES: dict[str, ModelPrice] = {
    "claude-sonnet-5": _price(3.0, 15.0),
    "claude-sonnet-4-6": _price(3.0, 15.0),
    "claude-sonnet-4-5": _price(3.0, 15.0),
    "claude-sonnet-4-0": _price(3.0, 15.0),
    "claude-opus-4-7": _price(5.0, 25.0),
    "claude-opus-4-6": _price(5.0, 25.0),
    "claude-opus-4-5": _price(5.0, 25.0),
    "claude-opus-4-1": _price(15.0, 75.0),
    "claude-opus-4-0": _price(15.0, 75.0),
    "claude-haiku-4-5": _price(1.0, 5.0),
    "claude-3-haiku": _price(0.25, 1.25),
}
"""Standard list prices. Sonnet 5's introductory rate (to 31 August 2026) is not modelled."""

_MILLION_TOKEN_CONTEXT = frozenset(
    {"claude-sonnet-5", "claude-sonnet-4-6", "claude-opus-4-7", "claude-opus-4-6"}
)

_SNAPSHOT_SUFFIX = re.compile(r"-\d{8}$")
_ALIASES = {
    "claude-sonnet-4": "claude-sonnet-4-0",
    "claude-opus-4": "claude-opus-4-0",
    "claude-3-haiku-20240307": "claude-3-haiku",
}


def _canonical(model: str) -> str:
    if model in _ALIASES:
        return _ALIASES[model]
    base = _SNAPSHOT_SUFFIX.sub("", model)
    return _ALIASES.get(base, base)


def price_for(model: str) -> ModelPrice | None:
    """The price of `model` (alias or dated snapshot id), or None if unknown."""
    return MODEL_PRICES.get(_canonical(model))


def estimate_cost(model: str, usage: Usage) -> float | None:
    """US dollars for `usage` on `model`, or None when the model's price is unknown."""
    price = price_for(model)
    return price.cost(usage) if price is not None else None


def batch_cost(model: str, usage: Usage) -> float | None:
    """US dollars for `usage` on `model` through the Message Batches API (None: unknown)."""
    cost = estimate_cost(model, usage)
    return cost * BATCH_PRICE_MULTIPLIER if cost is not None else None


def context_window_for(model: str) -> int:
    """The model's context window in tokens (200,000 unless known to be 1,000,000)."""
    return 1_000_000 if _canonical(model) in _MILLION_TOKEN_CONTEXT else DEFAULT_CONTEXT_WINDOW
