"""Evaluation: criteria from a skill's Verification checklist, deterministic checks, the LLM
judge, scoring in code, and calibration against hand-labelled plans.

Names are imported lazily, so that a skill profile can import `net_skill.eval.checks` (to
define its checks) without pulling in the batch harness and, through it, the runner.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "AgreementStats": "calibrate",
    "CalibrationReport": "calibrate",
    "CriterionCalibration": "calibrate",
    "LabeledPlan": "calibrate",
    "calibrate": "calibrate",
    "cohen_kappa": "calibrate",
    "load_labeled": "calibrate",
    "Check": "checks",
    "CheckOutcome": "checks",
    "CheckResult": "checks",
    "check": "checks",
    "run_checks": "checks",
    "compare_runs": "compare",
    "Comparison": "report_model",
    "EvalReport": "report_model",
    "VariantReport": "report_model",
    "Criterion": "criteria",
    "criteria_for": "criteria",
    "EvalCase": "harness",
    "EvalProgress": "harness",
    "EvalSummary": "harness",
    "load_cases": "harness",
    "run_eval": "harness",
    "JudgeReport": "judge",
    "JudgeResult": "judge",
    "JudgeVerdict": "judge",
    "judge_plan": "judge",
    "CriterionScore": "scoring",
    "PlanScore": "scoring",
    "load_plan": "scoring",
    "parse_plan": "scoring",
    "score_plan": "scoring",
    "score_plan_sync": "scoring",
}

__all__ = [
    "AgreementStats",
    "CalibrationReport",
    "Check",
    "CheckOutcome",
    "CheckResult",
    "Comparison",
    "Criterion",
    "CriterionCalibration",
    "CriterionScore",
    "EvalCase",
    "EvalProgress",
    "EvalReport",
    "EvalSummary",
    "JudgeReport",
    "JudgeResult",
    "JudgeVerdict",
    "LabeledPlan",
    "PlanScore",
    "VariantReport",
    "calibrate",
    "check",
    "cohen_kappa",
    "compare_runs",
    "criteria_for",
    "judge_plan",
    "load_cases",
    "load_labeled",
    "load_plan",
    "parse_plan",
    "run_checks",
    "run_eval",
    "score_plan",
    "score_plan_sync",
]

if TYPE_CHECKING:
    from net_skill.eval.calibrate import (
        AgreementStats,
        CalibrationReport,
        CriterionCalibration,
        LabeledPlan,
        calibrate,
        cohen_kappa,
        load_labeled,
    )
    from net_skill.eval.checks import Check, CheckOutcome, CheckResult, check, run_checks
    from net_skill.eval.compare import compare_runs
    from net_skill.eval.criteria import Criterion, criteria_for
    from net_skill.eval.harness import EvalCase, EvalProgress, EvalSummary, load_cases, run_eval
    from net_skill.eval.judge import JudgeReport, JudgeResult, JudgeVerdict, judge_plan
    from net_skill.eval.report_model import Comparison, EvalReport, VariantReport
    from net_skill.eval.scoring import (
        CriterionScore,
        PlanScore,
        load_plan,
        parse_plan,
        score_plan,
        score_plan_sync,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'net_skill.eval' has no attribute {name!r}")
    value = getattr(import_module(f"net_skill.eval.{module}"), name)
    globals()[name] = value
    return value
