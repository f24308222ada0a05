"""The backend contract: one abstract method, `complete`, plus defaulted hooks."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal

from net_skill.usage import Usage

__all__ = [
    "Backend",
    "Completion",
    "CompletionRequest",
    "Message",
    "ModelPrice",
    "Usage",
    "approx_tokens",
]


@dataclass(frozen=True)
class Message:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class CompletionRequest:
    """One structured-output call.

    `system` is the stable prefix shared by every step of a run (skill text, situation, rules):
    backends cache it (Anthropic prompt caching, llama.cpp prefix reuse). `messages` hold the
    step-specific part and, on a re-ask, the rejected answer and the validation errors.
    """

    system: str
    messages: tuple[Message, ...]
    schema: dict[str, Any]
    schema_name: str
    max_tokens: int = 2048
    temperature: float = 0.0
    tag: str = ""
    """A label of the call (for example `step-4` or `judge`); FakeBackend scripts key on it."""
    seed: int | None = None
    """Sampling seed for backends that take one (the local model); None: the backend's own."""


@dataclass(frozen=True)
class Completion:
    text: str
    """The raw answer: a JSON document meant to match the request's schema."""
    usage: Usage
    model: str
    stop_reason: str | None = None
    cost_usd: float | None = None
    latency_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelPrice:
    """US dollars per million tokens."""

    input: float
    output: float
    cache_read: float
    cache_write: float

    def as_dict(self) -> dict[str, float]:
        """The four rates, as `describe()` records them."""
        return {
            "input": self.input,
            "output": self.output,
            "cache_read": self.cache_read,
            "cache_write": self.cache_write,
        }

    def cost(self, usage: Usage) -> float:
        return (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_read_input_tokens * self.cache_read
            + usage.cache_creation_input_tokens * self.cache_write
        ) / 1_000_000


def approx_tokens(text: str) -> int:
    """A cheap token estimate (about four characters a token) for budgeting and fakes."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


class Backend(ABC):
    """A model that answers `CompletionRequest`s with JSON text.

    Subclasses implement `complete`; everything else has a default.
    """

    name: str = "backend"
    model: str = "unknown"
    max_concurrency: int | None = None
    """Most calls in flight at once; None means no limit beyond the runner's."""
    context_window: int = 200_000
    prompt_style: str = "full"
    """The prompt style that suits this model (`net_skill.prompt_styles`); users may override."""
    default_samples: int = 1
    """Candidates drawn per step by default (verifier-guided sampling); users may override."""
    default_max_reasks: int = 2
    """Re-asks per step after an unusable answer, by default; users may override."""
    is_remote: bool = False

    @abstractmethod
    async def complete(self, request: CompletionRequest) -> Completion:
        """Answer one request. Transport retries happen inside; validation is the caller's."""

    def count_tokens(self, text: str) -> int:
        return approx_tokens(text)

    def estimate_cost(self, usage: Usage) -> float | None:
        return None

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.model}

    async def aclose(self) -> None:
        return None
