"""Test doubles for code that embeds net-skill, shipped with the library (like `FakeBackend`).

`FakeApi` is a real HTTP server on 127.0.0.1 that speaks the Anthropic Messages API (and the
OpenAI chat-completions API) and misbehaves on purpose, at rates and in kinds a seeded
`FaultPlan` sets: 429 with `retry-after` (an hour, too), 529, 500, 503, connection resets and
bodies cut short, answers later than the timeout, 200 answers that are bad JSON, an HTML page,
another shape or empty, and `max_tokens` / `refusal` stops. Point the real SDK at `api.url`
(`ANTHROPIC_BASE_URL`, or `base_url=`) to see how your integration holds up. Nothing here is
imported by the rest of net-skill.
"""

from net_skill.testing.fakeapi import FakeApi, FakeApiProcess, Responder, spawn_fake_api
from net_skill.testing.faults import (
    FAULT_KINDS,
    PERMANENT_FAULTS,
    TRANSIENT_FAULTS,
    FaultPlan,
    FaultRule,
)

__all__ = [
    "FAULT_KINDS",
    "PERMANENT_FAULTS",
    "TRANSIENT_FAULTS",
    "FakeApi",
    "FakeApiProcess",
    "FaultPlan",
    "FaultRule",
    "Responder",
    "spawn_fake_api",
]
