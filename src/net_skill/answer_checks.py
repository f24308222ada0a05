"""The quality floor of every step's answer: no degenerate value passes (`net_skill.quality`).

Built once per step from the request itself: the schema the model answered, the prompt it
saw (less its data blocks), the skill's own text, the schemas of the earlier answers it was
shown and any worked example, so that a copy of any of them is recognised as an echo rather
than an answer. Each problem names its field in one sentence the re-ask feeds back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from net_skill.outputs import Plan
from net_skill.quality import Problem as QualityProblem
from net_skill.quality import QualityContext, inspect_output, prompt_instructions
from net_skill.request import RunPrompts, StepRequest
from net_skill.structured import AnswerCheck, Problem


def quality_context(prompts: RunPrompts, request: StepRequest) -> QualityContext:
    step = request.step
    said = [request.system, *(m.content for m in request.messages if m.role == "user")]
    earlier = [s.schema for s in prompts.steps if s.number in step.depends_on]
    examples: list[Any] = []
    for example in request.examples:
        examples += [example.situation, example.answer, *example.earlier.values()]
    return QualityContext.from_schema(
        request.full_schema,
        source_text=prompts.inputs.source_text,
        instructions=[s for text in said for s in prompt_instructions(text)],
        skill_items=prompts.skill.steps,
        earlier=earlier,
        examples=examples,
    )


def quality_floor(prompts: RunPrompts, request: StepRequest) -> AnswerCheck:
    """An answer check that reports every degenerate value of an answer, by path."""
    context = quality_context(prompts, request)

    def check(data: Any) -> Sequence[Problem]:
        return [Problem(p.path, p.message, "check", p.kind) for p in inspect_output(data, context)]

    return check


def degenerate_values(plan: Plan) -> list[QualityProblem]:
    """The degenerate values a reader of `plan` would see (the situation as source text).

    Empty values are not among them: they are shown as "(no usable answer)"."""
    context = QualityContext.from_schema(type(plan).model_json_schema(), source_text=plan.situation)
    problems = inspect_output(plan.written(), context)
    return [p for p in problems if p.value.strip()]
