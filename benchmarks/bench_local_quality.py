"""How usable are plans from the embedded model? Runs SmolLM2-135M over eval cases, per prompt
style and sample count, and prints one table.

    .venv/bin/python benchmarks/bench_local_quality.py                    # 8 cases, 2x2 settings
    .venv/bin/python benchmarks/bench_local_quality.py --styles compact --samples 2 --cases 3
    .venv/bin/python benchmarks/bench_local_quality.py --styles brief --samples 1 --only terse-job

Per setting: runs that ended with a plan; degenerate values among the printed values (judged by
`net_skill.quality`, with the situation as source text: what a reader would see as junk);
the unanswered share; plans passing each Verification criterion by the deterministic checks;
median wall time per run. Targets (issue 8): every run ends with a plan, 0 degenerate values
printed, at least 70% of values answered, median at most 60 s per run on 2 cores.

`--out DIR` keeps each run's folder (events.jsonl, plan.json, plan.md) for reading.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from net_skill import run_skill
from net_skill.answer_checks import degenerate_values
from net_skill.backends.local import LocalBackend
from net_skill.errors import NetSkillError
from net_skill.eval.criteria import criteria_for
from net_skill.eval.scoring import check_plan
from net_skill.loader import load_bundled_skill
from net_skill.outputs import Plan
from net_skill.prompt_styles import prompt_style, register_style
from net_skill.quality import strings_in

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "evals" / "cases.jsonl"
DEFAULT_CASES = (
    "career-change-teacher-ux",
    "new-grad-data",
    "founder-b2b-clients",
    "returning-veteran",
    "contacts-heavy",
    "terse-job",
    "non-english-es",
    "relocation-singapore",
)
TODAY = date(2026, 12, 2)


@dataclass
class Outcome:
    case: str
    planned: bool
    seconds: float
    values: int = 0
    degenerate: list[str] = field(default_factory=list)
    unanswered: int = 0
    criteria: dict[str, bool] = field(default_factory=dict)
    error: str = ""


def judge(plan: Plan) -> tuple[int, list[str], int]:
    """(values the model wrote, the degenerate ones among them, values left unanswered)."""
    values = sum(1 for _, text in strings_in(plan.written()) if text.strip())
    junk = [f"{p.loc}: {p.value[:70]!r} ({p.kind})" for p in degenerate_values(plan)]
    return values, junk, len(plan.unanswered)


def run_case(case: dict[str, Any], style: str, samples: int, out: Path | None) -> Outcome:
    skill = load_bundled_skill()
    started = time.perf_counter()
    try:
        result = run_skill(
            case["situation"],
            backend=LocalBackend(),
            today=TODAY,
            record=out is not None,
            output_dir=out,
            prompt_style=style,
            samples=samples,
        )
    except NetSkillError as exc:
        return Outcome(case["id"], False, time.perf_counter() - started, error=str(exc)[:200])
    seconds = time.perf_counter() - started
    values, junk, unanswered = judge(result.plan)
    criteria = {
        c.id: all(r.passed for r in check_plan(result.plan, c)) for c in criteria_for(skill)
    }
    return Outcome(case["id"], True, seconds, values, junk, unanswered, criteria)


def capped_style(name: str, max_items: int) -> str:
    """Register a copy of the style `name` with lists capped at `max_items`; its name."""
    base = prompt_style(name)
    variant = copy.copy(base)
    variant.name = f"{name}-items{max_items}"
    variant.limits = replace(base.limits, max_items=max_items)
    register_style(variant)
    return variant.name


def summarise(style: str, samples: int, outcomes: list[Outcome]) -> dict[str, Any]:
    planned = [o for o in outcomes if o.planned]
    values = sum(o.values + o.unanswered for o in planned)
    criteria: dict[str, int] = {}
    for o in planned:
        for cid, ok in o.criteria.items():
            criteria[cid] = criteria.get(cid, 0) + int(ok)
    return {
        "style": style,
        "samples": samples,
        "runs": len(outcomes),
        "with_plan": len(planned),
        "values": values,
        "degenerate": sum(len(o.degenerate) for o in planned),
        "unanswered_share": round(sum(o.unanswered for o in planned) / values, 3)
        if values
        else None,
        "criteria_passed": criteria,
        "median_s": round(statistics.median(o.seconds for o in outcomes), 1) if outcomes else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styles", default="full,compact")
    parser.add_argument("--samples", default="1,2")
    parser.add_argument("--cases", type=int, default=len(DEFAULT_CASES))
    parser.add_argument("--only", default="", help="comma-separated case ids instead")
    parser.add_argument(
        "--max-items",
        type=int,
        default=None,
        help="also try each style with lists capped at this many items (style name + -itemsN)",
    )
    parser.add_argument("--out", type=Path, default=None, help="keep run folders here")
    parser.add_argument("--json", type=Path, default=None, help="write every outcome here")
    args = parser.parse_args()
    by_id = {c["id"]: c for c in map(json.loads, CASES.read_text(encoding="utf-8").splitlines())}
    ids = args.only.split(",") if args.only else DEFAULT_CASES[: args.cases]
    cases = [by_id[i] for i in ids]
    styles = args.styles.split(",")
    if args.max_items is not None:
        styles += [capped_style(name, args.max_items) for name in styles]
    rows, everything = [], []
    for style in styles:
        for samples in (int(s) for s in args.samples.split(",")):
            outcomes = []
            for case in cases:
                outcome = run_case(case, style, samples, args.out)
                outcomes.append(outcome)
                print(
                    f"{style:8} samples={samples} {case['id']:28} "
                    f"{'plan' if outcome.planned else 'NO PLAN'} {outcome.seconds:6.1f} s "
                    f"junk={len(outcome.degenerate)} unanswered={outcome.unanswered}/"
                    f"{outcome.values + outcome.unanswered} {outcome.error}",
                    file=sys.stderr,
                    flush=True,
                )
                for item in outcome.degenerate:
                    print(f"    junk: {item}", file=sys.stderr)
            rows.append(summarise(style, samples, outcomes))
            everything += [{"style": style, "samples": samples, **o.__dict__} for o in outcomes]
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "runs": everything}, indent=1))
    return 0


def print_table(rows: list[dict[str, Any]]) -> None:
    ids = sorted({cid for row in rows for cid in row["criteria_passed"]})
    head = "| style | samples | plans | degenerate printed | unanswered | median s/run |"
    head += "".join(f" {cid} |" for cid in ids)
    print(head)
    print("|" + "---|" * (6 + len(ids)))
    for row in rows:
        share = row["unanswered_share"]
        cells = [
            row["style"],
            str(row["samples"]),
            f"{row['with_plan']}/{row['runs']}",
            f"{row['degenerate']} of {row['values']}",
            f"{share:.0%}" if share is not None else "—",
            str(row["median_s"]),
            *(f"{row['criteria_passed'].get(cid, 0)}/{row['with_plan']}" for cid in ids),
        ]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
