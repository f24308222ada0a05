"""The networking profile: how `skill.md` (id `net`, steps 1 to 8) runs and is scored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import BaseModel
from typing_extensions import override

from net_skill.names import constrain_name_fields
from net_skill.outputs import Plan, StepModel, schema_of
from net_skill.profile import (
    CodeValue,
    CriterionSpec,
    RunInputs,
    SinglePromptSpec,
    SkillProfile,
    StepSpec,
    WorkedExample,
)
from net_skill.prompts import delimit
from net_skill.skill import Skill
from net_skill.skills.networking.answer_checks import step_answer_checks
from net_skill.skills.networking.baseline import SINGLE_PROMPT
from net_skill.skills.networking.checks import NETWORKING_CRITERIA, rank_step
from net_skill.skills.networking.grounding import ground_step, named_people
from net_skill.skills.networking.models import (
    NETWORKING_STEP_DEPENDENCIES,
    NETWORKING_STEP_MODELS,
    NetworkAudit,
    TargetList,
)
from net_skill.skills.networking.network import NetworkSummary
from net_skill.skills.networking.plan import (
    NETWORKING_FIELDS,
    NetworkingPlan,
    build_networking_plan,
)
from net_skill.skills.networking.prescribed import prescribed_values
from net_skill.skills.networking.render import render_networking_markdown
from net_skill.skills.networking.worked import digest, worked_examples
from net_skill.structured import AnswerCheck
from net_skill.structured.paths import prefixed, resolve
from net_skill.text import count_words

TERSE_WORDS = 15
"""Fewer words than this rarely say who the person is, what they want and whom they know."""
NAME_FIELDS = frozenset({"name", "via"})
"""Fields that hold a person's name: narrowed to the names found in the text."""
PARTY_FIELDS = frozenset({"person"})
"""Fields of Steps 7 and 8 that name a contact or target: narrowed to those of Steps 2 and 4."""

_GUIDANCE: dict[int, str] = {
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

_INSTRUCTIONS: dict[int, str] = {
    1: "Define this person's networking purpose: the goal, what they need, who can help.",
    2: "Audit the people this person already knows: each contact, and what is missing.",
    3: "Say what value this person can offer others in the field they are aiming at.",
    4: "List the people to reach, in priority order, with research on each.",
    5: "Write a short outreach message to each target.",
    6: "Prepare an informational interview with each target.",
    7: "Plan how to keep in touch with each contact and target.",
    8: "Plan the asks: who to ask for a referral, advice or an introduction, and how.",
}

RULES = (
    "Never invent people. Write a person's name only if it appears in the situation{contacts}; "
    "otherwise set the name to null and describe the person (role, company, context) so they "
    "can be found.",
    "Do not write dates or schedules: they are computed separately from today's date.",
)


class NetworkingProfile(SkillProfile):
    skill_id: ClassVar[str] = "net"
    plan_type: ClassVar[type[Plan]] = NetworkingPlan

    @override
    def accepts(self, skill: Skill) -> bool:
        return [s.number for s in skill.steps] == list(NETWORKING_STEP_MODELS)

    @override
    def steps(self, skill: Skill) -> Mapping[int, StepSpec]:
        return {
            number: StepSpec(
                output_type=model,
                depends_on=NETWORKING_STEP_DEPENDENCIES[number],
                guidance=_GUIDANCE.get(number, ""),
                instruction=_INSTRUCTIONS[number],
            )
            for number, model in NETWORKING_STEP_MODELS.items()
        }

    @override
    def guidance(
        self, number: int, spec: StepSpec, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> str:
        count = target_count_of(outputs)
        targets = f"1 to {count}" if count else "1 to the number of Step 4 targets"
        text = spec.guidance.replace("{targets}", targets)
        if number == 2:
            people = named_people(inputs.source_text)
            listed = "; ".join(
                f"{p.name} ({p.description})" if p.description else p.name for p in people
            )
            text += (
                "\nThe people the situation names, in its own words:\n" + delimit(listed, "people")
                if people
                else " It names nobody."
            )
        return text

    @override
    def examples(self, number: int) -> Sequence[WorkedExample]:
        return worked_examples().get(number, ())

    @override
    def digest(self, number: int, output: BaseModel) -> str:
        return digest(output)

    @override
    def rules(self, inputs: RunInputs) -> Sequence[str]:
        contacts = " or the contacts" if inputs.contacts else ""
        return tuple(rule.replace("{contacts}", contacts) for rule in RULES)

    @override
    def validation_context(
        self, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> dict[str, Any]:
        context: dict[str, Any] = {"source_text": inputs.source_text}
        if inputs.known_names:
            context["known_names"] = inputs.known_names
        if inputs.contacts_summary:
            context["listed_names"] = list(inputs.contacts_summary.get("listed_names") or ())
        count = target_count_of(outputs)
        if count is not None:
            context["target_count"] = count
        people = people_of(outputs)
        if people:
            context["people"] = people
        return context

    @override
    def answer_schema(
        self, number: int, spec: StepSpec, context: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Name fields may only hold the people the source text names (organisations left out),
        Steps 7 and 8 only name Step 2 contacts and Step 4 targets, and target numbers are only
        the numbers of the actual Step 4 targets. Constrained decoding then makes an invented
        name or a dangling target impossible rather than merely rejected (a small model
        otherwise repeats the same mistake through every re-ask). Validators still check both.
        """
        listed = [str(n) for n in context.get("listed_names") or ()]
        found = [p.name for p in named_people(str(context.get("source_text", "")))]
        names = tuple(dict.fromkeys([*found, *listed]))
        count = context.get("target_count")
        people = tuple(context.get("people") or ())
        return _narrowed(spec.output_type, names, count if isinstance(count, int) else None, people)

    @override
    def situation_advice(self, situation: str) -> str | None:
        """Terse situations (`need a job in sales`) give a small model nothing to build on."""
        count = count_words(situation)
        if count >= TERSE_WORDS:
            return None
        return (
            f"the situation has only {count} word{'s' if count != 1 else ''}; the plan is built "
            "from its words, so say who you are, what you want, where, and the people you "
            "know (by name and how you know them)"
        )

    @override
    def ground(
        self, number: int, output: BaseModel, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> BaseModel:
        """Relationships, strengths and descriptions of named contacts come from the
        situation's own words; tracked contacts keep the strength the audit gave them."""
        audit = outputs.get(2)
        return ground_step(
            output, inputs.source_text, audit if isinstance(audit, NetworkAudit) else None
        )

    @override
    def rank_answer(
        self, number: int, output: BaseModel, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> float | None:
        """The share of the step's own Verification checks its answer passes."""
        return rank_step(number, output, inputs.source_text, outputs)

    @override
    def answer_checks(
        self, number: int, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> Sequence[AnswerCheck]:
        return step_answer_checks(number, inputs.source_text)

    @override
    def code_values(
        self, number: int, inputs: RunInputs, outputs: Mapping[int, BaseModel]
    ) -> Sequence[CodeValue]:
        return prescribed_values(number, outputs)

    @override
    def build_plan(
        self,
        skill: Skill,
        outputs: Mapping[int, BaseModel],
        inputs: RunInputs,
        unanswered: Mapping[int, Sequence[str]] | None = None,
    ) -> NetworkingPlan:
        paths = [
            prefixed(NETWORKING_FIELDS[number], path)
            for number, step_paths in sorted((unanswered or {}).items())
            for path in step_paths
        ]
        summary = inputs.contacts_summary
        return build_networking_plan(
            outputs,
            situation=inputs.situation,
            today=inputs.today,
            skill_id=skill.id,
            unanswered=paths,
            network_summary=NetworkSummary.model_validate(summary) if summary else None,
        )

    @override
    def render_markdown(self, plan: Plan) -> str:
        assert isinstance(plan, NetworkingPlan)
        return render_networking_markdown(plan)

    @override
    def single_prompt(self, skill: Skill) -> SinglePromptSpec:
        return SINGLE_PROMPT

    @override
    def criteria(self) -> Mapping[str, CriterionSpec]:
        return NETWORKING_CRITERIA

    @override
    def tool_notes(self) -> str:
        return (
            "People are never invented: only names that appear in the situation or contacts "
            "are used; dates and follow-up cadences are computed from `today`."
        )


def target_count_of(outputs: Mapping[int, BaseModel]) -> int | None:
    step4 = outputs.get(4)
    return len(step4.targets) if isinstance(step4, TargetList) else None


def people_of(outputs: Mapping[int, BaseModel]) -> list[str]:
    """The Step 2 contacts and Step 4 targets, as Steps 7 and 8 must name them."""
    people: list[str] = []
    audit, targets = outputs.get(2), outputs.get(4)
    if isinstance(audit, NetworkAudit):
        people += [c.name or c.description for c in audit.contacts]
    if isinstance(targets, TargetList):
        people += [t.label for t in targets.targets]
    return [p for p in dict.fromkeys(people) if p.strip()]


@lru_cache(maxsize=256)
def _narrowed(
    output_type: type[StepModel],
    names: tuple[str, ...],
    target_count: int | None,
    people: tuple[str, ...],
) -> dict[str, Any]:
    # Shared between calls: treat the result as read-only.
    narrowed = constrain_name_fields(schema_of(output_type), list(names), NAME_FIELDS)
    if target_count is not None:
        _constrain_target_numbers(narrowed, target_count)
        _one_item_per_target(narrowed, target_count)
    if people:
        _constrain_strings(narrowed, PARTY_FIELDS, list(people))
    return narrowed


def _constrain_strings(node: Any, fields: frozenset[str], allowed: list[str]) -> None:
    """Replace every string property named in `fields` by an enum of `allowed`, in place."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for key in fields & set(properties):
                prop = properties[key]
                if isinstance(prop, dict) and prop.get("type") == "string":
                    described = (
                        {"description": prop["description"]} if "description" in prop else {}
                    )
                    properties[key] = {"type": "string", "enum": allowed, **described}
        for value in node.values():
            _constrain_strings(value, fields, allowed)
    elif isinstance(node, list):
        for value in node:
            _constrain_strings(value, fields, allowed)


def _one_item_per_target(schema: dict[str, Any], count: int) -> None:
    """Cap the lists whose items are each for one target (messages, preparations) at the
    number of targets, in place: code keeps one item per target, so a second item for the one
    target is tokens written for nothing."""
    for prop in schema.get("properties", {}).values():
        if not isinstance(prop, dict) or prop.get("type") != "array":
            continue
        items = resolve(prop.get("items", {}), schema)
        if "target" in items.get("properties", {}):
            bound = max(count, 1, int(prop.get("minItems", 0)))
            prop["maxItems"] = min(int(prop.get("maxItems", bound)), bound)


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
