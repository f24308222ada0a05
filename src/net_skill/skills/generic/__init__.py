"""The generic profile: any skill without a profile of its own runs with it.

Every step answers with a `GenericStepReport` (summary, findings, actions, open questions) and
sees the outputs of the steps before it; a skill without `## Steps` runs as one step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from net_skill.outputs import Asked, Plan, StepModel
from net_skill.profile import RunInputs, SkillProfile, StepSpec, register_profile
from net_skill.skill import Skill
from net_skill.structured.paths import prefixed

__all__ = ["GenericPlan", "GenericProfile", "GenericStepReport", "GenericStepResult"]

GUIDANCE = (
    "Report this step: a summary, the findings, the concrete actions and any open questions, "
    "all specific to the situation."
)


Item = Annotated[str, Field(max_length=300), Asked(min=1)]


class GenericStepReport(StepModel):
    """The output of one step of any skill without a dedicated model."""

    summary: Annotated[str, Field(max_length=800), Asked(min=1)]
    findings: list[Item] = Field(max_length=8)
    actions: list[Item] = Field(max_length=8)
    open_questions: list[Item] = Field(max_length=5)


class GenericStepResult(BaseModel):
    number: int
    title: str
    report: GenericStepReport


class GenericPlan(Plan):
    """The result of running any other skill: one report per step."""

    steps: list[GenericStepResult]


class GenericProfile(SkillProfile):
    skill_id: ClassVar[str] = "*"
    plan_type: ClassVar[type[Plan]] = GenericPlan

    def steps(self, skill: Skill) -> Mapping[int, StepSpec]:
        spec = StepSpec(GenericStepReport, guidance=GUIDANCE)
        return {s.number: spec for s in skill.steps} if skill.steps else {1: spec}

    def build_plan(
        self,
        skill: Skill,
        outputs: Mapping[int, BaseModel],
        inputs: RunInputs,
        unanswered: Mapping[int, Sequence[str]] | None = None,
    ) -> GenericPlan:
        titles = {s.number: s.title for s in skill.steps} or {1: skill_title(skill)}
        steps, paths = [], []
        for index, number in enumerate(sorted(titles)):
            report = outputs[number]
            assert isinstance(report, GenericStepReport)
            steps.append(GenericStepResult(number=number, title=titles[number], report=report))
            for path in (unanswered or {}).get(number, ()):
                paths.append(prefixed(f"steps[{index}].report", path))
        return GenericPlan(
            skill_id=skill.id,
            situation=inputs.situation,
            today=inputs.today,
            unanswered=paths,
            steps=steps,
        )

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
        return "\n".join(out).rstrip() + "\n"


def skill_title(skill: Skill) -> str:
    return skill.title or skill.name or skill.id


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"- {line}" for line in lines]


register_profile(GenericProfile())
