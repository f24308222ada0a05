"""Test helpers (no tests): FakeBackend responders that answer each step with a valid output.

Used by the runner tests and by `benchmarks/`. The networking answers are
`tests.plan_factory.GOOD_STEP_OUTPUTS`, whose names all appear in `plan_factory.SITUATION`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from net_skill.backends.base import CompletionRequest
from tests.plan_factory import GOOD_STEP_OUTPUTS, SITUATION

__all__ = ["GENERIC_OUTPUT", "SITUATION", "networking_responder", "step_number"]

GENERIC_OUTPUT: dict[str, Any] = {
    "summary": "Applied the step to the situation.",
    "findings": ["A finding"],
    "actions": ["An action"],
    "open_questions": [],
}


def step_number(request: CompletionRequest) -> int:
    return int(request.tag.removeprefix("step-"))


def networking_responder() -> Callable[[CompletionRequest], dict[str, Any]]:
    """Answers `step-N` requests with the valid output of step N (generic steps: a report)."""

    def respond(request: CompletionRequest) -> dict[str, Any]:
        if request.schema_name == "GenericStepReport":
            return GENERIC_OUTPUT
        return GOOD_STEP_OUTPUTS[step_number(request)]

    return respond
