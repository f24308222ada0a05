"""Evaluation: criteria from a skill's Verification checklist, deterministic checks, the LLM
judge, scoring in code, and calibration against hand-labelled plans."""

from net_skill.eval.calibrate import (
    AgreementStats,
    CalibrationReport,
    CriterionCalibration,
    LabeledPlan,
    calibrate,
    cohen_kappa,
    load_labeled,
)
from net_skill.eval.checks import CHECKS, CheckResult, run_checks
from net_skill.eval.compare import compare_runs
from net_skill.eval.criteria import Criterion, criteria_for
from net_skill.eval.harness import EvalCase, EvalProgress, EvalSummary, load_cases, run_eval
from net_skill.eval.judge import JudgeReport, JudgeResult, JudgeVerdict, judge_plan
from net_skill.eval.scoring import (
    CriterionScore,
    PlanScore,
    load_plan,
    parse_plan,
    score_plan,
    score_plan_sync,
)

__all__ = [
    "CHECKS",
    "AgreementStats",
    "CalibrationReport",
    "CheckResult",
    "Criterion",
    "CriterionCalibration",
    "CriterionScore",
    "EvalCase",
    "EvalProgress",
    "EvalSummary",
    "JudgeReport",
    "JudgeResult",
    "JudgeVerdict",
    "LabeledPlan",
    "PlanScore",
    "calibrate",
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
