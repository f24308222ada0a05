"""What model calls consume: `Usage` (tokens) and `Spend` (tokens plus a cost that may be unknown).

The bottom of the import graph: errors, backends, the runner and the eval harness all count
with these two types, so "a sum is unknown if any part is unknown" is written once, here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
        )

    @classmethod
    def total(cls, items: Iterable[Usage]) -> Usage:
        result = cls()
        for item in items:
            result = result + item
        return result

    @property
    def total_tokens(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_read_input_tokens
            + self.cache_creation_input_tokens
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Usage:
        data = data or {}
        return cls(**{k: int(data.get(k, 0) or 0) for k in cls().to_dict()})


@dataclass(frozen=True)
class Spend:
    """Tokens and what they cost; `cost_usd` is None when any part of it could not be priced."""

    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = 0.0

    def __add__(self, other: Spend) -> Spend:
        cost = (
            None
            if self.cost_usd is None or other.cost_usd is None
            else self.cost_usd + other.cost_usd
        )
        return Spend(self.usage + other.usage, cost)

    @classmethod
    def total(cls, items: Iterable[Spend]) -> Spend:
        result = cls()
        for item in items:
            result = result + item
        return result

    @property
    def total_tokens(self) -> int:
        return self.usage.total_tokens
