"""Reports of an evaluation folder: `report.json`, `report.md` and `report.html`.

Everything is computed by streaming `results.jsonl` once (plus a bounded second look at the
worst cases for the drill-down), so a report of 10,000 cases costs no more memory than one of
100 beyond 16 bytes a case per statistic.
"""

from __future__ import annotations

import heapq
import json
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from net_skill._files import write_atomically
from net_skill._redact import redact
from net_skill.eval.compare import Side, compare_sides, side_of
from net_skill.eval.failures import failures_of
from net_skill.eval.results import RESULTS_FILE, ReadStats, iter_results, read_record_at
from net_skill.eval.stats import CaseMeans, mean, percentile

MAX_DRILLDOWN = 500
"""Cases shown in the drill-down of report.md / report.html: the worst first."""
MAX_ERROR_SAMPLES = 20
USAGE_KEYS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
)


class _Money:
    def __init__(self) -> None:
        self.total = 0.0
        self.unknown = 0

    def add(self, value: Any) -> None:
        if value is None:
            self.unknown += 1
        else:
            self.total += float(value)

    def to_dict(self) -> dict[str, Any]:
        return {"usd": round(self.total, 6), "unknown_for": self.unknown}


class _Criterion:
    def __init__(self, text: str) -> None:
        self.text = text
        self.passes = CaseMeans()
        self.scores = CaseMeans()
        self.status: Counter[str] = Counter()

    def add(self, index: int, item: dict[str, Any]) -> None:
        status = str(item.get("status", "unscored"))
        self.status[status] += 1
        if status in ("passed", "failed"):
            self.passes.add(index, 1.0 if item.get("passed") else 0.0)
            if item.get("score") is not None:
                self.scores.add(index, float(item["score"]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "pass_rate": self.passes.estimate().to_dict(),
            "mean_score": _rounded(mean(self.scores.values())),
            "status_counts": dict(sorted(self.status.items())),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _add_usage(total: dict[str, int], usage: Any) -> None:
    if isinstance(usage, dict):
        for key in USAGE_KEYS:
            total[key] = total.get(key, 0) + int(usage.get(key, 0) or 0)


class VariantStats:
    """Running aggregates of one variant's records."""

    def __init__(self) -> None:
        self.results = 0
        self.ok = 0
        self.errors = 0
        self.score = CaseMeans()
        self.plan_passed = CaseMeans()
        self.criteria: dict[str, _Criterion] = {}
        self.generation_tokens: dict[str, int] = {}
        self.judging_tokens: dict[str, int] = {}
        self.generation_cost = _Money()
        self.judging_cost = _Money()
        self.latency = array("d")
        self.generation_latency = array("d")
        self.cache_hits = 0
        self.error_kinds: Counter[str] = Counter()
        self.error_samples: list[dict[str, Any]] = []
        self.judges: set[str] = set()
        self.first_pass_errors = 0
        self.not_retried: Counter[str] = Counter()

    def add(self, record: dict[str, Any]) -> None:
        self.results += 1
        index = int(record.get("case_index", 0))
        self.latency.append(float(record.get("latency_s") or 0.0))
        generation = record.get("generation")
        if isinstance(generation, dict):
            self.cache_hits += 1 if generation.get("cache_hit") else 0
            _add_usage(self.generation_tokens, generation.get("usage"))
            self.generation_cost.add(generation.get("cost_usd"))
            if not generation.get("cache_hit"):
                self.generation_latency.append(float(generation.get("elapsed_s") or 0.0))
        for failure in failures_of(record):  # failed attempts are paid for too
            if failure.get("usage"):
                _add_usage(self.generation_tokens, failure["usage"])
                self.generation_cost.add(failure.get("cost_usd"))
        if record.get("status") != "ok" or record.get("earlier_errors"):
            self.first_pass_errors += 1
        if record.get("status") != "ok":
            self._add_error(record)
            return
        self.ok += 1
        score = record.get("score") or {}
        if score.get("score") is not None:
            self.score.add(index, float(score["score"]))
            self.plan_passed.add(index, 1.0 if score.get("passed") else 0.0)
        for item in score.get("criteria", []):
            criterion = self.criteria.setdefault(
                str(item["criterion_id"]), _Criterion(str(item.get("text", "")))
            )
            criterion.add(index, item)
        judging = record.get("judging") or {}
        if judging.get("model"):
            self.judges.add(f"{judging.get('backend')}:{judging['model']}")
            _add_usage(self.judging_tokens, judging.get("usage"))
            self.judging_cost.add(judging.get("cost_usd"))

    def _add_error(self, record: dict[str, Any]) -> None:
        self.errors += 1
        error = record.get("error") or {}
        self.error_kinds[f"{error.get('stage', '?')}: {error.get('type', '?')}"] += 1
        if error.get("not_retried"):
            self.not_retried[str(error["not_retried"])] += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(
                {
                    "case_id": record["case_id"],
                    "epoch": record["epoch"],
                    "stage": error.get("stage"),
                    "type": error.get("type"),
                    "message": error.get("message"),
                }
            )

    def to_dict(self) -> dict[str, Any]:
        scored = self.score.values()
        return {
            "results": self.results,
            "ok": self.ok,
            "errors": self.errors,
            "error_rate": _rounded(self.errors / self.results) if self.results else None,
            "first_pass_errors": self.first_pass_errors,
            "recovered": self.first_pass_errors - self.errors,
            "not_retried": dict(self.not_retried.most_common()),
            "cases_scored": len(scored),
            "score": self.score.estimate().to_dict(),
            "plan_pass_rate": self.plan_passed.estimate().to_dict(),
            "criteria": {cid: c.to_dict() for cid, c in self.criteria.items()},
            "tokens": {"generation": self.generation_tokens, "judging": self.judging_tokens},
            "cost": {
                "generation": self.generation_cost.to_dict(),
                "judging": self.judging_cost.to_dict(),
            },
            "latency_s": _latency(self.latency),
            "generation_latency_s": _latency(self.generation_latency),
            "cache_hits": self.cache_hits,
            "judges": sorted(self.judges),
            "error_kinds": dict(self.error_kinds.most_common()),
            "error_samples": self.error_samples,
        }


def _latency(values: array[float]) -> dict[str, float | None]:
    return {
        "mean": _rounded(mean(values)),
        "p50": _rounded(percentile(values, 0.5)),
        "p95": _rounded(percentile(values, 0.95)),
        "max": _rounded(max(values) if values else None),
    }


WorstKey = tuple[int, float, int, int, int]


def _worst_key(record: dict[str, Any]) -> WorstKey:
    """Errors first, then the lowest scores; ties in case order."""
    overall = record.get("overall")
    return (
        0 if record.get("status") != "ok" else 1,
        float(overall) if overall is not None else -1.0,
        int(record.get("case_index", 0)),
        int(record.get("epoch", 0)),
        0 if record.get("variant") == "chain" else 1,
    )


def summarise(out_dir: str | Path, manifest: dict[str, Any] | None = None) -> dict[str, Any]:
    """The content of `report.json`, from `results.jsonl` (streamed)."""
    folder = Path(out_dir)
    results = folder / RESULTS_FILE
    stats = ReadStats()
    variants: dict[str, VariantStats] = {}
    wanted = list((manifest or {}).get("variants") or [])
    pairing = len(wanted) > 1
    sides: dict[str, dict[tuple[str, int], Side]] = {name: {} for name in wanted}
    worst: list[tuple[WorstKey, int]] = []
    for offset, record in iter_results(results, stats=stats):
        variant = str(record["variant"])
        variants.setdefault(variant, VariantStats()).add(record)
        item = (_worst_key(record), offset)
        if len(worst) < MAX_DRILLDOWN:
            heapq.heappush(worst, _negate(item))
        else:
            heapq.heappushpop(worst, _negate(item))
        if pairing and variant in sides:
            side = side_of(record)
            if side is not None:
                sides[variant][(str(record["case_id"]), int(record["epoch"]))] = side
    order = [name for name in wanted if name in variants] + sorted(set(variants) - set(wanted))
    report: dict[str, Any] = {
        "manifest": manifest or {},
        "results_file": RESULTS_FILE,
        "records": stats.records,
        "broken_lines": stats.broken_lines,
        "variants": {name: variants[name].to_dict() for name in order},
        "comparison": None,
        "drilldown_offsets": [offset for _key, offset in sorted(_negate(w) for w in worst)],
    }
    if pairing and len(wanted) == 2:
        first, second = wanted
        report["comparison"] = compare_sides(
            sides[second],
            sides[first],
            label_a=second,
            label_b=first,
            errors_a=report["variants"].get(second, {}).get("errors", 0),
            errors_b=report["variants"].get(first, {}).get("errors", 0),
        )
    return report


def _negate(item: tuple[WorstKey, int]) -> tuple[WorstKey, int]:
    """Keys for a max-heap of the worst items (heapq is a min-heap)."""
    (status, score, index, epoch, variant), offset = item
    return (-status, -score, -index, -epoch, -variant), -offset


def write_reports(
    out_dir: str | Path, manifest: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Write report.json, report.md and report.html; return the report and the paths."""
    from net_skill.eval.report_html import write_html
    from net_skill.eval.report_md import write_markdown

    folder = Path(out_dir)
    report = summarise(folder, manifest)
    offsets = report.pop("drilldown_offsets")
    paths = {
        "json": folder / "report.json",
        "markdown": folder / "report.md",
        "html": folder / "report.html",
    }
    report["drilldown"] = {"shown": len(offsets), "order": "errors first, then lowest scores"}
    write_atomically(paths["json"], redact(json.dumps(report, indent=2, ensure_ascii=False)))
    for kind, write in (("markdown", write_markdown), ("html", write_html)):
        # Written beside, then redacted into place: a crash keeps the old report whole.
        draft = folder / f".{paths[kind].name}.draft"
        write(draft, report, folder / RESULTS_FILE, offsets)
        write_atomically(paths[kind], redact(draft.read_text(encoding="utf-8")))
        draft.unlink()
    return report, paths


def drilldown_records(
    results: Path, offsets: list[int]
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """The drill-down records (worst first) with their situation text, read one at a time."""
    with results.open("rb") as stream:
        for offset in offsets:
            record = read_record_at(stream, offset)
            if record is not None:
                yield record, _situation_of(results.parent, record.get("plan_path"))


def _situation_of(folder: Path, plan_path: Any) -> str | None:
    if not isinstance(plan_path, str):
        return None
    path = Path(plan_path)
    try:
        data = json.loads((path if path.is_absolute() else folder / path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    plan = data.get("plan") if isinstance(data, dict) else None
    situation = plan.get("situation") if isinstance(plan, dict) else None
    return situation if isinstance(situation, str) else None


def estimate_text(estimate: dict[str, Any] | None, *, percent: bool = False) -> str:
    """`0.820 [0.760, 0.880] (n=40)` from an `Estimate.to_dict()`."""
    if not estimate or estimate.get("mean") is None:
        return f"n/a (n={(estimate or {}).get('n', 0)})"

    def fmt(value: float) -> str:
        return f"{value * 100:.1f}%" if percent else f"{value:.3f}"

    text = fmt(estimate["mean"])
    if estimate.get("ci_low") is not None and estimate.get("ci_high") is not None:
        text += f" [{fmt(estimate['ci_low'])}, {fmt(estimate['ci_high'])}]"
    return f"{text} (n={estimate.get('n', 0)})"


def errors_text(data: dict[str, Any]) -> str:
    """`3 of 50`, or `3 of 50 (14 on the first pass, 11 recovered by retries)`."""
    text = f"{data['errors']} of {data['results']}"
    first = int(data.get("first_pass_errors") or 0)
    if first > int(data["errors"]):
        text += f" ({first} on the first pass, {data.get('recovered', 0)} recovered by retries)"
    return text


def money_text(cost: dict[str, Any]) -> str:
    text = f"${cost.get('usd', 0.0):.4f}"
    if cost.get("unknown_for"):
        text += f" (+ unknown for {cost['unknown_for']} results)"
    return text


def tokens_text(tokens: dict[str, int]) -> str:
    if not tokens:
        return "0"
    total_in = tokens.get("input_tokens", 0) + tokens.get("cache_read_input_tokens", 0)
    total_in += tokens.get("cache_creation_input_tokens", 0)
    return f"{total_in:,} in / {tokens.get('output_tokens', 0):,} out"
