"""One request builder for every step: runs, `--dry-run` and window sizing all call it.

    prompts = RunPrompts.prepare(skill, profile, inputs, steps, backend)
    request = build_request(prompts, step, outputs)     # outputs=None: placeholders

A run's requests share a *system* prompt, identical for every step (llama.cpp reuses its KV
cache for it; Anthropic caches it), and differ in their messages. How both are worded is a
*prompt style* (`net_skill.prompt_styles`): `full` puts the rules and the whole skill in the
system prompt; `compact` gives a small model one short question per step and a worked example.

Fitting the model's context window (`Backend.context_window`, `Backend.count_tokens`):

1. Each step reserves room for its answer: the schema's worst-case size, at most a quarter of
   the window (never below 512 tokens).
2. Earlier-step outputs are trimmed first: the longest JSON is halved, again and again, down to
   `MIN_EARLIER_CHARS` each, until the step's messages fit.
3. Then the system prompt (once per run, so it stays identical for all steps), as the style
   allows: the full style first replaces the copy of the situation inside the skill text by a
   pointer to the situation block, then cuts the skill text's tail with a visible marker.
4. The situation is never trimmed (its size is capped up front); if it alone does not fit, the
   run stops with an `InputError` that says how much to cut.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

from net_skill.backends.base import Backend, Message
from net_skill.chain import ChainStep, answer_budget
from net_skill.code_values import (
    fill_code_values,
    owned_by_code,
    strip_code_owned,
    unlimit_code_owned,
)
from net_skill.profile import CodeValue, RunInputs, SkillProfile, WorkedExample
from net_skill.prompt_styles import (
    AnswerLimits,
    Earlier,
    PromptStyle,
    StepPrompt,
    StyleContext,
    TokenCounter,
    prompt_style,
)
from net_skill.skill import Skill

CONTEXT_MARGIN_TOKENS = 64
"""Room for the chat template's own tokens (role markers and the like)."""
MIN_EARLIER_CHARS = 400
TRIM_MARKER = " …[trimmed to fit the model's context window]"
UNLIMITED_WINDOW = 1 << 30
"""The window of a dry run without a backend: nothing is trimmed."""


@dataclass(frozen=True)
class StepRequest:
    """Everything one step sends: the backend gets `system`, `messages` and `schema`."""

    step: ChainStep
    system: str
    messages: tuple[Message, ...]
    schema: dict[str, Any]
    schema_name: str
    max_tokens: int
    validation_context: dict[str, Any]
    examples: tuple[WorkedExample, ...] = ()
    """The worked examples the messages show (a copy of one is not an answer)."""
    answer_schema: dict[str, Any] | None = None
    """The schema a complete answer is held to, code-written values included (None: `schema`,
    which is what the model is asked for)."""
    code_values: tuple[CodeValue, ...] = ()
    asks_code_owned: bool = True

    @property
    def full_schema(self) -> dict[str, Any]:
        return self.answer_schema if self.answer_schema is not None else self.schema

    def trusted(self, path: tuple[str | int, ...]) -> bool:
        """Whether the value at `path` is one code wrote (not the model's to answer for)."""
        return owned_by_code(path, self.code_values)

    def prepare(self, data: Any) -> Any:
        """The parsed answer with the code-written values in place."""
        return fill_code_values(data, self.code_values, overwrite=not self.asks_code_owned)

    @property
    def prompt(self) -> str:
        """The step's own question (the last message)."""
        return self.messages[-1].content


@dataclass(frozen=True)
class RunPrompts:
    """What every request of one run shares; build it with `prepare`."""

    skill: Skill
    profile: SkillProfile
    inputs: RunInputs
    steps: tuple[ChainStep, ...]
    style: PromptStyle
    window: int
    count: TokenCounter
    system: str = ""

    @classmethod
    def prepare(
        cls,
        skill: Skill,
        profile: SkillProfile,
        inputs: RunInputs,
        steps: Sequence[ChainStep],
        backend: Backend | None,
        *,
        style: str | None = None,
    ) -> RunPrompts:
        """Choose the style (default: the backend's) and fit the system prompt to the window.

        Without a backend (a dry run) nothing is trimmed.
        """
        chosen = prompt_style(style or (backend.prompt_style if backend else "full"))
        prompts = cls(
            skill=skill,
            profile=profile,
            inputs=inputs,
            steps=tuple(steps),
            style=chosen,
            window=backend.context_window if backend else UNLIMITED_WINDOW,
            count=backend.count_tokens if backend else _no_count,
        )
        if backend is None:
            return replace(prompts, system=chosen.system(prompts.context(), room=None))
        room = prompts.window - CONTEXT_MARGIN_TOKENS - prompts._largest_step()
        return replace(prompts, system=chosen.system(prompts.context(), room=room))

    def context(self) -> StyleContext:
        return StyleContext(self.skill, self.profile, self.inputs, len(self.steps), self.count)

    def _largest_step(self) -> int:
        """Tokens of the largest step's messages (earlier outputs at their minimum) and answer."""
        worst = 0
        for step in self.steps:
            filler = [
                Earlier(e.number, e.title, "x" * MIN_EARLIER_CHARS, "x" * MIN_EARLIER_CHARS)
                for e in placeholders(step, self.steps)
            ]
            messages = self._messages(
                step, filler, self.profile.guidance(step.number, step.spec, self.inputs, {})
            )
            size = sum(self.count(m.content) for m in messages)
            worst = max(worst, size + answer_budget(step, self.window))
        return worst

    def _messages(
        self,
        step: ChainStep,
        earlier: Sequence[Earlier],
        guidance: str,
        schema: Mapping[str, Any] | None = None,
    ) -> tuple[Message, ...]:
        question = StepPrompt(step=step, earlier=tuple(earlier), guidance=guidance, schema=schema)
        return self.style.messages(self.context(), question)


def build_request(
    prompts: RunPrompts, step: ChainStep, outputs: Mapping[int, BaseModel] | None
) -> StepRequest:
    """The request for `step`, given the earlier outputs (None: placeholders, for dry runs)."""
    budget = answer_budget(step, prompts.window)
    known = outputs or {}
    guidance = prompts.profile.guidance(step.number, step.spec, prompts.inputs, known)
    if outputs is None:
        earlier = placeholders(step, prompts.steps)
    else:
        titles = {s.number: s.title for s in prompts.steps}
        earlier = [
            Earlier(
                n,
                titles.get(n, f"step {n}"),
                outputs[n].model_dump_json(),
                prompts.profile.digest(n, outputs[n]),
            )
            for n in step.depends_on
        ]
    room = prompts.window - CONTEXT_MARGIN_TOKENS - budget - prompts.count(prompts.system)
    context = prompts.profile.validation_context(prompts.inputs, known)
    values = tuple(prompts.profile.code_values(step.number, prompts.inputs, known))
    whole = prompts.profile.answer_schema(step.number, step.spec, context)
    schema = unlimit_code_owned(limited(whole, prompts.style.limits), whole, values)
    asked = schema if prompts.style.asks_code_owned else strip_code_owned(schema, values)
    messages = fit_messages(prompts, step, earlier, guidance, room, asked)
    return StepRequest(
        step=step,
        system=prompts.system,
        messages=messages,
        schema=asked,
        answer_schema=schema,
        code_values=values,
        asks_code_owned=prompts.style.asks_code_owned,
        schema_name=step.output_type.__name__,
        max_tokens=budget,
        validation_context=context,
        examples=tuple(prompts.style.examples_shown(prompts.context(), step)),
    )


def fit_messages(
    prompts: RunPrompts,
    step: ChainStep,
    earlier: Sequence[Earlier],
    guidance: str,
    room: int,
    schema: Mapping[str, Any] | None = None,
) -> tuple[Message, ...]:
    """The step's messages, halving the longest earlier output until they fit in `room`."""
    items = list(earlier)
    messages = prompts._messages(step, items, guidance, schema)
    while sum(prompts.count(m.content) for m in messages) > room:
        longest = max(range(len(items)), key=lambda i: len(items[i].json), default=None)
        if longest is None or len(items[longest].json) <= MIN_EARLIER_CHARS + len(TRIM_MARKER):
            break
        items[longest] = items[longest].halved(MIN_EARLIER_CHARS, TRIM_MARKER)
        messages = prompts._messages(step, items, guidance, schema)
    return messages


def limited(schema: dict[str, Any], limits: AnswerLimits) -> dict[str, Any]:
    """`schema` with list sizes and text lengths capped (a copy; `schema` itself is shared)."""
    if limits.max_items is None and limits.max_length is None:
        return schema
    capped = copy.deepcopy(schema)
    _cap(capped, limits)
    return capped


def _cap(node: Any, limits: AnswerLimits) -> None:
    if isinstance(node, dict):
        for key, low, bound in (
            ("maxItems", "minItems", limits.max_items),
            ("maxLength", "minLength", limits.max_length),
        ):
            if bound is not None and isinstance(node.get(key), int):
                node[key] = min(node[key], max(bound, int(node.get(low, 0))))  # minimums stay
        for value in node.values():
            _cap(value, limits)
    elif isinstance(node, list):
        for value in node:
            _cap(value, limits)


def placeholders(step: ChainStep, steps: Sequence[ChainStep]) -> list[Earlier]:
    """Stand-ins for the earlier outputs `step` sees (dry runs and window sizing)."""
    titles = {s.number: s.title for s in steps}
    return [
        Earlier(n, titles.get(n, f"step {n}"), f"(the validated JSON output of step {n})")
        for n in step.depends_on
    ]


def _no_count(_text: str) -> int:
    return 0
