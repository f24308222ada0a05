"""The LLM judge: one structured call grading a plan against every criterion.

The judge writes, per criterion, a quoted piece of evidence and its reasoning before its
verdict (met / not_met / not_applicable). It never decides pass or fail: `scoring` does that
in code. Its schema forbids extra fields, so a judge that adds its own `"pass": true` is
re-asked and its flag can never reach a score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from net_skill.backends.base import Backend
from net_skill.eval.criteria import Criterion
from net_skill.prompts import render
from net_skill.structured import complete_structured

Verdict = Literal["met", "not_met", "not_applicable"]

JUDGE_TEMPLATE = "judge.j2"
JUDGE_MAX_TOKENS = 2500
JUDGE_TEMPERATURE = 0.0


class JudgeVerdict(BaseModel):
    """The judge's view of one criterion: evidence and reasoning first, then the verdict."""

    model_config = ConfigDict(extra="forbid")

    criterion_id: Annotated[str, Field(min_length=1, max_length=80)]
    evidence: Annotated[str, Field(max_length=600)] = Field(
        description="The shortest exact quotation from the plan that decides the criterion"
    )
    reasoning: Annotated[str, Field(min_length=1, max_length=800)] = Field(
        description="One to three sentences explaining the judgement"
    )
    verdict: Verdict


class JudgeReport(BaseModel):
    """What the judge returns: one verdict per criterion."""

    model_config = ConfigDict(extra="forbid")

    verdicts: list[JudgeVerdict] = Field(min_length=1, max_length=20)


class JudgeResult(BaseModel):
    """The verdicts by criterion id, plus what judging cost and who judged."""

    verdicts: dict[str, JudgeVerdict]
    missing: list[str] = Field(
        default_factory=list, description="Criteria the judge gave no verdict for"
    )
    ignored: list[str] = Field(
        default_factory=list, description="Verdicts for unknown or repeated criterion ids"
    )
    judge_backend: str
    judge_model: str
    attempts: int
    usage: dict[str, int]
    cost_usd: float | None = None


def judge_messages(
    plan_text: str, criteria: Sequence[Criterion], *, situation: str, skill_name: str
) -> tuple[str, str]:
    """The (system, user) prompt of the judge, for inspection and dry runs."""
    listed = [{"id": c.id, "text": c.text} for c in criteria]
    system = render(JUDGE_TEMPLATE, part="system", skill_name=skill_name, criteria=listed)
    user = render(
        JUDGE_TEMPLATE,
        part="user",
        situation=situation,
        plan_text=plan_text,
        schema_name="JudgeReport",
        criterion_ids=[c.id for c in criteria],
    )
    return system, user


async def judge_plan(
    plan_text: str,
    criteria: Sequence[Criterion],
    *,
    backend: Backend,
    situation: str,
    skill_name: str = "net - Professional Networking",
    max_reasks: int = 1,
) -> JudgeResult:
    """Grade `plan_text` against `criteria` in one structured call (temperature 0).

    Raises `OutputValidationError` when the judge's answer never validates and `BackendError`
    when the backend fails; a verdict missing for a criterion is reported in `missing`.
    """
    if not criteria:
        raise ValueError("judge_plan needs at least one criterion")
    system, user = judge_messages(plan_text, criteria, situation=situation, skill_name=skill_name)
    result = await complete_structured(
        backend,
        system=system,
        prompt=user,
        output_type=JudgeReport,
        schema_name="JudgeReport",
        tag="judge",
        max_reasks=max_reasks,
        max_tokens=JUDGE_MAX_TOKENS,
        temperature=JUDGE_TEMPERATURE,
    )
    wanted = {c.id for c in criteria}
    verdicts: dict[str, JudgeVerdict] = {}
    ignored: list[str] = []
    for verdict in result.value.verdicts:
        if verdict.criterion_id in wanted and verdict.criterion_id not in verdicts:
            verdicts[verdict.criterion_id] = verdict
        else:
            ignored.append(verdict.criterion_id)
    usage = result.usage
    cost = result.cost_usd if result.cost_usd is not None else backend.estimate_cost(usage)
    return JudgeResult(
        verdicts=verdicts,
        missing=[c.id for c in criteria if c.id not in verdicts],
        ignored=ignored,
        judge_backend=backend.name,
        judge_model=result.model or backend.model,
        attempts=len(result.attempts),
        usage=usage.to_dict(),
        cost_usd=cost,
    )
