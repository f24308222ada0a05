"""Paired comparison of two sets of results: plans passing, score, per criterion and per case.

Pairs are (case id, epoch) found scored in both A and B; error records and unpaired keys are
counted, never compared. Differences are B − A: a positive number means B is better. The
comparison leads with the share of plans meeting every criterion, then the score (the share of
criteria met), then each criterion's pass rate; both are computed from the criteria's outcomes
(so results written before criteria were binary compare alike). Wins, losses and ties count
pairs; the mean difference's 95% interval is a bootstrap over cases (repeats of one case are
averaged first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from net_skill.errors import InputError
from net_skill.eval.report_model import (
    CaseChange,
    Comparison,
    Difference,
    Interval,
    ListedKeys,
    ResultRecord,
)
from net_skill.eval.results import RESULTS_FILE, iter_results
from net_skill.eval.scoring import weighted_mean
from net_skill.eval.stats import PairedTally, bootstrap_mean, mean

MAX_LISTED_KEYS = 20


@dataclass(frozen=True)
class Side:
    """The parts of one scored record that a comparison needs."""

    overall: float | None
    """The share of scored criteria met (weighted), None when none was scored."""
    criteria: dict[str, bool]
    """criterion id -> met, for the criteria that were scored"""

    @property
    def passed(self) -> bool | None:
        """Every scored criterion met (None when none was scored)."""
        return all(self.criteria.values()) if self.criteria else None


PairKey = tuple[str, int]


def parse_record(record: dict[str, Any]) -> ResultRecord | None:
    """A results line as a `ResultRecord`, or None when it does not have that shape."""
    try:
        return ResultRecord.model_validate(record)
    except ValidationError:
        return None


def side_of(record: ResultRecord | dict[str, Any]) -> Side | None:
    """The comparable part of a scored record (None for an error record)."""
    parsed = record if isinstance(record, ResultRecord) else parse_record(record)
    if parsed is None or not parsed.ok or parsed.score is None:
        return None
    scored = [c for c in parsed.score.criteria if c.status in ("passed", "failed")]
    overall = weighted_mean([(c.weight, 1.0 if c.passed else 0.0) for c in scored])
    return Side(overall, {c.criterion_id: c.passed for c in scored})


def load_side(path: str | Path, *, variant: str = "chain") -> tuple[dict[PairKey, Side], int]:
    """Scored records of `variant` in a results file (or a run folder), and the error count."""
    file = Path(path)
    if file.is_dir():
        file = file / RESULTS_FILE
    if not file.is_file():
        raise InputError(f"no {RESULTS_FILE} in {path}: give an evaluation's --out folder")
    sides: dict[PairKey, Side] = {}
    errors = 0
    for _offset, record in iter_results(file):
        if record.get("variant") != variant:
            continue
        side = side_of(record)
        if side is None:
            errors += 1
            continue
        sides[(str(record["case_id"]), int(record["epoch"]))] = side
    return sides, errors


class _Diffs:
    """Per-case differences (B − A) averaged over epochs, and the pair tally."""

    def __init__(self) -> None:
        self.by_case: dict[str, list[float]] = {}
        self.by_case_a: dict[str, list[float]] = {}
        self.by_case_b: dict[str, list[float]] = {}
        self.a: list[float] = []
        self.b: list[float] = []
        self.tally = PairedTally()

    def add(self, case_id: str, a: float, b: float) -> None:
        self.by_case.setdefault(case_id, []).append(b - a)
        self.by_case_a.setdefault(case_id, []).append(a)
        self.by_case_b.setdefault(case_id, []).append(b)
        self.a.append(a)
        self.b.append(b)
        self.tally = self.tally.add(b - a)

    def case_means(self) -> dict[str, float]:
        return {case: sum(v) / len(v) for case, v in self.by_case.items()}

    def result(self) -> Difference:
        values = list(self.case_means().values())
        return Difference(
            a=_r(mean(self.a)),
            b=_r(mean(self.b)),
            difference=Interval.of(bootstrap_mean(values)),
            pairs=len(self.a),
            wins=self.tally.wins,
            losses=self.tally.losses,
            ties=self.tally.ties,
        )


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def compare_sides(
    a: dict[PairKey, Side],
    b: dict[PairKey, Side],
    *,
    label_a: str = "A",
    label_b: str = "B",
    errors_a: int = 0,
    errors_b: int = 0,
) -> Comparison:
    """The paired comparison of two result sets (see the module docstring)."""
    overall = _Diffs()
    passing = _Diffs()
    criteria: dict[str, _Diffs] = {}
    changes: dict[str, dict[str, int]] = {}
    paired = sorted(a.keys() & b.keys())
    for key in paired:
        first, second = a[key], b[key]
        case_id = key[0]
        if first.overall is not None and second.overall is not None:
            overall.add(case_id, first.overall, second.overall)
        if first.passed is not None and second.passed is not None:
            passing.add(case_id, float(first.passed), float(second.passed))
        for criterion in first.criteria.keys() & second.criteria.keys():
            was, now = first.criteria[criterion], second.criteria[criterion]
            criteria.setdefault(criterion, _Diffs()).add(case_id, float(was), float(now))
            if was != now:
                per_case = changes.setdefault(case_id, {})
                per_case[criterion] = per_case.get(criterion, 0) + (1 if now else -1)
    return Comparison(
        a=label_a,
        b=label_b,
        paired=len(paired),
        only_a=_listed(a.keys() - b.keys()),
        only_b=_listed(b.keys() - a.keys()),
        errors_a=errors_a,
        errors_b=errors_b,
        plans_passed=passing.result(),
        overall=overall.result(),
        criteria={cid: criteria[cid].result() for cid in sorted(criteria)},
        cases=_case_rows(overall, passing, changes),
    )


def _listed(keys: Iterable[PairKey]) -> ListedKeys:
    ordered = sorted(keys)
    return ListedKeys(
        count=len(ordered), first=[f"{case}#{epoch}" for case, epoch in ordered[:MAX_LISTED_KEYS]]
    )


def _case_rows(
    overall: _Diffs, passing: _Diffs, changes: dict[str, dict[str, int]]
) -> list[CaseChange]:
    rows = []
    means = overall.case_means()
    passed_a = _case_mean(passing.by_case_a)
    passed_b = _case_mean(passing.by_case_b)
    for case_id in sorted(means.keys() | changes.keys()):
        moved = changes.get(case_id, {})
        rows.append(
            CaseChange(
                case_id=case_id,
                difference=_r(means.get(case_id)),
                gained=sorted(c for c, n in moved.items() if n > 0),
                lost=sorted(c for c, n in moved.items() if n < 0),
                passed_a=_majority(passed_a.get(case_id)),
                passed_b=_majority(passed_b.get(case_id)),
            )
        )
    rows.sort(key=lambda row: (row.difference or 0.0, row.case_id))
    return rows


def _case_mean(values: dict[str, list[float]]) -> dict[str, float]:
    return {case: sum(v) / len(v) for case, v in values.items()}


def _majority(value: float | None) -> bool | None:
    return None if value is None else value > 0.5


def compare_runs(dir_a: str | Path, dir_b: str | Path, *, variant: str = "chain") -> Comparison:
    """Compare two evaluation folders (B − A), pairing by case and epoch."""
    a, errors_a = load_side(dir_a, variant=variant)
    b, errors_b = load_side(dir_b, variant=variant)
    if not a and not errors_a:
        raise InputError(f"{dir_a} has no {variant!r} results to compare")
    if not b and not errors_b:
        raise InputError(f"{dir_b} has no {variant!r} results to compare")
    result = compare_sides(
        a, b, label_a=str(dir_a), label_b=str(dir_b), errors_a=errors_a, errors_b=errors_b
    )
    return result.model_copy(update={"variant": variant})


def _fmt(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _interval(estimate: Interval) -> str:
    if estimate.mean is None:
        return "n/a"
    text = _fmt(estimate.mean, signed=True)
    if estimate.ci_low is not None and estimate.ci_high is not None:
        text += f" [{_fmt(estimate.ci_low, signed=True)}, {_fmt(estimate.ci_high, signed=True)}]"
    return text


def comparison_rows(result: Comparison) -> list[tuple[str, Difference]]:
    """(label, difference) rows in report order: plans passing, score, each criterion."""
    rows = [
        ("plans meeting every criterion", result.plans_passed),
        ("score (share of criteria met)", result.overall),
    ]
    rows += [(f"{cid} pass rate", diffs) for cid, diffs in result.criteria.items()]
    return rows


def comparison_markdown(result: Comparison, *, max_cases: int = 30) -> str:
    """A readable form of a `Comparison`."""
    lines = [
        f"A: `{result.a}`  ",
        f"B: `{result.b}`  ",
        f"Paired (case, epoch): {result.paired}; only in A: {result.only_a.count}; "
        f"only in B: {result.only_b.count}; errors A/B: "
        f"{result.errors_a}/{result.errors_b} (errors are not compared).",
        "",
        "Differences are B − A (positive: B better), with a 95% bootstrap interval over cases.",
        "",
        "| | A | B | B − A [95% CI] | B wins | B loses | ties |",
        "|---|---|---|---|---|---|---|",
    ]
    for number, (label, diffs) in enumerate(comparison_rows(result)):
        shown = f"**{label}**" if number < 2 else f"`{label.removesuffix(' pass rate')}` pass rate"
        lines.append(
            f"| {shown} | {_fmt(diffs.a)} | {_fmt(diffs.b)} | {_interval(diffs.difference)}"
            f" | {diffs.wins} | {diffs.losses} | {diffs.ties} |"
        )
    changed = [c for c in result.cases if c.gained or c.lost or c.difference]
    if changed:
        lines += [
            "",
            "| case | B − A score | meets every criterion A → B | criteria gained | "
            "criteria lost |",
            "|---|---|---|---|---|",
        ]
        for case in changed[:max_cases]:
            lines.append(
                f"| {_md_cell(case.case_id)} | {_fmt(case.difference, signed=True)} | "
                f"{_yes(case.passed_a)} → {_yes(case.passed_b)} | "
                f"{', '.join(case.gained) or '–'} | {', '.join(case.lost) or '–'} |"
            )
        if len(changed) > max_cases:
            lines.append(f"\n{len(changed) - max_cases} more changed cases (see --json).")
    else:
        lines += ["", "No case changed score or criterion outcome."]
    return "\n".join(lines) + "\n"


def _yes(value: bool | None) -> str:
    return "–" if value is None else "yes" if value else "no"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
