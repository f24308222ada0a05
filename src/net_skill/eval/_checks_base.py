"""Shared parts of the deterministic checks: thresholds, `CheckResult` and its builders.

The thresholds are documented in `net_skill.eval.checks` and docs/eval-scoring.md.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from net_skill.eval.criteria import NETWORKING_CRITERIA

NEAR_COPY_RATIO = 0.8
MIN_SPECIFIC_WORDS = 2
MIN_OWN_WORDS = 3
MIN_CONCRETE_WORDS = 6
MAX_OUTREACH_WORDS = 120
MIN_VALUE_PROPOSITION_WORDS = 8
MIN_RESEARCH_WORDS = 3
MIN_THANK_YOU_WORDS = 5
MIN_TRACKING_FIELDS = 3

CHECK_CRITERION: dict[str, str] = {
    check: criterion for criterion, checks in NETWORKING_CRITERIA.values() for check in checks
}
"""Check id -> the id of the criterion it covers."""

# --- results -------------------------------------------------------------------------------


class CheckResult(BaseModel):
    """The outcome of one deterministic check on one plan."""

    model_config = ConfigDict(extra="forbid")

    check_id: str
    criterion_id: str
    passed: bool
    score: float = Field(ge=0.0, le=1.0, description="Share of the checked items that passed")
    evidence: str = Field(description="What was found, quoting the plan")
    details: list[str] = Field(default_factory=list, description="One line per failing item")


_NOTHING = "nothing to check: the plan has no items for this check"


def vacuous_result(
    check_id: str, evidence: str, *, passed: bool = True, details: list[str] | None = None
) -> CheckResult:
    """The result when the plan gives this check nothing to compare: full score if it passes."""
    return CheckResult(
        check_id=check_id,
        criterion_id=CHECK_CRITERION[check_id],
        passed=passed,
        score=1.0 if passed else 0.0,
        evidence=evidence,
        details=details or [],
    )


def build_result(check_id: str, items: list[tuple[bool, str]], evidence_ok: str) -> CheckResult:
    """Build a result from (passed, problem) per checked item; no items counts as a failure."""
    if not items:
        return vacuous_result(check_id, _NOTHING, passed=False, details=[_NOTHING])
    problems = [problem for ok, problem in items if not ok]
    score = (len(items) - len(problems)) / len(items)
    evidence = evidence_ok if not problems else problems[0]
    return CheckResult(
        check_id=check_id,
        criterion_id=CHECK_CRITERION[check_id],
        passed=not problems,
        score=round(score, 4),
        evidence=evidence,
        details=problems,
    )
