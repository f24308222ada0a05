"""What the fake API does to a request: the fault kinds, and a seeded plan that picks them.

A fault is decided per request from the seed, a hash of the request (path and body) and how
many times that same request was seen before, so the same plan gives the same faults whatever
order concurrent requests arrive in, and a retried request gets a fresh draw.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "ANSWER_FAULTS",
    "FAULT_KINDS",
    "HTTP_FAULTS",
    "PERMANENT_FAULTS",
    "TRANSIENT_FAULTS",
    "FaultPlan",
    "FaultRule",
]

HTTP_FAULTS: dict[str, tuple[int, str]] = {
    "rate_limit": (429, "rate_limit_error"),
    "rate_limit_absurd": (429, "rate_limit_error"),
    "overloaded": (529, "overloaded_error"),
    "server_error": (500, "api_error"),
    "unavailable": (503, "api_error"),
    "bad_request": (400, "invalid_request_error"),
    "unauthorized": (401, "authentication_error"),
}
"""Faults answered with an API error: (HTTP status, error type)."""

ANSWER_FAULTS = ("max_tokens", "refusal")
"""Well-formed answers that carry no usable output (they are billed)."""

BROKEN_FAULTS = ("reset", "truncated", "slow", "malformed_json", "html", "wrong_shape", "empty")
"""Broken transport or broken bodies: connection reset mid-body, a body cut short, an answer
later than any sane timeout, and 200 answers that are not a message (bad JSON, an HTML page as
from a captive portal, JSON of another shape, nothing at all)."""

FAULT_KINDS = (*HTTP_FAULTS, *ANSWER_FAULTS, *BROKEN_FAULTS)
PERMANENT_FAULTS = ("bad_request", "unauthorized")
"""Faults that are the same on every retry: never part of a random mix by default."""
TRANSIENT_FAULTS = tuple(kind for kind in FAULT_KINDS if kind not in PERMANENT_FAULTS)


@dataclass(frozen=True)
class FaultRule:
    """Always answer `kind` (a fault kind, or "ok") to requests whose body contains `contains`."""

    contains: str
    kind: str


@dataclass(frozen=True)
class FaultPlan:
    """How often and how the fake API misbehaves.

    rate: share of requests faulted (0 to 1).
    kinds: relative weights of the fault kinds drawn (default: every transient kind equally).
    seed: the same seed and requests give the same faults.
    script: kinds (or "ok") for the first requests, in arrival order, before `rate` applies.
    rules: faults forced by the request's content (checked first; see `FaultRule`).
    max_faults_per_request: after this many faults of one identical request, answer it.
    retry_after: the `retry-after` of `rate_limit` (seconds); `rate_limit_absurd` sends
        `absurd_retry_after` (3600: an hour, which clients must cap).
    slow_seconds: how late a `slow` answer comes.
    latency: seconds every answer waits (a remote model's think time).
    """

    rate: float = 0.0
    kinds: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(TRANSIENT_FAULTS, 1.0))
    seed: int = 0
    script: tuple[str, ...] = ()
    rules: tuple[FaultRule, ...] = ()
    max_faults_per_request: int | None = None
    retry_after: float = 0.2
    absurd_retry_after: float = 3600.0
    slow_seconds: float = 30.0
    latency: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"rate must be from 0 to 1, not {self.rate}")
        known = {*FAULT_KINDS, "ok"}
        named = [*self.kinds, *self.script, *(rule.kind for rule in self.rules)]
        unknown = sorted({kind for kind in named if kind not in known})
        if unknown:
            raise ValueError(f"unknown fault kind(s): {', '.join(unknown)}")
        if self.rate and not any(weight > 0 for weight in self.kinds.values()):
            raise ValueError("a non-zero rate needs at least one fault kind with a weight")

    def decide(self, key: str, occurrence: int, body: str, arrival: int) -> str:
        """The kind for one request ("ok": answer it), from its hash `key`, how many times it
        was seen before (`occurrence`), its text and its arrival number (0-based)."""
        for rule in self.rules:
            if rule.contains in body:
                return rule.kind
        if arrival < len(self.script):
            return self.script[arrival]
        if self.max_faults_per_request is not None and occurrence >= self.max_faults_per_request:
            return "ok"
        if not self.rate:
            return "ok"
        rng = random.Random(f"{self.seed}:{key}:{occurrence}")
        if rng.random() >= self.rate:
            return "ok"
        kinds = [kind for kind, weight in self.kinds.items() if weight > 0]
        return rng.choices(kinds, weights=[self.kinds[kind] for kind in kinds])[0]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kinds"] = dict(self.kinds)
        data["rules"] = [[rule.contains, rule.kind] for rule in self.rules]
        data["script"] = list(self.script)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultPlan:
        values = dict(data)
        if "rules" in values:
            values["rules"] = tuple(FaultRule(str(c), str(k)) for c, k in values["rules"])
        if "script" in values:
            values["script"] = tuple(values["script"])
        return cls(**values)


def request_key(path: str, body: bytes) -> str:
    """A short hash naming one request: the same path and body give the same key."""
    return hashlib.sha256(path.encode() + b"\0" + body).hexdigest()[:16]
