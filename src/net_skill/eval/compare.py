"""Paired comparison of two sets of results: per criterion and per case.

Pairs are (case id, epoch) found scored in both A and B; error records and unpaired keys are
counted, never compared. Differences are B − A: a positive number means B is better. Wins,
losses and ties count pairs; the mean difference's 95% interval is a bootstrap over cases
(repeats of one case are averaged first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from net_skill.errors import InputError
from net_skill.eval.results import RESULTS_FILE, iter_results
from net_skill.eval.stats import PairedTally, bootstrap_mean, mean

MAX_LISTED_KEYS = 20


@dataclass(frozen=True)
class Side:
    """The parts of one scored record that a comparison needs."""

    overall: float | None
    criteria: dict[str, bool]
    """criterion id -> passed, for the criteria that were scored"""


PairKey = tuple[str, int]


def side_of(record: dict[str, Any]) -> Side | None:
    score = record.get("score")
    if record.get("status") != "ok" or not isinstance(score, dict):
        return None
    criteria = {
        str(c["criterion_id"]): bool(c.get("passed"))
        for c in score.get("criteria", [])
        if c.get("status") in ("passed", "failed")
    }
    overall = score.get("score")
    return Side(float(overall) if overall is not None else None, criteria)


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
        self.a: list[float] = []
        self.b: list[float] = []
        self.tally = PairedTally()

    def add(self, case_id: str, a: float, b: float) -> None:
        self.by_case.setdefault(case_id, []).append(b - a)
        self.a.append(a)
        self.b.append(b)
        self.tally = self.tally.add(b - a)

    def case_means(self) -> dict[str, float]:
        return {case: sum(v) / len(v) for case, v in self.by_case.items()}

    def to_dict(self) -> dict[str, Any]:
        values = list(self.case_means().values())
        return {
            "a": _r(mean(self.a)),
            "b": _r(mean(self.b)),
            "difference": bootstrap_mean(values).to_dict(),
            "pairs": len(self.a),
            **self.tally.to_dict(),
        }


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
) -> dict[str, Any]:
    """The paired comparison of two result sets (see the module docstring)."""
    overall = _Diffs()
    criteria: dict[str, _Diffs] = {}
    changes: dict[str, dict[str, int]] = {}
    paired = sorted(a.keys() & b.keys())
    for key in paired:
        first, second = a[key], b[key]
        case_id = key[0]
        if first.overall is not None and second.overall is not None:
            overall.add(case_id, first.overall, second.overall)
        for criterion in first.criteria.keys() & second.criteria.keys():
            was, now = first.criteria[criterion], second.criteria[criterion]
            criteria.setdefault(criterion, _Diffs()).add(case_id, float(was), float(now))
            if was != now:
                per_case = changes.setdefault(case_id, {})
                per_case[criterion] = per_case.get(criterion, 0) + (1 if now else -1)
    cases = _case_rows(overall, changes)
    return {
        "a": label_a,
        "b": label_b,
        "paired": len(paired),
        "only_a": _listed(a.keys() - b.keys()),
        "only_b": _listed(b.keys() - a.keys()),
        "errors_a": errors_a,
        "errors_b": errors_b,
        "overall": overall.to_dict(),
        "criteria": {cid: criteria[cid].to_dict() for cid in sorted(criteria)},
        "cases": cases,
    }


def _listed(keys: Iterable[PairKey]) -> dict[str, Any]:
    ordered = sorted(keys)
    return {
        "count": len(ordered),
        "first": [f"{case}#{epoch}" for case, epoch in ordered[:MAX_LISTED_KEYS]],
    }


def _case_rows(overall: _Diffs, changes: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    rows = []
    means = overall.case_means()
    for case_id in sorted(means.keys() | changes.keys()):
        moved = changes.get(case_id, {})
        rows.append(
            {
                "case_id": case_id,
                "difference": _r(means.get(case_id)),
                "gained": sorted(c for c, n in moved.items() if n > 0),
                "lost": sorted(c for c, n in moved.items() if n < 0),
            }
        )
    rows.sort(
        key=lambda row: (
            row["difference"] if row["difference"] is not None else 0.0,
            row["case_id"],
        )
    )
    return rows


def compare_runs(dir_a: str | Path, dir_b: str | Path, *, variant: str = "chain") -> dict[str, Any]:
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
    result["variant"] = variant
    return result


def _fmt(value: Any, *, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _interval(estimate: dict[str, Any]) -> str:
    if estimate.get("mean") is None:
        return "n/a"
    text = _fmt(estimate["mean"], signed=True)
    if estimate.get("ci_low") is not None:
        text += (
            f" [{_fmt(estimate['ci_low'], signed=True)}, {_fmt(estimate['ci_high'], signed=True)}]"
        )
    return text


def comparison_markdown(result: dict[str, Any], *, max_cases: int = 30) -> str:
    """A readable form of `compare_sides`' result."""
    lines = [
        f"A: `{result['a']}`  ",
        f"B: `{result['b']}`  ",
        f"Paired (case, epoch): {result['paired']}; only in A: {result['only_a']['count']}; "
        f"only in B: {result['only_b']['count']}; errors A/B: "
        f"{result['errors_a']}/{result['errors_b']} (errors are not compared).",
        "",
        "Differences are B − A (positive: B better), with a 95% bootstrap interval over cases.",
        "",
        "| | A | B | B − A [95% CI] | B wins | B loses | ties |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = [("**overall score**", result["overall"])]
    rows += [(f"`{cid}` pass rate", diffs) for cid, diffs in result["criteria"].items()]
    for label, diffs in rows:
        lines.append(
            f"| {label} | {_fmt(diffs['a'])} | {_fmt(diffs['b'])} | "
            f"{_interval(diffs['difference'])}"
            f" | {diffs['wins']} | {diffs['losses']} | {diffs['ties']} |"
        )
    changed = [c for c in result["cases"] if c["gained"] or c["lost"] or c["difference"]]
    if changed:
        lines += [
            "",
            "| case | B − A score | criteria gained | criteria lost |",
            "|---|---|---|---|",
        ]
        for case in changed[:max_cases]:
            lines.append(
                f"| {_md_cell(case['case_id'])} | {_fmt(case['difference'], signed=True)} | "
                f"{', '.join(case['gained']) or '–'} | {', '.join(case['lost']) or '–'} |"
            )
        if len(changed) > max_cases:
            lines.append(f"\n{len(changed) - max_cases} more changed cases (see --json).")
    else:
        lines += ["", "No case changed score or criterion outcome."]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
