"""Scoring a plan: deterministic checks and the judge combined per criterion, in code.

Rules (also in docs/eval-scoring.md):
- A criterion is **met** only when all its checks pass (if it has checks) and the judge, when
  it gave an opinion, says "met". Its `score` is 1.0 when met and 0.0 when not: criteria are
  binary.
- Judge source: "not_applicable" or a missing verdict gives no judge opinion. With one source,
  that source decides alone (checks without a judge; the judge alone for criteria without
  checks, which is every criterion of a skill other than `skill.md`).
- No source (judge-only criterion with no judge, or the judge said not_applicable / nothing):
  the criterion is `not_applicable` or `unscored` and leaves the denominator.
- A plan's `score` is the weighted share of its scored criteria that are met; `passed` says
  that every one is (the headline of every report is the share of plans that pass).
- Partial credit is detail: a criterion's `partial_credit` is the mean of its sources (each
  check's share of items passed; the judge's 1 or 0) and the plan's `partial_credit` their
  weighted mean. It never decides anything.
The judge's own text never sets `passed`; only its verdict enum is read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from net_skill._sync import synchronous
from net_skill.backends.base import Backend
from net_skill.errors import InputError
from net_skill.eval.checks import CheckResult, run_checks
from net_skill.eval.criteria import Criterion, criteria_for
from net_skill.eval.judge import JudgeResult, JudgeVerdict, judge_plan
from net_skill.outputs import Plan
from net_skill.profile import profile_for_plan
from net_skill.skill import Skill

Status = Literal["passed", "failed", "not_applicable", "unscored"]


class CriterionScore(BaseModel):
    """One criterion's outcome and everything that led to it."""

    criterion_id: str
    text: str
    weight: float
    status: Status
    passed: bool
    score: float | None = Field(description="1.0 met, 0.0 not met, None when not scored")
    partial_credit: float | None = Field(
        None, description="Detail only: the mean of the checks' item shares and the judge's 1/0"
    )
    check_results: list[CheckResult] = Field(default_factory=list)
    checks_passed: bool | None = None
    judge_verdict: JudgeVerdict | None = None


class PlanScore(BaseModel):
    """A plan's score: per criterion, overall, and who judged at what cost."""

    skill_id: str
    score: float | None = Field(description="Weighted share of the scored criteria met (0..1)")
    passed: bool = Field(description="Every scored criterion is met (and at least one was scored)")
    passed_count: int
    scored_count: int
    partial_credit: float | None = Field(
        None, description="Detail only: the weighted mean of the criteria's partial credit"
    )
    criteria: list[CriterionScore]
    judge_backend: str | None = None
    judge_model: str | None = None
    judge_usage: dict[str, int] = Field(default_factory=dict)
    judge_cost_usd: float | None = None
    judge_attempts: int = 0
    judge_missing: list[str] = Field(default_factory=list)

    def criterion(self, criterion_id: str) -> CriterionScore:
        for item in self.criteria:
            if item.criterion_id == criterion_id:
                return item
        raise KeyError(criterion_id)


def combine(
    criterion: Criterion, check_results: list[CheckResult], verdict: JudgeVerdict | None
) -> CriterionScore:
    """Apply the scoring rules above to one criterion."""
    sources: list[float] = []
    checks_passed: bool | None = None
    if check_results:
        checks_passed = all(r.passed for r in check_results)
        sources.append(sum(r.score for r in check_results) / len(check_results))
    judge_says: bool | None = None
    if verdict is not None and verdict.verdict != "not_applicable":
        judge_says = verdict.verdict == "met"
        sources.append(1.0 if judge_says else 0.0)
    if not sources:
        status: Status = (
            "not_applicable"
            if verdict is not None and verdict.verdict == "not_applicable"
            else "unscored"
        )
        return CriterionScore(
            criterion_id=criterion.id,
            text=criterion.text,
            weight=criterion.weight,
            status=status,
            passed=False,
            score=None,
            judge_verdict=verdict,
        )
    passed = checks_passed is not False and judge_says is not False
    return CriterionScore(
        criterion_id=criterion.id,
        text=criterion.text,
        weight=criterion.weight,
        status="passed" if passed else "failed",
        passed=passed,
        score=1.0 if passed else 0.0,
        partial_credit=round(sum(sources) / len(sources), 4),
        check_results=check_results,
        checks_passed=checks_passed,
        judge_verdict=verdict,
    )


def weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    """The weighted mean of (weight, value) pairs; the plain mean when every weight is 0."""
    if not pairs:
        return None
    total = sum(weight for weight, _ in pairs)
    if total > 0:
        return sum(weight * value for weight, value in pairs) / total
    return sum(value for _, value in pairs) / len(pairs)


def plan_text_for_judge(plan: Plan) -> str:
    """The plan as the judge sees it: its JSON without the situation (given separately)."""
    return plan.model_dump_json(indent=1, exclude={"situation"})


def check_plan(plan: Plan, criterion: Criterion) -> list[CheckResult]:
    """The deterministic checks of `criterion` on `plan` (none for judge-only criteria)."""
    return run_checks(plan, criterion.checks, criterion.id)


def assemble(
    plan: Plan,
    criteria: list[Criterion],
    judged: JudgeResult | None,
) -> PlanScore:
    """Combine checks and (optional) judge results into a `PlanScore`."""
    scores = [
        combine(c, check_plan(plan, c), judged.verdicts.get(c.id) if judged else None)
        for c in criteria
    ]
    scored = [s for s in scores if s.score is not None]
    passed_count = sum(1 for s in scored if s.passed)
    overall = weighted_mean([(s.weight, 1.0 if s.passed else 0.0) for s in scored])
    partial = weighted_mean([(s.weight, s.partial_credit or 0.0) for s in scored])
    return PlanScore(
        skill_id=plan.skill_id,
        score=round(overall, 4) if overall is not None else None,
        passed=bool(scored) and passed_count == len(scored),
        passed_count=passed_count,
        scored_count=len(scored),
        partial_credit=round(partial, 4) if partial is not None else None,
        criteria=scores,
        judge_backend=judged.judge_backend if judged else None,
        judge_model=judged.judge_model if judged else None,
        judge_usage=judged.usage if judged else {},
        judge_cost_usd=judged.cost_usd if judged else None,
        judge_attempts=judged.attempts if judged else 0,
        judge_missing=judged.missing if judged else [],
    )


async def score_plan(
    plan: Plan,
    skill: Skill,
    *,
    judge: Backend | None = None,
    weights: Mapping[str, float] | None = None,
) -> PlanScore:
    """Score `plan` against `skill`'s Verification checklist.

    The profile's deterministic checks run for the criteria they cover; the judge (one
    structured call) runs when `judge` is given. Raises `InputError` when the skill has no
    Verification items.
    """
    criteria = criteria_for(skill, weights=weights)
    if not criteria:
        raise InputError(f"skill {skill.id!r} has no ## Verification checklist to score against")
    judged: JudgeResult | None = None
    if judge is not None:
        judged = await judge_plan(
            plan_text_for_judge(plan),
            criteria,
            backend=judge,
            situation=plan.situation,
            skill_name=skill.name,
        )
    return assemble(plan, criteria, judged)


score_plan_sync = synchronous(score_plan)


def parse_plan(data: object, *, source: str = "<plan>") -> Plan:
    """Validate a plan's JSON data, without name context (saved plans are scored as they are).

    The plan's `skill_id` chooses the profile that reads it (a plan of a skill without a
    profile of its own is read as a generic plan).
    """
    if not isinstance(data, dict):
        raise InputError(f"{source}: a plan must be a JSON object, not {type(data).__name__}")
    profile = profile_for_plan(data)
    try:
        return profile.parse_plan(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
            for e in exc.errors(include_url=False)[:5]
        )
        name = profile.plan_type.__name__
        raise InputError(f"{source}: not a valid {name}: {problems}") from None


def load_plan(path: str | Path) -> Plan:
    """Read a saved plan (`plan.json`) for scoring; clear `InputError` on any problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read plan {file}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return parse_plan(data, source=str(file))
