"""The quality floor of every step's answer: no degenerate value passes (`net_skill.quality`).

Built once per step from the request itself: the schema the model answered, the prompt it
saw (less its data blocks), the skill's own text, the schemas of the earlier answers it was
shown and any worked example, so that a copy of any of them is recognised as an echo rather
than an answer. Each problem names its field in one sentence the re-ask feeds back.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

from net_skill.outputs import Plan
from net_skill.quality import Problem as QualityProblem
from net_skill.quality import (
    QualityContext,
    format_path,
    inspect_output,
    is_copy,
    prompt_instructions,
    strings_in,
)
from net_skill.request import RunPrompts, StepRequest
from net_skill.structured import AnswerCheck, Problem


def quality_context(prompts: RunPrompts, request: StepRequest) -> QualityContext:
    step = request.step
    said = [request.system, *(m.content for m in request.messages if m.role == "user")]
    instructions = tuple(s for text in said for s in prompt_instructions(text))
    earlier = tuple(
        json.dumps(s.schema, sort_keys=True) for s in prompts.steps if s.number in step.depends_on
    )
    key = (
        json.dumps(request.full_schema, sort_keys=True),
        instructions,
        prompts.skill.source,
        earlier,
        tuple((e.situation, e.answer.model_dump_json()) for e in request.examples),
    )
    shared = _SHARED.get(key)
    if shared is None:
        examples: list[Any] = []
        for example in request.examples:
            examples += [example.situation, example.answer, *example.earlier.values()]
        shared = QualityContext.from_schema(
            request.full_schema,
            source_text="",
            instructions=instructions,
            skill_items=prompts.skill.steps,
            earlier=[json.loads(s) for s in earlier],
            examples=examples,
        )
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.pop(next(iter(_SHARED)))
        _SHARED[key] = shared
    return shared.with_source(prompts.inputs.source_text)


_SHARED: dict[tuple[Any, ...], QualityContext] = {}
"""Contexts without the user's text, by what they are built from: an eval asks the same step
of every case, and only the situation differs (`QualityContext.with_source`)."""
_SHARED_MAX = 256


def quality_floor(prompts: RunPrompts, request: StepRequest) -> AnswerCheck:
    """An answer check that reports every degenerate value of an answer, by path."""
    context = quality_context(prompts, request)

    def check(data: Any) -> Sequence[Problem]:
        return [
            Problem(p.path, p.message, "check", p.kind, p.hint, p.original)
            for p in inspect_output(data, context)
        ]

    return check


def degenerate_values(plan: Plan, source_text: str | None = None) -> list[QualityProblem]:
    """The degenerate values a reader of `plan` would see (the situation, or `source_text`,
    as the user's text).

    Empty values are not among them: they are shown as "(no usable answer)"."""
    context = _plan_context(type(plan)).with_source(
        plan.situation if source_text is None else source_text
    )
    problems = inspect_output(plan.written(), context)
    return [p for p in problems if p.value.strip()]


@functools.cache
def _plan_context(plan_type: type[Plan]) -> QualityContext:
    return QualityContext.from_schema(plan_type.model_json_schema(), source_text="")


def withhold_degenerate(plan: Plan, source_text: str | None = None) -> Plan:
    """`plan` with the degenerate values only the whole plan shows left empty and listed as
    unanswered: mostly one text pasted into the answers of several steps, which no step's own
    check can see (steps answered side by side do not see each other). Of a pasted text the
    first place keeps it; the copies are emptied."""
    problems = degenerate_values(plan, source_text)
    if not problems:
        return plan
    written = list(strings_in(plan.written()))
    order = {path: index for index, (path, _) in enumerate(written)}
    withheld: list[tuple[str | int, ...]] = []
    for problem in sorted(problems, key=lambda p: order.get(p.path, len(order))):
        earlier = written[: order.get(problem.path, len(written))]
        if problem.kind == "pasted" and not any(is_copy(problem.value, t) for _, t in earlier):
            continue  # the first place of a pasted text keeps it
        withheld.append(problem.path)
    copy = plan.model_copy(deep=True)
    for path in withheld:
        _empty(copy, path)
    shown = [format_path(path) for path in withheld]
    copy.unanswered = list(dict.fromkeys([*plan.unanswered, *shown]))
    return copy


def _empty(node: Any, path: tuple[str | int, ...]) -> None:
    """Set the string at `path` inside a model (or its lists and dicts) to the empty string."""
    *parents, last = path
    for part in parents:
        node = (
            node[part] if isinstance(part, int) or isinstance(node, dict) else getattr(node, part)
        )
    if isinstance(last, int) or isinstance(node, dict):
        node[last] = ""
    else:
        object.__setattr__(node, last, "")
