"""The generic profile: any skill without a profile of its own runs with it.

Every step answers with a `GenericStepReport` (summary, findings, actions, open questions) and
sees the outputs of the steps before it; a skill without `## Steps` runs as one step.

A skill that declares an `output_schema` in its frontmatter (`net_skill.declared`) gets that
schema as the answer of its last step: the plan's `output` holds the validated object, and the
MCP and Anthropic tools advertise the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import override

from net_skill.outputs import Asked, Plan, StepModel
from net_skill.profile import RunInputs, SkillProfile, StepSpec, register_profile
from net_skill.skill import Skill
from net_skill.structured.paths import prefixed

__all__ = [
    "DeclaredOutput",
    "GenericPlan",
    "GenericProfile",
    "GenericStepReport",
    "GenericStepResult",
]

GUIDANCE = (
    "Report this step: a summary, the findings, the concrete actions and any open questions, "
    "all specific to the situation."
)
DECLARED_GUIDANCE = "Answer with the result the skill declares, specific to the situation."

Item = Annotated[str, Field(max_length=300), Asked(min=1)]


class GenericStepReport(StepModel):
    """The output of one step of any skill without a dedicated model."""

    summary: Annotated[str, Field(max_length=800), Asked(min=1)]
    findings: list[Item] = Field(max_length=8)
    actions: list[Item] = Field(max_length=8)
    open_questions: list[Item] = Field(max_length=5)


class DeclaredOutput(StepModel):
    """The answer of a skill's last step when the skill declares its `output_schema`: any
    object, held to the declared schema by the answer checks (the schema is the request's)."""

    model_config = ConfigDict(extra="allow")


class GenericStepResult(BaseModel):
    number: int
    title: str
    report: GenericStepReport


class GenericPlan(Plan):
    """The result of running any other skill: one report per step (and the declared output)."""

    steps: list[GenericStepResult]
    output: dict[str, Any] | None = Field(
        default=None, description="The last step's answer, when the skill declares its output"
    )


class GenericProfile(SkillProfile):
    skill_id: ClassVar[str] = "*"
    plan_type: ClassVar[type[Plan]] = GenericPlan

    @override
    def steps(self, skill: Skill) -> Mapping[int, StepSpec]:
        report = StepSpec(GenericStepReport, guidance=GUIDANCE)
        numbers = [s.number for s in skill.steps] or [1]
        specs = {n: report for n in numbers}
        if skill.output_schema is not None:
            specs[numbers[-1]] = StepSpec(
                DeclaredOutput, guidance=DECLARED_GUIDANCE, schema=skill.output_schema
            )
        return specs

    @override
    def build_plan(
        self,
        skill: Skill,
        outputs: Mapping[int, BaseModel],
        inputs: RunInputs,
        unanswered: Mapping[int, Sequence[str]] | None = None,
    ) -> GenericPlan:
        titles = {s.number: s.title for s in skill.steps} or {1: skill_title(skill)}
        steps: list[GenericStepResult] = []
        paths: list[str] = []
        declared: dict[str, Any] | None = None
        for number in sorted(titles):
            output = outputs[number]
            missing = (unanswered or {}).get(number, ())
            if isinstance(output, DeclaredOutput):
                declared = output.model_dump(mode="json")
                paths += [prefixed("output", path) for path in missing]
                continue
            assert isinstance(output, GenericStepReport)
            prefix = f"steps[{len(steps)}].report"
            steps.append(GenericStepResult(number=number, title=titles[number], report=output))
            paths += [prefixed(prefix, path) for path in missing]
        return GenericPlan(
            skill_id=skill.id,
            situation=inputs.situation,
            today=inputs.today,
            unanswered=paths,
            steps=steps,
            output=declared,
        )

    @override
    def render_markdown(self, plan: Plan) -> str:
        assert isinstance(plan, GenericPlan)
        out = [f"# {plan.skill_id}: results", "", f"*Prepared {plan.today.isoformat()}.*", ""]
        for step in plan.steps:
            report = step.report
            out += [f"## Step {step.number}: {step.title}", "", report.summary, ""]
            for heading, lines in (
                ("Findings", report.findings),
                ("Actions", report.actions),
                ("Open questions", report.open_questions),
            ):
                if lines:
                    out += [f"**{heading}:**", *_bullets(lines), ""]
        if plan.output is not None:
            out += ["## Result", "", "```json", json.dumps(plan.output, indent=2), "```", ""]
        return "\n".join(out).rstrip() + "\n"

    @override
    def output_schema(self, skill: Skill) -> dict[str, Any]:
        return skill.output_schema or super().output_schema(skill)

    @override
    def input_schema(self, skill: Skill) -> dict[str, Any] | None:
        return skill.input_schema


def skill_title(skill: Skill) -> str:
    return skill.title or skill.name or skill.id


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"- {line}" for line in lines]


register_profile(GenericProfile())
