"""Prompt styles: what the small-model styles ask for, and that code-written values survive."""

from __future__ import annotations

from datetime import date
from typing import Any

from net_skill import FakeBackend, arun_skill
from net_skill.backends.base import CompletionRequest
from net_skill.runner import render_run_prompts
from net_skill.skills.networking.prescribed import HABITS, PRESCRIBED_PATHS, TRACKING_FIELDS
from tests.plan_factory import GOOD_STEP_OUTPUTS, SITUATION

CODE_KEYS = {path[-1] for paths in PRESCRIBED_PATHS.values() for path in paths}


def _properties(schema: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.update((node.get("properties") or {}).keys())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def test_brief_asks_no_code_written_value_and_its_outline_matches_the_grammar() -> None:
    for prompt in render_run_prompts(SITUATION, prompt_style="brief"):
        assert not _properties(prompt.schema) & CODE_KEYS, prompt.step
        question = prompt.messages[-1][1]
        assert not any(f'"{key}"' in question for key in CODE_KEYS), prompt.step
        assert "at most 300 characters" not in question  # the style's cap (160) is shown
    full = render_run_prompts(SITUATION, prompt_style="full")
    assert set().union(*(_properties(p.schema) for p in full)) >= CODE_KEYS


def _without_code_values(number: int) -> dict[str, Any]:
    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in CODE_KEYS}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return dict(strip(GOOD_STEP_OUTPUTS[number]))


async def test_code_written_lists_longer_than_the_styles_cap_are_kept_and_answered() -> None:
    def respond(request: CompletionRequest) -> dict[str, Any]:
        return _without_code_values(int(request.tag.removeprefix("step-")))

    result = await arun_skill(
        SITUATION,
        backend=FakeBackend(responder=respond),
        today=date(2026, 11, 25),
        record=False,
        prompt_style="brief",
    )
    plan = result.plan
    assert len(HABITS) > 3 and len(TRACKING_FIELDS) > 3  # more than brief's cap of 3 items
    assert plan.maintenance.habits == HABITS
    assert plan.maintenance.tracking_fields == TRACKING_FIELDS
    assert not [p for p in plan.unanswered if p.rsplit(".", 1)[-1].split("[")[0] in CODE_KEYS]
