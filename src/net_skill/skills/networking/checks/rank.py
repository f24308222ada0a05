"""`rank_step`: one step's answer scored by the deterministic checks it completes.

For verifier-guided sampling: the runner draws several valid answers to a step and keeps the
best. A check belongs to the latest step it reads (`Check.step`); a step's answer is scored by
the share of its checks that pass, run on a plan holding the earlier outputs given, this
answer, and empty values for the steps not yet answered (which those checks never read). The
checks are the same objects `score_plan` runs: there is one copy of the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from pydantic import BaseModel

from net_skill.eval.checks import Check
from net_skill.skills.networking.models import NETWORKING_STEP_MODELS
from net_skill.skills.networking.plan import NetworkingPlan, build_networking_plan

__all__ = ["rank_step", "step_checks"]

_EMPTY: dict[int, dict[str, Any]] = {
    1: {"primary_goal": None, "goal_statement": "", "needs": [], "who_can_help": []},
    2: {"contacts": [], "gaps": [], "where_to_build": []},
    3: {"offers": [], "superpower": "", "value_proposition": ""},
    4: {"targets": []},
    5: {"messages": []},
    6: {"preparations": []},
    7: {"tracking_fields": [], "relationships": [], "habits": []},
    8: {"asks": [], "if_they_say_no": "", "after_help": ""},
}
_TODAY = date(2000, 1, 1)
"""Any day: no check reads the dates."""


@cache
def _empty(number: int) -> BaseModel:
    return NETWORKING_STEP_MODELS[number].model_validate(_EMPTY[number])


def step_checks(number: int) -> tuple[Check[NetworkingPlan], ...]:
    """The checks that step `number`'s answer completes (those whose latest step read is it)."""
    from net_skill.skills.networking.checks import CHECKS

    return tuple(c for c in CHECKS.values() if c.step == number)


def rank_step(
    number: int, output: BaseModel, situation: str, outputs: Mapping[int, BaseModel]
) -> float:
    """The share (0..1) of step `number`'s checks that pass on `output`, read with the earlier
    `outputs` (by step number); a check that needs an earlier output not given is skipped.
    A step without an applicable check (Step 1) ranks 1.0.
    """
    if not isinstance(output, NETWORKING_STEP_MODELS.get(number, type(None))):
        raise TypeError(f"step {number} takes a {NETWORKING_STEP_MODELS[number].__name__}")
    given = {n: o for n, o in outputs.items() if n != number}
    checks = [c for c in step_checks(number) if all(n == number or n in given for n in c.reads)]
    if not checks:
        return 1.0
    filled = {n: given.get(n) or _empty(n) for n in NETWORKING_STEP_MODELS}
    filled[number] = output
    plan: NetworkingPlan = build_networking_plan(filled, situation=situation, today=_TODAY)
    return sum(1 for c in checks if c.evaluate(plan).passed) / len(checks)
