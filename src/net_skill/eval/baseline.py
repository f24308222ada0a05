"""The single-prompt baseline: the whole skill in one prompt, one structured answer.

This is how agents usually run a skill: paste it, ask for everything at once. Comparing it with
the step chain, case by case, shows what the chain is worth. The answer model comes from the
skill's profile (`SkillProfile.single_prompt`: by default one field per step, each that step's
model, with the same validators as the chain); the plan is then assembled by the profile, as
the chain's is, so both variants are scored identically.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from net_skill.arguments import skill_text_with_arguments
from net_skill.backends.base import Backend
from net_skill.chain import MIN_ANSWER_TOKENS
from net_skill.outputs import Plan
from net_skill.profile import RunInputs, SkillProfile, profile_for
from net_skill.prompt_styles import rules_for
from net_skill.prompts import delimit, render
from net_skill.request import CONTEXT_MARGIN_TOKENS
from net_skill.schema_outline import schema_text
from net_skill.situation import validate_contacts, validate_situation
from net_skill.skill import Skill
from net_skill.structured import DEFAULT_MAX_REASKS, complete_structured
from net_skill.usage import Usage

SINGLE_PROMPT_MAX_TOKENS = 8192
"""Most answer tokens asked for: the whole plan is one answer, so more than any one step."""


@dataclass
class BaselineResult:
    """What one single-prompt run produced (the same fields as the chain's `RunResult`)."""

    plan: Plan
    skill_id: str
    usage: Usage
    cost_usd: float | None
    elapsed_s: float
    attempts: int
    backend: dict[str, Any] = field(default_factory=dict)


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
    inputs = RunInputs(
        validate_situation(situation), validate_contacts(contacts), today or date.today()
    )
    profile = profile_for(skill)
    spec = profile.single_prompt(skill)
    steps = profile.steps(skill)
    system = _system(skill, profile, inputs)
    prompt = render(
        "single_prompt.j2",
        part="request",
        guidance=spec.guidance,
        step_count=len(steps),
        schema_name=spec.output_type.__name__,
        schema=schema_text(spec.output_type),
    )
    used = backend.count_tokens(system) + backend.count_tokens(prompt) + CONTEXT_MARGIN_TOKENS
    room = max(MIN_ANSWER_TOKENS, backend.context_window - used)
    started = time.perf_counter()
    result = await complete_structured(
        backend,
        system=system,
        prompt=prompt,
        output_type=spec.output_type,
        tag="single-prompt",
        validation_context=profile.validation_context(inputs, {}),
        max_reasks=max_reasks,
        max_tokens=min(SINGLE_PROMPT_MAX_TOKENS, room),
    )
    plan = profile.build_plan(skill, spec.outputs(result.value), inputs)
    return BaselineResult(
        plan=plan,
        skill_id=skill.id,
        usage=result.usage,
        cost_usd=result.cost_usd,
        elapsed_s=time.perf_counter() - started,
        attempts=len(result.attempts),
        backend=backend.describe(),
    )


def _system(skill: Skill, profile: SkillProfile, inputs: RunInputs) -> str:
    blocks = "<skill>, <situation>" + (" and <contacts>" if inputs.contacts else "")
    return render(
        "single_prompt.j2",
        part="system",
        skill_name=skill.name or skill.id,
        rules=rules_for(profile, inputs, blocks),
        skill_text=skill_text_with_arguments(skill, delimit(inputs.situation, "situation")),
        situation=inputs.situation,
        contacts=inputs.contacts or "",
    )
