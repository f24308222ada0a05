"""Deterministic checks: registered objects, generic over the plan type they read.

A check is a small object with an `id` and one `evaluate(plan) -> CheckOutcome`; calling it
gives a `CheckResult` (the outcome plus its id). Most checks are plain functions wrapped by
`@check`, whose function name is the check's id, written once:

    @check
    def gaps_named(plan: MyPlan) -> CheckOutcome:
        return outcome_of([(not is_blank(g), f"gap is empty: {g!r}") for g in plan.gaps], "ok")

A check may say which steps' outputs it reads (`@check(reads=(4, 5))`): a check belongs to
the latest step it reads, so that one step's answer can be ranked by the checks it completes
(verifier-guided sampling) before the whole plan exists.

A profile lists its checks per criterion (`SkillProfile.criteria`); scoring runs them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar, overload

from pydantic import BaseModel, ConfigDict, Field

from net_skill.outputs import Plan

__all__ = [
    "Check",
    "CheckOutcome",
    "CheckResult",
    "FunctionCheck",
    "check",
    "outcome_of",
    "run_checks",
    "vacuous",
]

PlanT = TypeVar("PlanT", bound=Plan, contravariant=True)

NOTHING_TO_CHECK = "nothing to check: the plan has no items for this check"


@dataclass(frozen=True)
class CheckOutcome:
    """What a check found: passed, the share of checked items that passed, and evidence."""

    passed: bool
    score: float
    evidence: str
    details: list[str] = field(default_factory=list)


class CheckResult(BaseModel):
    """The outcome of one deterministic check on one plan."""

    model_config = ConfigDict(extra="forbid")

    check_id: str
    criterion_id: str = ""
    passed: bool
    score: float = Field(ge=0.0, le=1.0, description="Share of the checked items that passed")
    evidence: str = Field(description="What was found, quoting the plan")
    details: list[str] = Field(default_factory=list, description="One line per failing item")


class Check(ABC, Generic[PlanT]):
    """One deterministic check of a plan type."""

    id: str
    reads: tuple[int, ...] = ()
    """Numbers of the steps whose outputs the check reads (empty: not known, the whole plan)."""

    @property
    def step(self) -> int | None:
        """The step whose answer completes this check (the latest it reads), if known."""
        return max(self.reads) if self.reads else None

    @abstractmethod
    def evaluate(self, plan: PlanT) -> CheckOutcome:
        """Look at `plan`; never raise for a structurally valid plan."""

    def __call__(self, plan: PlanT, criterion_id: str = "") -> CheckResult:
        outcome = self.evaluate(plan)
        return CheckResult(
            check_id=self.id,
            criterion_id=criterion_id,
            passed=outcome.passed,
            score=round(outcome.score, 4),
            evidence=outcome.evidence,
            details=outcome.details,
        )


@dataclass(frozen=True)
class FunctionCheck(Check[PlanT]):
    """A check written as a function of the plan; its id is the function's name."""

    func: Callable[[PlanT], CheckOutcome]
    id: str = ""
    reads: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", self.func.__name__)
        object.__setattr__(self, "__doc__", self.func.__doc__)

    def evaluate(self, plan: PlanT) -> CheckOutcome:
        return self.func(plan)


@overload
def check(func: Callable[[PlanT], CheckOutcome], /) -> FunctionCheck[PlanT]: ...


@overload
def check(
    *, reads: Iterable[int] = ()
) -> Callable[[Callable[[PlanT], CheckOutcome]], FunctionCheck[PlanT]]: ...


def check(
    func: Callable[[PlanT], CheckOutcome] | None = None, /, *, reads: Iterable[int] = ()
) -> FunctionCheck[PlanT] | Callable[[Callable[[PlanT], CheckOutcome]], FunctionCheck[PlanT]]:
    """Decorator: the function becomes a `Check` whose id is its name.

    `@check` alone, or `@check(reads=(4, 5))` to say which steps' outputs it reads.
    """
    steps = tuple(sorted(set(reads)))
    if func is not None:
        return FunctionCheck(func, reads=steps)

    def wrap(inner: Callable[[PlanT], CheckOutcome]) -> FunctionCheck[PlanT]:
        return FunctionCheck(inner, reads=steps)

    return wrap


def vacuous(
    evidence: str, *, passed: bool = True, details: list[str] | None = None
) -> CheckOutcome:
    """The outcome when the plan gives a check nothing to compare: full score if it passes."""
    return CheckOutcome(passed, 1.0 if passed else 0.0, evidence, details or [])


def outcome_of(items: list[tuple[bool, str]], evidence_ok: str) -> CheckOutcome:
    """An outcome from (passed, problem) per checked item; no items counts as a failure."""
    if not items:
        return vacuous(NOTHING_TO_CHECK, passed=False, details=[NOTHING_TO_CHECK])
    problems = [problem for ok, problem in items if not ok]
    score = (len(items) - len(problems)) / len(items)
    return CheckOutcome(not problems, score, problems[0] if problems else evidence_ok, problems)


def run_checks(
    plan: PlanT, checks: Iterable[Check[PlanT]], criterion_id: str = ""
) -> list[CheckResult]:
    """Run `checks` on `plan`, in order."""
    return [c(plan, criterion_id) for c in checks]
