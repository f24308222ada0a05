"""Calibration: how well do the deterministic checks and the judge agree with human labels?

A labelled file `evals/labeled/<id>.json` holds
`{"id", "description", "source", "flaws", "labels", "reasons", "plan"}`: a plan, where it came
from (`hand`, or `run:<case id>` for a plan the embedded model produced), and a person's
judgement of each Verification item (`labels`: true = the item is met) with a one-line reason
for each (`reasons`). For every criterion we report the number of labelled plans, the accuracy,
Cohen's kappa, false passes (checks say met, the label says not) and false fails of the checks
(a criterion's checks say "met" when all of them pass) and of the judge ("met" / "not_met";
"not_applicable" and missing verdicts are left out and counted), and every disagreement with
the label's reason and the evidence of the scorer.

Kappa's degenerate case: when both raters put every plan in the same class, chance agreement
is 1 and kappa is 0/0. We report it as undefined (None, with a note) rather than inventing a
number; accuracy still says how often they agreed.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SerializeAsAny, ValidationError

from net_skill._sync import synchronous
from net_skill.backends.base import Backend, Usage
from net_skill.errors import InputError
from net_skill.eval.criteria import Criterion, criteria_for
from net_skill.eval.judge import JudgeResult, judge_plan
from net_skill.eval.scoring import check_plan, parse_plan, plan_text_for_judge
from net_skill.outputs import Plan
from net_skill.skill import Skill

DEFAULT_JUDGE_CONCURRENCY = 4


class LabeledPlan(BaseModel):
    """A plan with a person's verdict on each criterion, and a one-line reason for each."""

    id: str
    description: str = ""
    source: str = Field("hand", description="`hand`, or `run:<case id>` for a model's plan")
    plan: SerializeAsAny[Plan]
    labels: dict[str, bool]
    reasons: dict[str, str] = Field(default_factory=dict)
    flaws: list[str] = Field(default_factory=list)

    @property
    def good(self) -> bool:
        """Labelled as meeting every criterion."""
        return bool(self.labels) and all(self.labels.values())


class Disagreement(BaseModel):
    """One plan on which a scorer and the label disagree."""

    plan_id: str
    kind: Literal["false pass", "false fail"]
    reason: str = Field("", description="The label's reason")
    evidence: str = Field("", description="What the scorer found (a failing check, the judge)")


class AgreementStats(BaseModel):
    """Agreement of one scorer with the labels on one criterion."""

    n: int
    agree: int
    accuracy: float | None
    kappa: float | None
    kappa_note: str | None = None
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    excluded: int = Field(0, description="Plans left out (judge: not_applicable or no verdict)")
    disagreements: list[str] = Field(default_factory=list, description="Plan ids")


class CriterionCalibration(BaseModel):
    criterion_id: str
    text: str
    labeled: int
    positives: int = Field(description="Labelled plans where the criterion is met")
    checks: AgreementStats | None = Field(None, description="None: no deterministic checks")
    judge: AgreementStats | None = Field(None, description="None: no judge was run")
    check_disagreements: list[Disagreement] = Field(default_factory=list)
    judge_disagreements: list[Disagreement] = Field(default_factory=list)


class CalibrationReport(BaseModel):
    skill_id: str
    labeled_dir: str
    plan_count: int
    sources: dict[str, int] = Field(
        default_factory=dict, description="Plans by source kind: `hand`, `run` (a model's)"
    )
    criteria: list[CriterionCalibration]
    good_plans_failed: list[str] = Field(
        default_factory=list,
        description="Plans labelled as meeting every criterion that the checks fail somewhere",
    )
    judge_backend: str | None = None
    judge_model: str | None = None
    judge_usage: dict[str, int] = Field(default_factory=dict)
    judge_cost_usd: float | None = None

    def checks_meet(self, threshold: float = 0.9) -> bool:
        """True when the checks reach `threshold` accuracy on every criterion they cover."""
        covered = [c.checks for c in self.criteria if c.checks is not None and c.checks.n]
        return bool(covered) and all((s.accuracy or 0.0) >= threshold for s in covered)

    def meets_target(self, kappa: float = 0.8) -> bool:
        """The acceptance bar: kappa at least `kappa` on every checked criterion, and no plan
        labelled good failed by the checks."""
        covered = [c.checks for c in self.criteria if c.checks is not None and c.checks.n]
        kappas_ok = all(s.kappa is not None and s.kappa >= kappa for s in covered)
        return bool(covered) and kappas_ok and not self.good_plans_failed

    def rows(self) -> list[dict[str, object]]:
        """One flat row per criterion (for tables and CSV)."""
        rows: list[dict[str, object]] = []
        for c in self.criteria:
            row: dict[str, object] = {
                "criterion": c.criterion_id,
                "n": c.labeled,
                "met": c.positives,
            }
            for name, stats in (("checks", c.checks), ("judge", c.judge)):
                row[f"{name}_accuracy"] = stats.accuracy if stats else None
                row[f"{name}_kappa"] = stats.kappa if stats else None
                row[f"{name}_false_passes"] = stats.false_positive if stats else None
                row[f"{name}_false_fails"] = stats.false_negative if stats else None
            rows.append(row)
        return rows

    def to_markdown(self) -> str:
        judged = any(c.judge is not None for c in self.criteria)
        head = "| criterion | n | met | checks acc. | checks κ | false passes | false fails |"
        rule = "|---|---:|---:|---:|---:|---:|---:|"
        if judged:
            head += " judge acc. | judge κ | judge false passes | judge false fails |"
            rule += "---:|---:|---:|---:|"
        sources = ", ".join(f"{n} {kind}" for kind, n in sorted(self.sources.items()))
        lines = [
            f"Calibration of `{self.skill_id}` on {self.plan_count} labelled plans "
            f"({self.labeled_dir}{'; ' + sources if sources else ''})"
            + (f", judge {self.judge_model}" if self.judge_model else ""),
            "",
            head,
            rule,
        ]
        for c in self.criteria:
            cells = [c.criterion_id, str(c.labeled), str(c.positives), *_cells(c.checks)]
            if judged:
                cells += _cells(c.judge)
            lines.append("| " + " | ".join(cells) + " |")
        notes = [
            f"- {c.criterion_id} ({name}): {stats.kappa_note}"
            for c in self.criteria
            for name, stats in (("checks", c.checks), ("judge", c.judge))
            if stats is not None and stats.kappa_note
        ]
        lines += ["", f"Plans labelled good that the checks fail: {_ids(self.good_plans_failed)}"]
        if notes:
            lines += ["", *notes]
        for scorer in ("checks", "judge"):
            misses = [
                f"- `{c.criterion_id}` {d.plan_id} ({d.kind}): label: {d.reason or '—'} "
                f"{scorer}: {d.evidence or '—'}"
                for c in self.criteria
                for d in (c.check_disagreements if scorer == "checks" else c.judge_disagreements)
            ]
            if misses:
                lines += ["", f"Disagreements of the {scorer} with the labels:", "", *misses]
        return "\n".join(lines) + "\n"


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(ids) if ids else "none"


def _cells(stats: AgreementStats | None) -> list[str]:
    if stats is None:
        return ["—", "—", "—", "—"]
    accuracy = f"{stats.accuracy:.0%}" if stats.accuracy is not None else "—"
    kappa = f"{stats.kappa:.2f}" if stats.kappa is not None else "undefined"
    return [accuracy, kappa, str(stats.false_positive), str(stats.false_negative)]


def cohen_kappa(first: Sequence[bool], second: Sequence[bool]) -> tuple[float | None, str | None]:
    """Cohen's kappa of two raters' yes/no answers, with a note when it is undefined."""
    if len(first) != len(second):
        raise ValueError("both raters must rate the same items")
    n = len(first)
    if n == 0:
        return None, "no items"
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    yes_a, yes_b = sum(first) / n, sum(second) / n
    expected = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    if expected >= 1.0:
        return None, "undefined: both raters gave every item the same class"
    return (observed - expected) / (1 - expected), None


def agreement(pairs: Sequence[tuple[str, bool, bool]], excluded: int = 0) -> AgreementStats:
    """Stats of (plan id, predicted, label) pairs."""
    predicted = [p for _, p, _ in pairs]
    labels = [label for _, _, label in pairs]
    kappa, note = cohen_kappa(predicted, labels)
    agree = sum(p == label for p, label in zip(predicted, labels, strict=True))
    return AgreementStats(
        n=len(pairs),
        agree=agree,
        accuracy=round(agree / len(pairs), 4) if pairs else None,
        kappa=round(kappa, 4) if kappa is not None else None,
        kappa_note=note,
        true_positive=sum(p and label for p, label in zip(predicted, labels, strict=True)),
        false_positive=sum(p and not label for p, label in zip(predicted, labels, strict=True)),
        false_negative=sum(not p and label for p, label in zip(predicted, labels, strict=True)),
        true_negative=sum(not p and not label for p, label in zip(predicted, labels, strict=True)),
        excluded=excluded,
        disagreements=[plan_id for plan_id, p, label in pairs if p != label],
    )


def load_labeled(labeled_dir: str | Path, criteria: Sequence[Criterion]) -> list[LabeledPlan]:
    """Read every `*.json` of `labeled_dir` (files starting with `_` are skipped)."""
    directory = Path(labeled_dir)
    if not directory.is_dir():
        raise InputError(f"labelled set {directory} is not a directory")
    known = {c.id for c in criteria}
    plans: list[LabeledPlan] = []
    for path in sorted(directory.glob("*.json")):
        if path.name.startswith("_"):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            plan = parse_plan(
                data.get("plan") if isinstance(data, dict) else None, source=str(path)
            )
            labeled = LabeledPlan.model_validate({**data, "plan": plan})
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        except ValidationError as exc:
            raise InputError(f"{path}: not a labelled plan: {exc.errors()[0]['msg']}") from None
        unknown = sorted((set(labeled.labels) | set(labeled.reasons)) - known)
        if unknown:
            raise InputError(f"{path}: labels name unknown criteria {unknown}")
        plans.append(labeled)
    if not plans:
        raise InputError(f"no labelled plans (*.json) in {directory}")
    return plans


async def _judge_all(
    plans: Sequence[LabeledPlan], criteria: Sequence[Criterion], skill: Skill, judge: Backend
) -> list[JudgeResult]:
    limit = asyncio.Semaphore(judge.max_concurrency or DEFAULT_JUDGE_CONCURRENCY)

    async def one(item: LabeledPlan) -> JudgeResult:
        async with limit:
            return await judge_plan(
                plan_text_for_judge(item.plan),
                criteria,
                backend=judge,
                situation=item.plan.situation,
                skill_name=skill.name,
            )

    return list(await asyncio.gather(*(one(p) for p in plans)))


async def acalibrate(
    labeled_dir: str | Path, skill: Skill, *, judge: Backend | None = None
) -> CalibrationReport:
    """Agreement of the checks (and of the judge, if given) with the labels, per criterion."""
    criteria = criteria_for(skill)
    plans = load_labeled(labeled_dir, criteria)
    judged = await _judge_all(plans, criteria, skill, judge) if judge is not None else None
    results: list[CriterionCalibration] = []
    good_failed: set[str] = set()
    for criterion in criteria:
        labeled = [p for p in plans if criterion.id in p.labels]
        check_pairs: list[tuple[str, bool, bool]] = []
        check_misses: list[Disagreement] = []
        for item in labeled:
            checks = check_plan(item.plan, criterion)
            if not checks:
                continue
            met, label = all(r.passed for r in checks), item.labels[criterion.id]
            check_pairs.append((item.id, met, label))
            if met != label:
                failing = next((r for r in checks if not r.passed), None)
                evidence = (
                    f"{failing.check_id}: {failing.evidence}" if failing else "every check passes"
                )
                check_misses.append(_disagreement(item, criterion.id, met, evidence))
            if item.good and not met:
                good_failed.add(item.id)
        judge_stats = None
        judge_misses: list[Disagreement] = []
        if judged is not None:
            pairs, excluded = [], 0
            for item, result in zip(plans, judged, strict=True):
                verdict = result.verdicts.get(criterion.id)
                if criterion.id not in item.labels:
                    continue
                if verdict is None or verdict.verdict == "not_applicable":
                    excluded += 1
                    continue
                met, label = verdict.verdict == "met", item.labels[criterion.id]
                pairs.append((item.id, met, label))
                if met != label:
                    judge_misses.append(_disagreement(item, criterion.id, met, verdict.reasoning))
            judge_stats = agreement(pairs, excluded)
        results.append(
            CriterionCalibration(
                criterion_id=criterion.id,
                text=criterion.text,
                labeled=len(labeled),
                positives=sum(p.labels[criterion.id] for p in labeled),
                checks=agreement(check_pairs) if criterion.checks and check_pairs else None,
                judge=judge_stats,
                check_disagreements=check_misses,
                judge_disagreements=judge_misses,
            )
        )
    usage = Usage()
    for result in judged or []:
        usage = usage + Usage.from_dict(result.usage)
    costs = [r.cost_usd for r in judged or []]
    return CalibrationReport(
        skill_id=skill.id,
        labeled_dir=str(labeled_dir),
        plan_count=len(plans),
        sources=dict(Counter(p.source.split(":", 1)[0] for p in plans)),
        criteria=results,
        good_plans_failed=sorted(good_failed),
        judge_backend=judge.name if judge else None,
        judge_model=(judged[0].judge_model if judged else judge.model) if judge else None,
        judge_usage=usage.to_dict() if judged else {},
        judge_cost_usd=sum(c for c in costs if c is not None)
        if costs and None not in costs
        else None,
    )


def _disagreement(item: LabeledPlan, criterion_id: str, met: bool, evidence: str) -> Disagreement:
    return Disagreement(
        plan_id=item.id,
        kind="false pass" if met else "false fail",
        reason=item.reasons.get(criterion_id, ""),
        evidence=" ".join(evidence.split())[:240],
    )


calibrate = synchronous(acalibrate)
