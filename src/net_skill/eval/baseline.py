"""The single-prompt baseline: the whole skill in one prompt, one structured answer.

This is how agents usually run a skill: paste it, ask for everything at once. Comparing it with
the step chain, case by case, shows what the chain is worth. The answer model combines the
eight networking step models (or, for any other skill, one generic report per step), with the
same validators as the chain: names must come from the situation, and target numbers must point
into the answer's own target list. The plan is then assembled by the same code as the chain's
(`build_networking_plan`), so both variants are scored identically.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import Field, ValidationInfo, model_validator

from net_skill.backends.base import Backend, Usage
from net_skill.chain import (
    CONTEXT_MARGIN_TOKENS,
    MIN_ANSWER_TOKENS,
    is_networking,
    schema_text,
    skill_text_for,
    validation_context,
)
from net_skill.networking import (
    StepModel,
)
from net_skill.plan import (
    NETWORKING_FIELDS,
    GenericPlan,
    GenericStepReport,
    GenericStepResult,
    NetworkingPlan,
    NetworkingSteps,
    build_networking_plan,
)
from net_skill.prompts import render
from net_skill.situation import validate_contacts, validate_situation
from net_skill.skill import Skill
from net_skill.structured import DEFAULT_MAX_REASKS, complete_structured

SINGLE_PROMPT_MAX_TOKENS = 8192
"""Most answer tokens asked for: the whole plan is one answer, so more than any one step."""


class SinglePromptOutput(StepModel, NetworkingSteps):
    """All eight steps of the networking skill in one answer."""

    @model_validator(mode="after")
    def _targets_exist(self) -> SinglePromptOutput:
        count = len(self.targets.targets)
        numbers = [m.target for m in self.outreach.messages]
        numbers += [p.target for p in self.interviews.preparations]
        wrong = sorted({n for n in numbers if not 1 <= n <= count})
        if wrong:
            raise ValueError(
                f"target numbers {wrong} do not exist: use 1 to {count} (the targets list)"
            )
        return self


class GenericSinglePromptOutput(StepModel):
    """One report per step of a skill without dedicated models, in one answer."""

    steps: list[GenericStepReport] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _one_per_step(self, info: ValidationInfo) -> GenericSinglePromptOutput:
        context = info.context
        wanted = context.get("step_count") if isinstance(context, dict) else None
        if isinstance(wanted, int) and len(self.steps) != wanted:
            raise ValueError(f"give exactly {wanted} step reports, one per step, in order")
        return self


@dataclass
class BaselineResult:
    """What one single-prompt run produced (the same fields as the chain's `RunResult`)."""

    plan: NetworkingPlan | GenericPlan
    skill_id: str
    usage: Usage
    cost_usd: float | None
    elapsed_s: float
    attempts: int
    backend: dict[str, Any] = field(default_factory=dict)


def _steps_of(skill: Skill) -> list[tuple[int, str]]:
    if not skill.steps:
        return [(1, skill.title or skill.name or skill.id)]
    return [(s.number, s.title) for s in sorted(skill.steps, key=lambda s: s.number)]


async def run_single_prompt(
    situation: str,
    *,
    skill: Skill,
    backend: Backend,
    today: date | None = None,
    contacts: str | None = None,
    max_reasks: int = DEFAULT_MAX_REASKS,
) -> BaselineResult:
    """Run the whole `skill` as one structured call and assemble the same plan as the chain.

    Raises `OutputValidationError` when no answer validates, `BackendError` on transport
    failure, `InputError` for an unusable situation.
    """
    situation = validate_situation(situation)
    contacts = validate_contacts(contacts)
    day = today or date.today()
    networking = is_networking(skill)
    output_type: type[StepModel] = SinglePromptOutput if networking else GenericSinglePromptOutput
    steps = _steps_of(skill)
    schema = schema_text(output_type)
    system = render(
        "single_prompt.j2",
        part="system",
        skill_name=skill.name or skill.id,
        networking=networking,
        skill_text=skill_text_for(skill, situation),
        situation=situation,
        contacts=contacts or "",
    )
    prompt = render(
        "single_prompt.j2",
        part="request",
        networking=networking,
        step_count=len(steps),
        schema_name=output_type.__name__,
        schema=schema,
    )
    context = validation_context(situation, contacts, {}, networking)
    context["step_count"] = len(steps)
    used = backend.count_tokens(system) + backend.count_tokens(prompt) + CONTEXT_MARGIN_TOKENS
    room = max(MIN_ANSWER_TOKENS, backend.context_window - used)
    started = time.perf_counter()
    result = await complete_structured(
        backend,
        system=system,
        prompt=prompt,
        output_type=output_type,
        tag="single-prompt",
        validation_context=context,
        max_reasks=max_reasks,
        max_tokens=min(SINGLE_PROMPT_MAX_TOKENS, room),
    )
    plan = _assemble(result.value, skill, steps, situation=situation, today=day)
    return BaselineResult(
        plan=plan,
        skill_id=skill.id,
        usage=result.usage,
        cost_usd=result.cost_usd,
        elapsed_s=time.perf_counter() - started,
        attempts=len(result.attempts),
        backend=backend.describe(),
    )


def _assemble(
    value: StepModel, skill: Skill, steps: list[tuple[int, str]], *, situation: str, today: date
) -> NetworkingPlan | GenericPlan:
    if isinstance(value, SinglePromptOutput):
        outputs: dict[int, StepModel] = {
            number: getattr(value, name) for number, name in NETWORKING_FIELDS.items()
        }
        return build_networking_plan(outputs, situation=situation, today=today, skill_id=skill.id)
    assert isinstance(value, GenericSinglePromptOutput)
    return GenericPlan(
        skill_id=skill.id,
        situation=situation,
        today=today,
        steps=[
            GenericStepResult(number=number, title=title, report=report)
            for (number, title), report in zip(steps, value.steps, strict=True)
        ],
    )
