"""Reports of an evaluation folder: `report.json`, `report.md` and `report.html`.

Everything is computed by streaming `results.jsonl` once (plus a bounded second look at the
worst cases for the drill-down), so a report of 10,000 cases costs no more memory than one of
100 beyond 16 bytes a case per statistic. The report is an `EvalReport` (`report_model`); its
headline, per variant, is the share of plans meeting every criterion.
"""

from __future__ import annotations

import heapq
import json
from array import array
from collections import Counter
from pathlib import Path
from typing import Any

from net_skill._files import write_atomically
from net_skill._redact import redact
from net_skill.eval.compare import Side, compare_sides, parse_record, side_of
from net_skill.eval.drilldown import MAX_DRILLDOWN
from net_skill.eval.report_html import write_html
from net_skill.eval.report_md import write_markdown
from net_skill.eval.report_model import (
    CostTotals,
    CriterionReport,
    Drilldown,
    ErrorSample,
    EvalReport,
    Interval,
    Latency,
    Money,
    ReportManifest,
    ResultRecord,
    Tokens,
    TokenTotals,
    VariantReport,
)
from net_skill.eval.results import RESULTS_FILE, ReadStats, iter_results
from net_skill.eval.stats import CaseMeans, mean, percentile

__all__ = ["VariantStats", "summarise", "write_reports"]

MAX_ERROR_SAMPLES = 20


class _Money:
    def __init__(self) -> None:
        self.total = 0.0
        self.unknown = 0

    def add(self, value: float | None) -> None:
        if value is None:
            self.unknown += 1
        else:
            self.total += float(value)

    def result(self) -> Money:
        return Money(usd=round(self.total, 6), unknown_for=self.unknown)


class _Criterion:
    def __init__(self, text: str) -> None:
        self.text = text
        self.passes = CaseMeans()
        self.partial = CaseMeans()
        self.status: Counter[str] = Counter()

    def add(self, index: int, status: str, passed: bool, partial: float | None) -> None:
        self.status[status] += 1
        if status in ("passed", "failed"):
            self.passes.add(index, 1.0 if passed else 0.0)
            if partial is not None:
                self.partial.add(index, partial)

    def result(self) -> CriterionReport:
        return CriterionReport(
            text=self.text,
            pass_rate=Interval.of(self.passes.estimate()),
            partial_credit=_rounded(mean(self.partial.values())),
            status_counts=dict(sorted(self.status.items())),
        )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


class VariantStats:
    """Running aggregates of one variant's records."""

    def __init__(self) -> None:
        self.results = 0
        self.ok = 0
        self.errors = 0
        self.score = CaseMeans()
        self.partial = CaseMeans()
        self.plan_passed = CaseMeans()
        self.criteria: dict[str, _Criterion] = {}
        self.generation_tokens = Tokens()
        self.judging_tokens = Tokens()
        self.generation_cost = _Money()
        self.judging_cost = _Money()
        self.latency = array("d")
        self.generation_latency = array("d")
        self.cache_hits = 0
        self.error_kinds: Counter[str] = Counter()
        self.error_samples: list[ErrorSample] = []
        self.judges: set[str] = set()
        self.first_pass_errors = 0
        self.not_retried: Counter[str] = Counter()

    def add(self, record: ResultRecord) -> None:
        self.results += 1
        index = record.case_index
        self.latency.append(float(record.latency_s or 0.0))
        generation = record.generation
        if generation is not None:
            self.cache_hits += 1 if generation.cache_hit else 0
            self.generation_tokens += Tokens.of_mapping(generation.usage)
            self.generation_cost.add(generation.cost_usd)
            if not generation.cache_hit:
                self.generation_latency.append(float(generation.elapsed_s or 0.0))
        for failure in [*record.earlier_errors, *([record.error] if record.error else [])]:
            if failure.usage:  # failed attempts are paid for too
                self.generation_tokens += Tokens.of_mapping(failure.usage)
                self.generation_cost.add(failure.cost_usd)
        if not record.ok or record.earlier_errors:
            self.first_pass_errors += 1
        if not record.ok:
            self._add_error(record)
            return
        self.ok += 1
        score = record.score
        if score is not None:
            self._add_score(index, record)
        judging = record.judging
        if judging is not None and judging.model:
            self.judges.add(f"{judging.backend}:{judging.model}")
            self.judging_tokens += Tokens.of_mapping(judging.usage)
            self.judging_cost.add(judging.cost_usd)

    def _add_score(self, index: int, record: ResultRecord) -> None:
        score = record.score
        assert score is not None
        side = side_of(record)
        if side is not None and side.overall is not None:
            self.score.add(index, side.overall)
            self.plan_passed.add(index, 1.0 if side.passed else 0.0)
        if score.partial_credit is not None:
            self.partial.add(index, score.partial_credit)
        for item in score.criteria:
            criterion = self.criteria.setdefault(item.criterion_id, _Criterion(item.text))
            criterion.add(index, item.status, item.passed, item.partial_credit)

    def _add_error(self, record: ResultRecord) -> None:
        self.errors += 1
        error = record.error
        stage, kind = (error.stage, error.type) if error else (None, None)
        self.error_kinds[f"{stage or '?'}: {kind or '?'}"] += 1
        if error is not None and error.not_retried:
            self.not_retried[error.not_retried] += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(
                ErrorSample(
                    case_id=record.case_id,
                    epoch=record.epoch,
                    stage=stage,
                    type=kind,
                    message=error.message if error else None,
                )
            )

    def result(self) -> VariantReport:
        scored = self.score.values()
        return VariantReport(
            plans_passed=Interval.of(self.plan_passed.estimate()),
            score=Interval.of(self.score.estimate()),
            partial_credit=Interval.of(self.partial.estimate()),
            results=self.results,
            ok=self.ok,
            errors=self.errors,
            first_pass_errors=self.first_pass_errors,
            recovered=self.first_pass_errors - self.errors,
            not_retried=dict(self.not_retried.most_common()),
            error_rate=_rounded(self.errors / self.results) if self.results else None,
            cases_scored=len(scored),
            criteria={cid: c.result() for cid, c in self.criteria.items()},
            tokens=TokenTotals(generation=self.generation_tokens, judging=self.judging_tokens),
            cost=CostTotals(
                generation=self.generation_cost.result(), judging=self.judging_cost.result()
            ),
            latency_s=_latency(self.latency),
            generation_latency_s=_latency(self.generation_latency),
            cache_hits=self.cache_hits,
            judges=sorted(self.judges),
            error_kinds=dict(self.error_kinds.most_common()),
            error_samples=self.error_samples,
        )


def _latency(values: array[float]) -> Latency:
    return Latency(
        mean=_rounded(mean(values)),
        p50=_rounded(percentile(values, 0.5)),
        p95=_rounded(percentile(values, 0.95)),
        max=_rounded(max(values) if values else None),
    )


WorstKey = tuple[int, float, int, int, int]


def _worst_key(record: ResultRecord, side: Side | None) -> WorstKey:
    """Errors first, then the lowest scores (share of criteria met); ties in case order."""
    overall = side.overall if side is not None else None
    return (
        0 if not record.ok else 1,
        float(overall) if overall is not None else -1.0,
        record.case_index,
        record.epoch,
        0 if record.variant == "chain" else 1,
    )


def summarise(
    out_dir: str | Path, manifest: dict[str, Any] | None = None
) -> tuple[EvalReport, list[int]]:
    """The content of `report.json`, from `results.jsonl` (streamed), and the byte offsets of
    the drill-down records (worst first)."""
    folder = Path(out_dir)
    results = folder / RESULTS_FILE
    stats = ReadStats()
    variants: dict[str, VariantStats] = {}
    shown = ReportManifest.model_validate(manifest or {})
    wanted = list(shown.variants)
    pairing = len(wanted) > 1
    sides: dict[str, dict[tuple[str, int], Side]] = {name: {} for name in wanted}
    worst: list[tuple[WorstKey, int]] = []
    unreadable = 0
    for offset, data in iter_results(results, stats=stats):
        record = parse_record(data)
        if record is None:
            unreadable += 1
            continue
        side = side_of(record)
        variants.setdefault(record.variant, VariantStats()).add(record)
        item = _negate((_worst_key(record, side), offset))
        if len(worst) < MAX_DRILLDOWN:
            heapq.heappush(worst, item)
        else:
            heapq.heappushpop(worst, item)
        if pairing and record.variant in sides and side is not None:
            sides[record.variant][(record.case_id, record.epoch)] = side
    order = [name for name in wanted if name in variants] + sorted(set(variants) - set(wanted))
    summaries = {name: variants[name].result() for name in order}
    comparison = None
    if pairing and len(wanted) == 2:
        first, second = wanted
        comparison = compare_sides(
            sides[second],
            sides[first],
            label_a=second,
            label_b=first,
            errors_a=summaries[second].errors if second in summaries else 0,
            errors_b=summaries[first].errors if first in summaries else 0,
        )
    offsets = [offset for _key, offset in sorted(_negate(w) for w in worst)]
    report = EvalReport(
        manifest=shown,
        results_file=RESULTS_FILE,
        records=stats.records,
        broken_lines=stats.broken_lines + unreadable,
        variants=summaries,
        comparison=comparison,
        drilldown=Drilldown(shown=len(offsets)),
    )
    return report, offsets


def _negate(item: tuple[WorstKey, int]) -> tuple[WorstKey, int]:
    """Keys for a max-heap of the worst items (heapq is a min-heap)."""
    (status, score, index, epoch, variant), offset = item
    return (-status, -score, -index, -epoch, -variant), -offset


def write_reports(
    out_dir: str | Path, manifest: dict[str, Any] | None = None
) -> tuple[EvalReport, dict[str, Path]]:
    """Write report.json, report.md and report.html; return the report and the paths."""
    folder = Path(out_dir)
    report, offsets = summarise(folder, manifest)
    paths = {
        "json": folder / "report.json",
        "markdown": folder / "report.md",
        "html": folder / "report.html",
    }
    text = redact(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
    write_atomically(paths["json"], text)
    for kind, write in (("markdown", write_markdown), ("html", write_html)):
        # Written beside, then redacted into place: a crash keeps the old report whole.
        draft = folder / f".{paths[kind].name}.draft"
        write(draft, report, folder / RESULTS_FILE, offsets)
        write_atomically(paths[kind], redact(draft.read_text(encoding="utf-8")))
        draft.unlink()
    return report, paths
