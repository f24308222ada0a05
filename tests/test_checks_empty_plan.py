"""Every check reads a plan whose values were all left unanswered (lenient models allow it)
without raising, and the criteria that need content fail."""

from __future__ import annotations

from datetime import date

from net_skill.skills.networking.checks import CHECKS
from net_skill.skills.networking.models import NETWORKING_STEP_MODELS
from net_skill.skills.networking.plan import build_networking_plan
from net_skill.structured.repair import degrade


def test_checks_survive_an_all_unanswered_plan() -> None:
    outputs = {}
    for number, model in NETWORKING_STEP_MODELS.items():
        value, _ = degrade({}, [()], model, None)
        assert value is not None
        outputs[number] = value
    plan = build_networking_plan(outputs, situation="x", today=date(2026, 1, 1))
    results = {check_id: check(plan) for check_id, check in CHECKS.items()}
    assert not results["audit_gaps_named"].passed
    assert not results["value_proposition_specific"].passed
    assert not results["targets_complete"].passed
