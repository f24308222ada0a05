"""The step chain of a skill: which steps, in what order, seeing which earlier outputs.

The skill's profile (`net_skill.profile`) says what each step answers with and which steps
it needs; this module joins that with the skill's own text. Prompts are built by
`net_skill.request`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from net_skill.outputs import schema_of
from net_skill.profile import SkillProfile, StepSpec
from net_skill.skill import Skill, SkillItem

MIN_ANSWER_TOKENS = 512
MAX_ANSWER_TOKENS = 4096
MAX_EARLIER_STEPS = 8
"""A step that sees "every earlier step" sees at most this many (the most recent): each
prompt then stays bounded, so a run's prompts grow linearly with the number of steps."""

WHOLE_SKILL_TEXT = "Apply the whole skill (the <skill> block above) to the situation, as one step."


@dataclass(frozen=True)
class ChainStep:
    number: int
    title: str
    text: str
    """The step's own text (with its branches, if any), as the prompt shows it."""
    checklist: tuple[str, ...]
    spec: StepSpec
    depends_on: tuple[int, ...]
    max_tokens: int
    """The worst-case answer size, from the schema's caps."""

    @property
    def output_type(self) -> type[BaseModel]:
        return self.spec.output_type

    @property
    def tag(self) -> str:
        return f"step-{self.number}"

    @property
    def schema(self) -> dict[str, Any]:
        """The answer's own JSON schema (before a profile narrows it for a run)."""
        return self.spec.schema or schema_of(self.spec.output_type)


def chain_steps(skill: Skill, profile: SkillProfile) -> list[ChainStep]:
    """The steps to run, in order; a skill without steps runs as one step."""
    specs = profile.steps(skill)
    if not skill.steps:
        title = skill.title or skill.name or skill.id
        return [_chain_step(1, title, WHOLE_SKILL_TEXT, (), specs[1], ())]
    steps = sorted(skill.steps, key=lambda s: s.number)
    chain = []
    for index, step in enumerate(steps):
        spec = specs[step.number]
        earlier = tuple(p.number for p in steps[:index])
        depends_on = (
            spec.depends_on if spec.depends_on is not None else earlier[-MAX_EARLIER_STEPS:]
        )
        text = step.prompt_text
        chain.append(
            _chain_step(step.number, step.title, text, _checklist(step.items), spec, depends_on)
        )
    return chain


def chain_levels(steps: Sequence[ChainStep]) -> dict[int, int]:
    """Each step's dependency level: 1 for a step that needs no other, else one more than the
    highest level among the steps it needs (the steps of one level can run side by side)."""
    levels: dict[int, int] = {}
    for step in sorted(steps, key=lambda s: s.number):
        needed = [levels[n] for n in step.depends_on if n in levels]
        levels[step.number] = 1 + max(needed, default=0)
    return levels


def _chain_step(
    number: int,
    title: str,
    text: str,
    checklist: tuple[str, ...],
    spec: StepSpec,
    depends_on: tuple[int, ...],
) -> ChainStep:
    return ChainStep(
        number=number,
        title=title,
        text=text.strip() or title,
        checklist=checklist,
        spec=spec,
        depends_on=depends_on,
        max_tokens=answer_token_cap(spec.schema or schema_of(spec.output_type)),
    )


def _checklist(items: Sequence[SkillItem]) -> tuple[str, ...]:
    return tuple(str(item.text).rstrip(":").strip() for item in items if str(item.text).strip())


def answer_token_cap(schema: Mapping[str, Any]) -> int:
    """The worst-case answer size from the schema's caps (about 3 characters a token)."""
    chars = _max_chars(schema, schema.get("$defs", {}))
    return max(MIN_ANSWER_TOKENS, min(MAX_ANSWER_TOKENS, chars // 3))


def answer_budget(step: ChainStep, context_window: int) -> int:
    return min(step.max_tokens, max(MIN_ANSWER_TOKENS, context_window // 4))


def _max_chars(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> int:
    if "$ref" in schema:
        return _max_chars(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return max(_max_chars(option, defs) for option in schema[key])
    if "enum" in schema:
        return max(len(json.dumps(value)) for value in schema["enum"])
    if "const" in schema:
        return len(json.dumps(schema["const"]))
    kind = schema.get("type", "object")
    if kind == "object":
        properties: Mapping[str, Any] = schema.get("properties", {})
        return 2 + sum(len(name) + 4 + _max_chars(sub, defs) for name, sub in properties.items())
    if kind == "array":
        return 2 + int(schema.get("maxItems", 8)) * (1 + _max_chars(schema.get("items", {}), defs))
    if kind == "string":
        return 2 + int(schema.get("maxLength", 400))
    if kind == "null":
        return 4
    return 6
