"""Skill profiles: everything particular to one skill, registered by skill id.

The runner, the eval harness, the MCP server and the tool definition know no skill. They ask
the skill's profile for its step models and dependencies, per-step guidance and worked
examples, the validation context and schema narrowing, how to assemble and render the plan,
and the criteria and checks that score it. A skill without a registered profile gets the
generic one (`net_skill.skills.generic`), so every skill file of the format runs.

    register_profile(MyProfile())      # once, at import time of the profile's package
    profile = profile_for(skill)       # the registered profile, or the generic one
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, create_model

from net_skill.outputs import Plan, StepModel, schema_of
from net_skill.skill import Skill

if TYPE_CHECKING:
    from net_skill.eval.checks import Check
    from net_skill.structured.answers import AnswerCheck

__all__ = [
    "CodeValue",
    "CriterionSpec",
    "RunInputs",
    "SinglePromptSpec",
    "SkillProfile",
    "StepSpec",
    "WorkedExample",
    "profile_for",
    "profile_for_plan",
    "register_profile",
    "registered_profiles",
]


DIGEST_CHARS = 600


@dataclass(frozen=True)
class RunInputs:
    """What the user gave a run: the situation, an optional contacts text, and the day."""

    situation: str
    contacts: str | None = None
    today: date = field(default_factory=date.today)
    known_names: Collection[str] = ()
    """Everyone in the user's contacts file or tracker, of whom `contacts` shows only a bounded
    selection: these names count as known too (`name in known_names`; see
    `net_skill.contacts.KnownNames`, which folds case and accents)."""
    contacts_summary: Mapping[str, Any] | None = None
    """How `contacts` was chosen from a larger file (`ContactsDigest.summary()`): sources,
    counts read and considered, why, and the names listed."""

    @property
    def source_text(self) -> str:
        """All the text the user wrote: names and facts may only come from here."""
        return self.situation + ("\n" + self.contacts if self.contacts else "")


@dataclass(frozen=True)
class WorkedExample:
    """One worked example of a step's answer, shown to small models as an earlier chat turn."""

    situation: str
    answer: StepModel
    earlier: Mapping[int, StepModel] = field(default_factory=dict)
    """Outputs of the steps this step depends on, as they were for this example."""


@dataclass(frozen=True)
class CodeValue:
    """A value of a step's answer that code writes: at `path` (`"*"` for every item of a
    list), either `value` or what `compute` makes of the object that holds it."""

    path: tuple[str, ...]
    value: Any = None
    compute: Callable[[Mapping[str, Any]], Any] | None = None

    def for_item(self, holder: Mapping[str, Any]) -> Any:
        return self.compute(holder) if self.compute is not None else self.value


@dataclass(frozen=True)
class StepSpec:
    """How one step of a skill runs: its answer type, what it needs, what to tell the model."""

    output_type: type[StepModel]
    depends_on: tuple[int, ...] | None = None
    """Numbers of the steps whose outputs it sees; None: every earlier step."""
    guidance: str = ""
    instruction: str = ""
    """One short sentence saying what to write (the compact prompt's whole question)."""
    schema: dict[str, Any] | None = None
    """The answer's JSON schema when it is not the output type's own (a declared output)."""


@dataclass(frozen=True)
class SinglePromptSpec:
    """The whole skill asked as one prompt (the single-prompt baseline of `eval`)."""

    output_type: type[StepModel]
    outputs: Callable[[StepModel], dict[int, BaseModel]]
    """The step outputs inside one answer, by step number."""
    guidance: str = ""


@dataclass(frozen=True)
class CriterionSpec:
    """A Verification item a profile knows: its stable id and the checks that cover it."""

    id: str
    checks: tuple[Check[Any], ...] = ()


class SkillProfile(ABC):
    """What is particular to one skill. Subclasses set `skill_id` and `plan_type`.

    Only `steps`, `build_plan` and `render_markdown` must be written; every other hook has a
    default that suits a skill with no special needs.
    """

    skill_id: ClassVar[str]
    """The id of the skill served (`Skill.id`); the generic profile uses `"*"`."""
    plan_type: ClassVar[type[Plan]]

    def accepts(self, skill: Skill) -> bool:
        """Whether this profile can run `skill` (its id already matched `skill_id`)."""
        return True

    @abstractmethod
    def steps(self, skill: Skill) -> Mapping[int, StepSpec]:
        """The spec of each step, by step number (one entry, number 1, for a step-less skill)."""

    def guidance(
        self, number: int, spec: StepSpec, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> str:
        """Extra guidance for a step, given the input and the outputs so far."""
        return spec.guidance

    def examples(self, number: int) -> Sequence[WorkedExample]:
        """Worked examples of a step's answer (compact prompts show the first)."""
        return ()

    def digest(self, number: int, output: BaseModel) -> str:
        """A step's output as a short text, for prompts that cannot afford its whole JSON."""
        text = output.model_dump_json(exclude_defaults=True)
        return text if len(text) <= DIGEST_CHARS else text[: DIGEST_CHARS - 1] + "…"

    def rules(self, inputs: RunInputs) -> Sequence[str]:
        """Rules of this skill added to the prompt's general rules."""
        return ()

    def situation_advice(self, situation: str) -> str | None:
        """A sentence to the user when the situation says too little for a plan built from
        its words (default: none)."""
        return None

    def validation_context(
        self, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> dict[str, Any]:
        """What the step models' validators read (`model_validate(..., context=...)`)."""
        return {"source_text": inputs.source_text}

    def answer_schema(
        self, number: int, spec: StepSpec, context: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The JSON schema sent for a step, narrowed to what this run allows (default: as is).

        The result may be shared between calls (cached): treat it as read-only."""
        return spec.schema or schema_of(spec.output_type)

    def code_values(
        self, number: int, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> Sequence[CodeValue]:
        """Values of a step's answer that code can write from the skill and the input (the
        closing questions the skill prescribes, say). A prompt style for small models leaves
        them out of what it asks; otherwise they fill in what the model left empty."""
        return ()

    def answer_checks(
        self, number: int, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> Sequence[AnswerCheck]:
        """Checks of a step's answer beyond its schema and model (each problem is re-asked)."""
        return ()

    def rank_answer(
        self, number: int, output: BaseModel, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> float | None:
        """How well a valid answer does on the step's own deterministic checks (0 to 1), to
        choose among sampled candidates; None: no preference."""
        return None

    def ground(
        self, number: int, output: BaseModel, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> BaseModel:
        """Correct, in code, what the text itself decides (default: nothing)."""
        return output

    @abstractmethod
    def build_plan(
        self,
        skill: Skill,
        outputs: Mapping[int, BaseModel],
        inputs: RunInputs,
        unanswered: Mapping[int, Sequence[str]] | None = None,
    ) -> Plan:
        """Assemble the run's plan from the step outputs (and compute what code can).

        `unanswered` holds, per step, the paths (within that step's output) left empty; the
        plan lists them as paths within the plan (`Plan.unanswered`)."""

    @abstractmethod
    def render_markdown(self, plan: Plan) -> str:
        """The plan as markdown (plan.md and the terminal view)."""

    def single_prompt(self, skill: Skill) -> SinglePromptSpec:
        """The answer model of the whole skill in one prompt: by default one field per step
        (`step_1`, `step_2`, ...) holding that step's answer."""
        return _single_prompt_of(self.steps(skill))

    def criteria(self) -> Mapping[str, CriterionSpec]:
        """Known Verification items by normalised text (`eval.criteria.normalise`)."""
        return {}

    def tool_notes(self) -> str:
        """A sentence for the tool description about what the plan guarantees."""
        return ""

    def output_schema(self, skill: Skill) -> dict[str, Any]:
        """The JSON schema of the run's result (MCP output schema, tool docs)."""
        return self.plan_type.model_json_schema()

    def input_schema(self, skill: Skill) -> dict[str, Any] | None:
        """A declared JSON schema of the run's input, or None for free text."""
        return None

    def parse_plan(self, data: Mapping[str, Any]) -> Plan:
        """Validate a saved plan of this profile (raises pydantic's ValidationError)."""
        return self.plan_type.model_validate(data)


_LOCK = threading.Lock()
_PROFILES: dict[str, SkillProfile] = {}
_builtins_loaded = False


def register_profile(profile: SkillProfile, *, replace: bool = False) -> SkillProfile:
    """Make `profile` serve its `skill_id`; a second profile for one id is refused."""
    with _LOCK:
        existing = _PROFILES.get(profile.skill_id)
        if existing is not None and existing is not profile and not replace:
            raise ValueError(
                f"skill id {profile.skill_id!r} already has a profile "
                f"({type(existing).__name__}); pass replace=True to swap it"
            )
        _PROFILES[profile.skill_id] = profile
    return profile


def unregister_profile(skill_id: str) -> None:
    with _LOCK:
        _PROFILES.pop(skill_id, None)


def _load_builtins() -> None:
    global _builtins_loaded
    if not _builtins_loaded:
        import net_skill.skills  # noqa: F401  (registers the built-in profiles)

        _builtins_loaded = True


def registered_profiles() -> dict[str, SkillProfile]:
    _load_builtins()
    with _LOCK:
        return dict(_PROFILES)


def profile_for(skill: Skill) -> SkillProfile:
    """The profile registered for `skill.id` when it accepts the skill, else the generic one."""
    profiles = registered_profiles()
    chosen = profiles.get(skill.id)
    if chosen is not None and chosen.accepts(skill):
        return chosen
    return profiles["*"]


def profile_for_plan(data: Mapping[str, Any]) -> SkillProfile:
    """The profile that reads a saved plan.

    By the plan's `skill_id` when that skill has a profile and the plan is not a generic one;
    else the profile whose plan type has every field the plan's keys need (a plan of a
    profile's shape made for another skill id); a plan without a skill id or `steps` is taken
    to be of the bundled default skill; else the generic profile.
    """
    profiles = registered_profiles()
    generic = profiles["*"]
    skill_id = data.get("skill_id")
    chosen = profiles.get(skill_id) if isinstance(skill_id, str) else None
    if "steps" in data and set(data) <= set(generic.plan_type.model_fields):
        return generic
    if chosen is not None:
        return chosen
    keys = set(data)
    for profile in profiles.values():
        required = {n for n, f in profile.plan_type.model_fields.items() if f.is_required()}
        if profile is not generic and required - {"skill_id"} <= keys:
            return profile
    if skill_id is None and "steps" not in data:
        return profile_for(_default_skill())
    return generic


def _default_skill() -> Skill:
    from net_skill.loader import load_bundled_skill

    return load_bundled_skill()


def _single_prompt_of(specs: Mapping[int, StepSpec]) -> SinglePromptSpec:
    fields: dict[str, Any] = {f"step_{n}": (spec.output_type, ...) for n, spec in specs.items()}
    model = create_model("SinglePromptOutput", __base__=StepModel, **fields)

    def outputs(answer: StepModel) -> dict[int, BaseModel]:
        return {n: getattr(answer, f"step_{n}") for n in specs}

    return SinglePromptSpec(model, outputs=outputs)
