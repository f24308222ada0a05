"""The typed content of `report.json`, of `net-skill compare`, and of one `results.jsonl` line.

Every report reads these models by attribute: `summarise` builds an `EvalReport`, the markdown
and HTML renderers and the CLI read it, `compare_sides` builds a `Comparison`. The headline of
each is the share of plans meeting every criterion (`plans_passed`); the score (the mean share
of criteria met) follows; partial credit is detail.

Module order (no cycles): `report_model` <- `compare` <- `report_md`, `report_html` <- `report`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from net_skill.eval.scoring import PlanScore
from net_skill.eval.stats import Estimate
from net_skill.events import UsageModel
from net_skill.usage import Usage

__all__ = [
    "HEADLINE_NOTE",
    "CaseChange",
    "Comparison",
    "CostTotals",
    "CriterionReport",
    "Difference",
    "Drilldown",
    "ErrorInfo",
    "ErrorSample",
    "EvalReport",
    "GenerationInfo",
    "Interval",
    "JudgingInfo",
    "Latency",
    "ListedKeys",
    "Money",
    "ReportManifest",
    "ResultRecord",
    "TokenTotals",
    "Tokens",
    "VariantReport",
]


HEADLINE_NOTE = (
    "A criterion is met only when all its checks (and the judge, when it spoke) pass. *Plans "
    "meeting every criterion* is the headline; *score* is the mean share of criteria met; "
    "*partial credit* (the share of checked items that passed) is detail only."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Interval(_Model):
    """A mean over cases with its 95% bootstrap interval (`stats.Estimate`, as data)."""

    mean: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0

    @classmethod
    def of(cls, estimate: Estimate) -> Interval:
        data = estimate.to_dict()
        return cls(
            mean=_float(data["mean"]),
            ci_low=_float(data["ci_low"]),
            ci_high=_float(data["ci_high"]),
            n=int(data["n"] or 0),
        )

    def text(self, *, percent: bool = False, signed: bool = False) -> str:
        """`0.820 [0.760, 0.880] (n=40)`, `82.0% [...]`, or `n/a (n=0)`."""
        if self.mean is None:
            return f"n/a (n={self.n})"

        def fmt(value: float) -> str:
            if percent:
                return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"
            return f"{value:+.3f}" if signed else f"{value:.3f}"

        text = fmt(self.mean)
        if self.ci_low is not None and self.ci_high is not None:
            text += f" [{fmt(self.ci_low)}, {fmt(self.ci_high)}]"
        return f"{text} (n={self.n})"


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


class Money(_Model):
    usd: float = 0.0
    unknown_for: int = Field(0, description="Results whose cost the backend could not price")

    def text(self) -> str:
        text = f"${self.usd:.4f}"
        if self.unknown_for:
            text += f" (+ unknown for {self.unknown_for} results)"
        return text


class Tokens(UsageModel):
    """Tokens of a set of calls (`events.UsageModel`, with the report's text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def of_mapping(cls, usage: Mapping[str, Any] | None) -> Tokens:
        """From a usage mapping (unknown keys ignored, missing ones 0)."""
        return cls(**Usage.from_dict(usage).to_dict())

    def __add__(self, other: Tokens) -> Tokens:
        return Tokens(**(self.to_usage() + other.to_usage()).to_dict())

    def text(self) -> str:
        """`1,200 in / 300 out` (input includes cached input)."""
        total_in = self.input_tokens + self.cache_read_input_tokens
        total_in += self.cache_creation_input_tokens
        if not total_in and not self.output_tokens:
            return "0"
        return f"{total_in:,} in / {self.output_tokens:,} out"


class TokenTotals(_Model):
    generation: Tokens = Field(default_factory=Tokens)
    judging: Tokens = Field(default_factory=Tokens)


class CostTotals(_Model):
    generation: Money = Field(default_factory=Money)
    judging: Money = Field(default_factory=Money)


class Latency(_Model):
    mean: float | None = None
    p50: float | None = None
    p95: float | None = None
    max: float | None = None

    def text(self) -> str:
        if self.p50 is None or self.p95 is None:
            return "n/a"
        return f"{self.p50:.2f}s / {self.p95:.2f}s"


class CriterionReport(_Model):
    text: str
    pass_rate: Interval = Field(description="Share of cases meeting the criterion")
    partial_credit: float | None = Field(None, description="Detail only: mean partial credit")
    status_counts: dict[str, int] = Field(default_factory=dict)


class ErrorSample(_Model):
    case_id: str
    epoch: int
    stage: str | None = None
    type: str | None = None
    message: str | None = None


class VariantReport(_Model):
    """One variant's summary. `plans_passed` leads: the share of plans meeting every criterion."""

    plans_passed: Interval = Field(description="Share of plans meeting every criterion")
    score: Interval = Field(description="Mean share of criteria met (weighted)")
    partial_credit: Interval = Field(description="Detail only: mean partial credit")
    results: int
    ok: int
    errors: int
    first_pass_errors: int = 0
    recovered: int = 0
    """Errors of the first pass that a later `--retry-errors` pass turned into results."""
    not_retried: dict[str, int] = Field(default_factory=dict)
    error_rate: float | None
    cases_scored: int
    criteria: dict[str, CriterionReport] = Field(default_factory=dict)
    tokens: TokenTotals = Field(default_factory=TokenTotals)
    cost: CostTotals = Field(default_factory=CostTotals)
    latency_s: Latency = Field(default_factory=Latency)
    generation_latency_s: Latency = Field(default_factory=Latency)
    cache_hits: int = 0
    judges: list[str] = Field(default_factory=list)
    error_kinds: dict[str, int] = Field(default_factory=dict)
    error_samples: list[ErrorSample] = Field(default_factory=list)

    def errors_text(self) -> str:
        """`3 of 50`, or `3 of 50 (14 on the first pass, 11 recovered by retries)`."""
        text = f"{self.errors} of {self.results}"
        if self.first_pass_errors > self.errors:
            text += (
                f" ({self.first_pass_errors} on the first pass, "
                f"{self.recovered} recovered by retries)"
            )
        return text


class BackendInfo(BaseModel):
    model_config = ConfigDict(extra="allow")

    backend: str | None = None
    model: str | None = None


class ReportManifest(BaseModel):
    """What was run (`manifest.json`); fields the reports show are typed, the rest kept."""

    model_config = ConfigDict(extra="allow")

    skill_id: str | None = None
    cases: int | None = None
    cases_file: str | None = None
    epochs: int | None = None
    today: str | None = None
    generator: BackendInfo | None = None
    judge: BackendInfo | None = None
    variants: list[str] = Field(default_factory=list)

    def judge_text(self) -> str:
        if self.judge is None:
            return "none (checks only)"
        return f"{self.judge.backend} / {self.judge.model}"


class Difference(_Model):
    """Paired values of A and B and their difference (B − A), over cases."""

    a: float | None
    b: float | None
    difference: Interval
    pairs: int
    wins: int
    losses: int
    ties: int


class ListedKeys(_Model):
    count: int
    first: list[str] = Field(default_factory=list)


class CaseChange(_Model):
    case_id: str
    difference: float | None = Field(description="B − A score of the case")
    gained: list[str] = Field(default_factory=list)
    lost: list[str] = Field(default_factory=list)
    passed_a: bool | None = Field(None, description="A's plans met every criterion (mean > 0.5)")
    passed_b: bool | None = None


class Comparison(_Model):
    """A paired comparison of two result sets (B − A: positive means B is better)."""

    a: str
    b: str
    paired: int
    only_a: ListedKeys
    only_b: ListedKeys
    errors_a: int
    errors_b: int
    plans_passed: Difference = Field(description="Plans meeting every criterion, paired")
    overall: Difference = Field(description="The plan score (share of criteria met), paired")
    criteria: dict[str, Difference] = Field(default_factory=dict)
    cases: list[CaseChange] = Field(default_factory=list)
    variant: str | None = None


class Drilldown(_Model):
    shown: int
    order: str = "errors first, then lowest scores"


class EvalReport(_Model):
    """The content of `report.json`."""

    manifest: ReportManifest = Field(default_factory=ReportManifest)
    results_file: str
    records: int
    broken_lines: int
    variants: dict[str, VariantReport] = Field(default_factory=dict)
    comparison: Comparison | None = None
    drilldown: Drilldown | None = None


# --- one line of results.jsonl (read, not written, here) ----------------------------------------


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GenerationInfo(_Read):
    key: str | None = None
    cache_hit: bool = False
    backend: str | None = None
    model: str | None = None
    usage: dict[str, int] = Field(default_factory=dict)
    cost_usd: float | None = None
    elapsed_s: float | None = None


class JudgingInfo(_Read):
    backend: str | None = None
    model: str | None = None
    usage: dict[str, int] = Field(default_factory=dict)
    cost_usd: float | None = None


class ErrorInfo(_Read):
    stage: str | None = None
    type: str | None = None
    message: str | None = None
    not_retried: str | None = None
    """Why the error was not tried again (a retry cannot change it)."""
    usage: dict[str, int] | None = None
    """What the failed attempts consumed."""
    cost_usd: float | None = None


class ResultRecord(_Read):
    """One (case, epoch, variant) result as `results.jsonl` holds it."""

    case_id: str
    case_index: int = 0
    epoch: int = 1
    variant: str = "chain"
    tags: list[str] = Field(default_factory=list)
    status: Literal["ok", "error"] | str = "error"
    overall: float | None = None
    score: PlanScore | None = None
    generation: GenerationInfo | None = None
    plan_path: str | None = None
    judging: JudgingInfo | None = None
    error: ErrorInfo | None = None
    earlier_errors: list[ErrorInfo] = Field(default_factory=list)
    """Errors of earlier passes of `--retry-errors` (the record may be a later success)."""
    latency_s: float | None = None
    finished_at: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def failed_criteria(self) -> list[str]:
        if self.score is None:
            return []
        return [c.criterion_id for c in self.score.criteria if c.status == "failed"]
