"""The step chain of a skill: which steps, in what order, with which prompts and limits.

Prompt layout (see `prompts/system.j2` and `prompts/step.j2`):

* `system`: identical for every step of a run: the rules, the whole skill text with
  `$ARGUMENTS` replaced by the (delimited) situation, the situation block and the optional
  contacts block. llama.cpp reuses its KV cache for this prefix; Anthropic caches it.
* the step message: the step's own text and checklist, the validated outputs of the earlier
  steps it depends on (and only those), step guidance and the JSON schema of its answer.

Fitting the model's context window (`Backend.context_window`, `Backend.count_tokens`):

1. Each step reserves room for its answer: the schema's worst-case size, at most a quarter of
   the window (never below 512 tokens).
2. Earlier-step outputs are trimmed first: the longest JSON is halved, again and again, down to
   `MIN_EARLIER_CHARS` each, until the step message fits.
3. Then the skill text (once per run, so `system` stays identical for all steps): first the
   copy of the situation inside it is replaced by a pointer to the situation block, then its
   tail is cut with a visible marker.
4. The situation is never trimmed (its size is capped by `MAX_SITUATION_CHARS` up front); if it
   alone does not fit, the run stops with an `InputError` that says how much to cut.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from pydantic import BaseModel

from net_skill.errors import InputError
from net_skill.loader import skill_text_with_arguments, substitute_arguments
from net_skill.names import candidate_names, constrain_name_fields
from net_skill.networking import NETWORKING_STEP_DEPENDENCIES, NETWORKING_STEP_MODELS, TargetList
from net_skill.plan import GenericStepReport
from net_skill.prompts import delimit, render
from net_skill.skill import Skill
from net_skill.structured import schema_of

TokenCounter = Callable[[str], int]

MIN_ANSWER_TOKENS = 512
MAX_ANSWER_TOKENS = 4096
CONTEXT_MARGIN_TOKENS = 64
"""Room for the chat template's own tokens (role markers and the like)."""
MIN_EARLIER_CHARS = 400
TRIM_MARKER = " …[trimmed to fit the model's context window]"
SKILL_TRIM_MARKER = (
    "\n…[the rest of the skill text was trimmed to fit the model's context window; "
    "each step's own text comes with that step]"
)
SITUATION_POINTER = "(the situation, given below in the <situation> block)"

_NETWORKING_GUIDANCE: dict[int, str] = {
    1: "Pick the one primary goal that fits best; needs and helpers must follow from it.",
    2: (
        "List only people the situation mentions (by name, or described when unnamed); "
        "an empty contacts list is fine when it mentions none."
    ),
    4: (
        "List the targets in priority order: later steps refer to them by number "
        "(1 = the first target). Use specific names from the situation where possible; "
        "otherwise set name to null and describe the person precisely."
    ),
    5: "`target` is the number of a target in the Step 4 list ({targets}).",
    6: "`target` is the number of a target in the Step 4 list ({targets}).",
    7: "Track the contacts and targets above; relationship strength decides the cadence.",
    8: "Each ask must suit the relationship strength; write the message ready to send.",
}
_GENERIC_GUIDANCE = (
    "Report this step: a summary, the findings, the concrete actions and any open questions, "
    "all specific to the situation."
)


@dataclass(frozen=True)
class ChainStep:
    number: int
    title: str
    text: str
    checklist: tuple[str, ...]
    output_type: type[BaseModel]
    depends_on: tuple[int, ...]
    max_tokens: int

    @property
    def tag(self) -> str:
        return f"step-{self.number}"


def is_networking(skill: Skill) -> bool:
    """The bundled networking skill (id `net`, steps 1 to 8) gets the typed step models."""
    return skill.id == "net" and [s.number for s in skill.steps] == list(NETWORKING_STEP_MODELS)


def chain_steps(skill: Skill) -> list[ChainStep]:
    """The steps to run: typed for `net`, `GenericStepReport` (sequential) for anything else."""
    if not skill.steps:
        title = skill.title or skill.name or skill.id
        text = "Apply the whole skill (the <skill> block above) to the situation, as one step."
        return [_chain_step(1, title, text, (), GenericStepReport, ())]
    networking = is_networking(skill)  # its steps are 1 to 8 in order, so sorting keeps them
    steps = sorted(skill.steps, key=lambda s: s.number)
    chain = []
    for index, s in enumerate(steps):
        output_type: type[BaseModel] = GenericStepReport
        depends_on = tuple(p.number for p in steps[:index])
        if networking:
            output_type = NETWORKING_STEP_MODELS[s.number]
            depends_on = NETWORKING_STEP_DEPENDENCIES[s.number]
        chain.append(
            _chain_step(s.number, s.title, s.body, _checklist(s.items), output_type, depends_on)
        )
    return chain


def _chain_step(
    number: int,
    title: str,
    text: str,
    checklist: tuple[str, ...],
    output_type: type[BaseModel],
    depends_on: tuple[int, ...],
) -> ChainStep:
    return ChainStep(
        number=number,
        title=title,
        text=text.strip() or title,
        checklist=checklist,
        output_type=output_type,
        depends_on=depends_on,
        max_tokens=answer_token_cap(schema_of(output_type)),
    )


def _checklist(items: Sequence[Any]) -> tuple[str, ...]:
    return tuple(str(item.text).rstrip(":").strip() for item in items if str(item.text).strip())


def answer_token_cap(schema: Mapping[str, Any]) -> int:
    """The worst-case answer size from the schema's caps (about 3 characters a token)."""
    chars = _max_chars(schema, schema.get("$defs", {}))
    return max(MIN_ANSWER_TOKENS, min(MAX_ANSWER_TOKENS, chars // 3))


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


def answer_budget(step: ChainStep, context_window: int) -> int:
    return min(step.max_tokens, max(MIN_ANSWER_TOKENS, context_window // 4))


def step_guidance(step: ChainStep, *, networking: bool, target_count: int | None) -> str:
    if not networking:
        return _GENERIC_GUIDANCE
    text = _NETWORKING_GUIDANCE.get(step.number, "")
    targets = f"1 to {target_count}" if target_count else "1 to the number of Step 4 targets"
    return text.replace("{targets}", targets)


def target_count_of(outputs: Mapping[int, BaseModel], networking: bool) -> int | None:
    step4 = outputs.get(4)
    if networking and isinstance(step4, TargetList):
        return len(step4.targets)
    return None


def validation_context(
    situation: str, contacts: str | None, outputs: Mapping[int, BaseModel], networking: bool
) -> dict[str, Any]:
    """What validators need: the text names may come from, and the number of Step 4 targets."""
    context: dict[str, Any] = {"source_text": situation + ("\n" + contacts if contacts else "")}
    count = target_count_of(outputs, networking)
    if count is not None:
        context["target_count"] = count
    return context


def step_schema(output_type: type[BaseModel], context: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON schema sent for a step, narrowed to what this run allows.

    Person-name fields may only hold names found in the source text, and Step 4 target numbers
    only the numbers of the actual targets. Constrained decoding then makes an invented name or
    a dangling target impossible rather than merely rejected (a small model otherwise repeats
    the same mistake through every re-ask). Validators still check both.
    """
    names = tuple(candidate_names(str(context.get("source_text", ""))))
    count = context.get("target_count")
    return _narrowed_schema(output_type, names, count if isinstance(count, int) else None)


@lru_cache(maxsize=256)
def _narrowed_schema(
    output_type: type[BaseModel], names: tuple[str, ...], target_count: int | None
) -> dict[str, Any]:
    # Shared between calls: treat the result as read-only.
    schema = constrain_name_fields(schema_of(output_type), list(names))
    if target_count is not None:
        _constrain_target_numbers(schema, target_count)
    return schema


def _constrain_target_numbers(node: Any, count: int) -> None:
    """Replace every integer `target` property with an enum of 1..count, in place."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            target = properties.get("target")
            if isinstance(target, dict) and target.get("type") == "integer":
                described = (
                    {"description": target["description"]} if "description" in target else {}
                )
                properties["target"] = {
                    "type": "integer",
                    "enum": list(range(1, max(count, 1) + 1)),
                    **described,
                }
        for value in node.values():
            _constrain_target_numbers(value, count)
    elif isinstance(node, list):
        for value in node:
            _constrain_target_numbers(value, count)


# --- system prompt ---------------------------------------------------------------------------


def skill_text_for(skill: Skill, situation: str) -> str:
    """The skill body with `$ARGUMENTS` replaced by the delimited situation."""
    return skill_text_with_arguments(skill, delimit(situation, "situation"))


def render_system(
    skill: Skill, situation: str, contacts: str | None, *, networking: bool, skill_text: str
) -> str:
    return render(
        "system.j2",
        skill_name=skill.name or skill.id,
        networking=networking,
        skill_text=skill_text,
        situation=situation,
        contacts=contacts or "",
    )


def fit_system(
    skill: Skill,
    situation: str,
    contacts: str | None,
    *,
    networking: bool,
    room: int,
    count: TokenCounter,
) -> str:
    """The system prompt, with the skill text trimmed (never the situation) to `room` tokens."""

    def build(text: str) -> str:
        return render_system(skill, situation, contacts, networking=networking, skill_text=text)

    full = build(skill_text_for(skill, situation))
    if count(full) <= room:
        return full
    pointed = substitute_arguments(skill.body.strip("\n"), SITUATION_POINTER)
    candidate = build(pointed)
    if count(candidate) <= room:
        return candidate
    if count(build(SKILL_TRIM_MARKER.strip())) > room:
        raise InputError(
            f"the situation{' and contacts' if contacts else ''} do not fit the model's context "
            f"window ({room:,} tokens left for them and the rules); shorten the text"
        )
    low, high = 0, len(pointed)
    while low < high:  # the longest head of the skill text that still fits
        middle = (low + high + 1) // 2
        if count(build(pointed[:middle] + SKILL_TRIM_MARKER)) <= room:
            low = middle
        else:
            high = middle - 1
    return build(pointed[:low] + SKILL_TRIM_MARKER)


# --- step messages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Earlier:
    number: int
    title: str
    json: str


def render_step(step: ChainStep, *, total: int, earlier: Sequence[Earlier], guidance: str) -> str:
    return render(
        "step.j2",
        number=step.number,
        total=total,
        title=step.title,
        step_text=step.text,
        checklist=list(step.checklist),
        earlier=[{"number": e.number, "title": e.title, "json": e.json} for e in earlier],
        guidance=guidance,
        schema_name=step.output_type.__name__,
        schema=schema_text(step.output_type),
    )


def fit_step(
    step: ChainStep,
    *,
    total: int,
    earlier: Sequence[Earlier],
    guidance: str,
    room: int,
    count: TokenCounter,
) -> str:
    """The step message, halving the longest earlier output until it fits in `room` tokens."""
    items = list(earlier)
    prompt = render_step(step, total=total, earlier=items, guidance=guidance)
    while count(prompt) > room:
        longest = max(range(len(items)), key=lambda i: len(items[i].json), default=None)
        if longest is None or len(items[longest].json) <= MIN_EARLIER_CHARS + len(TRIM_MARKER):
            break
        item = items[longest]
        keep = max(MIN_EARLIER_CHARS, len(item.json) // 2)
        items[longest] = Earlier(item.number, item.title, item.json[:keep] + TRIM_MARKER)
        prompt = render_step(step, total=total, earlier=items, guidance=guidance)
    return prompt


def placeholder_earlier(step: ChainStep, titles: Mapping[int, str]) -> list[Earlier]:
    """Stand-ins for earlier outputs (dry runs and window planning)."""
    return [
        Earlier(n, titles.get(n, f"step {n}"), f"(the validated JSON output of step {n})")
        for n in step.depends_on
    ]


@cache
def schema_text(output_type: type[BaseModel]) -> str:
    """The answer's shape as a compact outline: field names, types, limits and descriptions.

    Shorter than the JSON schema (about half the tokens) and easier for small models to follow;
    the backend still receives the exact schema in `CompletionRequest.schema`.
    """
    schema = schema_of(output_type)
    return "\n".join(_outline(schema, schema.get("$defs", {}), ""))


def _outline(schema: Mapping[str, Any], defs: Mapping[str, Any], pad: str) -> list[str]:
    lines = [pad + "{"]
    required = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        kind, nested = _describe(sub, defs, pad + "  ")
        optional = "" if name in required else " (optional)"
        lines.append(f'{pad}  "{name}"{optional}: {kind}')
        lines.extend(nested)
    lines.append(pad + "}")
    return lines


def _describe(
    schema: Mapping[str, Any], defs: Mapping[str, Any], pad: str
) -> tuple[str, list[str]]:
    if "$ref" in schema:
        return _describe(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, pad)
    note = f" ({schema['description']})" if schema.get("description") else ""
    options = schema.get("anyOf")
    if options:
        kinds = [o for o in options if o.get("type") != "null"]
        kind, nested = _describe(kinds[0], defs, pad) if kinds else ("null", [])
        nullable = " or null" if len(kinds) < len(options) else ""
        return f"{kind}{nullable}{note}", nested
    if "enum" in schema:
        return "one of " + " | ".join(json.dumps(v) for v in schema["enum"]) + note, []
    kind = schema.get("type", "object")
    if kind == "object":
        return "object" + note, _outline(schema, defs, pad)
    if kind == "array":
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        size = f"{low} to {high}" if high is not None else f"at least {low}"
        item, nested = _describe(schema.get("items", {}), defs, pad)
        return f"list of {size}: {item}{note}", nested
    if kind == "string":
        limit = schema.get("maxLength")
        return ("text" + (f" (at most {limit} characters)" if limit else "") + note), []
    if kind == "integer" and "minimum" in schema and "maximum" in schema:
        return f"integer {schema['minimum']} to {schema['maximum']}{note}", []
    return str(kind) + note, []
