"""Junk and unanswered values of one step of a plan, through `net_skill.quality`.

Each step's output is inspected with its own `QualityContext` (the step's schema and those of
the steps it saw, the skill's text, the step's instruction and guidance, the worked example),
as the quality module advises: one text may rightly repeat across steps (a target's name), not
within one. Values listed in `plan.unanswered` were left empty after the re-asks: they are
reported as unanswered, not as junk, and fail whatever criterion needs them.

Contexts are cached by (step, situation) and problems by the step's output, so the several
checks that read one step inspect it once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache, lru_cache

from net_skill.eval.checks import CheckOutcome
from net_skill.loader import load_bundled_skill
from net_skill.outputs import schema_of
from net_skill.quality import (
    Problem,
    QualityContext,
    format_path,
    inspect_output,
    prompt_instructions,
)
from net_skill.skills.networking.models import (
    NETWORKING_STEP_DEPENDENCIES,
    NETWORKING_STEP_MODELS,
)
from net_skill.skills.networking.plan import NETWORKING_FIELDS, NetworkingPlan
from net_skill.structured.paths import JsonPath, parse_path
from net_skill.text import count_words

__all__ = [
    "StepPath",
    "quality_items",
    "quality_outcome",
    "step_context",
    "step_problems",
    "unanswered_paths",
]

StepPath = tuple[str | int, ...]
"""A path inside one step's output: `("gaps", 1)`."""

_CACHE_SIZE = 256


@cache
def _step_texts() -> dict[int, tuple[str, ...]]:
    """Per step: its instruction and guidance (what the prompt said), and the worked example."""
    from net_skill.skills.networking.profile import NetworkingProfile

    profile = NetworkingProfile()
    specs = profile.steps(load_bundled_skill())
    return {n: tuple(t for t in (s.instruction, s.guidance) if t) for n, s in specs.items()}


@cache
def _skill_sentences() -> tuple[str, ...]:
    """The sentences of every step of `skill.md`, split once (a copy of any step is an echo)."""
    return tuple(s for step in load_bundled_skill().steps for s in prompt_instructions(step.body))


@cache
def _example_texts(number: int) -> tuple[str, ...]:
    """Every string of the worked example of a step (its answer and situation), read once."""
    from net_skill.skills.networking.worked import worked_examples

    examples = worked_examples().get(number, ())
    texts = [t for e in examples for t in _strings(e.answer.model_dump(mode="json"))]
    return (*texts, *(e.situation for e in examples))


@cache
def _base_context(number: int) -> QualityContext:
    """Step `number`'s context without a user's text: its schema and those of the steps it
    saw, its instruction and guidance, the skill's steps and the worked example (built once)."""
    return QualityContext.from_schema(
        schema_of(NETWORKING_STEP_MODELS[number]),
        source_text="",
        instructions=_step_texts()[number],
        skill_items=_skill_sentences(),
        earlier=[
            schema_of(NETWORKING_STEP_MODELS[d]) for d in NETWORKING_STEP_DEPENDENCIES[number]
        ],
        examples=_example_texts(number),
    )


@lru_cache(maxsize=64)
def step_context(number: int, situation: str) -> QualityContext:
    """The quality context of step `number`'s answers for `situation`."""
    return _base_context(number).with_source(situation)


MAX_EXAMPLE_WORDS_ALLOWED = 2
"""An example's short generic value ("Last contact" as a tracking field) may rightly recur;
a copied name among them is the name checks' business."""


@lru_cache(maxsize=_CACHE_SIZE)
def _problems(number: int, situation: str, output_json: str) -> tuple[Problem, ...]:
    found = inspect_output(json.loads(output_json), step_context(number, situation))
    return tuple(
        p
        for p in found
        if not (p.kind == "example_echo" and count_words(p.value) <= MAX_EXAMPLE_WORDS_ALLOWED)
    )


def step_problems(plan: NetworkingPlan, number: int) -> tuple[Problem, ...]:
    """Every degenerate value of step `number` of `plan` (paths inside the step's output)."""
    output = getattr(plan, NETWORKING_FIELDS[number])
    return _problems(number, plan.situation, output.model_dump_json())


def unanswered_paths(plan: NetworkingPlan, number: int) -> list[StepPath]:
    """The paths of step `number` that `plan.unanswered` lists (`()`: the whole step)."""
    field = NETWORKING_FIELDS[number]
    found: list[StepPath] = []
    for text in plan.unanswered:
        path: JsonPath = parse_path(text)
        if path and path[0] == field:
            found.append(path[1:])
    return found


def _inside(path: StepPath, outer: StepPath) -> bool:
    return path[: len(outer)] == outer


def quality_items(
    plan: NetworkingPlan,
    number: int,
    *,
    keep: Callable[[StepPath], bool] = lambda _path: True,
    skip: frozenset[str] = frozenset(),
) -> list[tuple[bool, str]]:
    """(passed, problem) items for an outcome: one failing item per unanswered path and per
    junk value of step `number` whose path `keep` accepts (problems of a kind in `skip` left
    out); one passing item when there is none.
    """
    field = NETWORKING_FIELDS[number]
    unanswered = [p for p in unanswered_paths(plan, number) if keep(p) or not p]
    items: list[tuple[bool, str]] = [
        (
            False,
            f"{_shown(field, p)} is unanswered (left empty after the re-asks): "
            "the criterion cannot be met without it",
        )
        for p in unanswered
    ]
    for problem in step_problems(plan, number):
        if problem.kind in skip or not keep(problem.path):
            continue
        if any(_inside(problem.path, p) for p in unanswered):
            continue
        items.append((False, f"junk in {field}.{problem.message}"))
    return items or [(True, "")]


def quality_outcome(
    plan: NetworkingPlan,
    number: int,
    *,
    keep: Callable[[StepPath], bool] = lambda _p: True,
    skip: frozenset[str] = frozenset(),
) -> CheckOutcome:
    """The outcome of a step's quality check (see `quality_items`)."""
    items = quality_items(plan, number, keep=keep, skip=skip)
    problems = [problem for ok, problem in items if not ok]
    field = NETWORKING_FIELDS[number]
    if not problems:
        return CheckOutcome(True, 1.0, f"no junk or unanswered value in {field}")
    values = _value_count(plan, number)
    score = max(0.0, 1.0 - len(problems) / max(values, len(problems)))
    return CheckOutcome(False, score, problems[0], problems)


def _value_count(plan: NetworkingPlan, number: int) -> int:
    output = getattr(plan, NETWORKING_FIELDS[number])
    return max(1, len(_strings(output.model_dump(mode="json"))))


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for v in node.values() for t in _strings(v)]
    if isinstance(node, list):
        return [t for v in node for t in _strings(v)]
    return []


def _shown(field: str, path: StepPath) -> str:
    return f"{field}.{format_path(path)}" if path else field
