"""`net-skill eval`, `score`, `compare` and `calibrate`: wiring to `net_skill.eval`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from net_skill._redact import redact
from net_skill.backends.base import Backend
from net_skill.backends.registry import backend_spec, resolve_backend_name
from net_skill.cli._common import (
    EXIT_FAILURE,
    EXIT_USAGE,
    AllowUnknownCostOpt,
    ApiKeyEnvOpt,
    BackendOpt,
    BaseUrlOpt,
    ContextWindowOpt,
    MaxCostOpt,
    ModelOpt,
    SkillOpt,
    TodayOpt,
    build_backend,
    fail,
    handle_errors,
    parse_today,
    stderr,
    stdout,
)
from net_skill.eval.batch import BatchOptions, BatchProgress
from net_skill.eval.calibrate import acalibrate
from net_skill.eval.compare import compare_runs, comparison_markdown
from net_skill.eval.failures import DEFAULT_RETRY_ERRORS
from net_skill.eval.harness import EvalProgress, EvalSummary, run_eval
from net_skill.eval.scoring import load_plan, score_plan
from net_skill.runner import resolve_skill
from net_skill.situation import validate_today

T = TypeVar("T")

JudgeBackendOpt = Annotated[
    str,
    typer.Option(
        "--judge-backend",
        help="auto (Claude if ANTHROPIC_API_KEY is set, else no judge: checks only), "
        "anthropic, openai, local, fake or none.",
    ),
]
JudgeModelOpt = Annotated[
    str | None,
    typer.Option("--judge-model", help="Claude model id, or the served model name (openai)."),
]
JudgeBaseUrlOpt = Annotated[
    str | None,
    typer.Option("--judge-base-url", help="The judge server's API root (openai, anthropic)."),
]
JudgeKeyEnvOpt = Annotated[
    str | None,
    typer.Option(
        "--judge-api-key-env", metavar="NAME", help="The variable holding the judge's API key."
    ),
]
NoJudgeOpt = Annotated[bool, typer.Option("--no-judge", help="Deterministic checks only.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
    app.command("score")(score_command)
    app.command("compare")(compare_command)
    app.command("calibrate")(calibrate_command)


def _judge(
    name: str,
    model: str | None,
    no_judge: bool,
    base_url: str | None = None,
    api_key_env: str | None = None,
) -> Backend | None:
    """The judge backend: `auto` judges with Claude when a key is set, else not at all."""
    if no_judge or name == "none":
        return None
    if name == "auto":
        name = resolve_backend_name("auto")
        if not backend_spec(name).can_judge:
            stderr.print(
                "net-skill: no ANTHROPIC_API_KEY set; scoring with the deterministic checks only "
                "(a judge on the embedded model would be meaningless; --judge-backend local "
                "forces it)",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            return None
    return build_backend(
        name, model, base_url=base_url, api_key_env=api_key_env, role="judge backend (or none)"
    )


def _run(make: Callable[[], Awaitable[T]], *backends: Backend | None) -> T:
    async def main() -> T:
        try:
            return await make()
        finally:
            for backend in backends:
                if backend is not None:
                    await backend.aclose()

    return asyncio.run(main())


class _Bar:
    """A progress bar on stderr, one tick per finished (case, epoch, variant).

    It appears with the first result, so an evaluation refused at the start (a bad option, a
    folder in use) prints its one error line and nothing else.
    """

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[errors]} errors"),
            TimeRemainingColumn(),
            console=stderr,
            transient=False,
        )
        self.task = self.progress.add_task("evaluating", total=None, errors=0)
        self.errors = 0
        self.started = False

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.started:
            self.progress.stop()

    def __call__(self, event: EvalProgress) -> None:
        if not self.started:
            self.started = True
            self.progress.start()
        if event.status == "error":
            self.errors += 1
        self.progress.update(self.task, completed=event.done, total=event.total, errors=self.errors)


class _BatchBar:
    """One line per dependency level on stderr: its batch counts as they change."""

    def __init__(self, bar: _Bar) -> None:
        self.bar = bar
        self.tasks: dict[tuple[int, str], TaskID] = {}

    def __call__(self, event: BatchProgress) -> None:
        progress = self.bar.progress
        if not self.bar.started:
            self.bar.started = True
            progress.start()
        key = (event.round, event.batch_id)
        text = (
            f"round {event.round} {event.level_name}: {event.status}; {event.processing} "
            f"processing, {event.succeeded} succeeded, {event.errored} errored, "
            f"{event.expired} expired, {event.canceled} canceled"
        )
        if key not in self.tasks:
            self.tasks[key] = progress.add_task(text, total=event.requests, errors=event.errored)
        done = event.requests - event.processing
        progress.update(self.tasks[key], description=text, completed=done, errors=event.errored)


@handle_errors
def eval_command(
    cases: Annotated[Path, typer.Argument(help="JSONL file: one {id, situation, tags} a line.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for results and reports.")],
    backend: BackendOpt = "auto",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    context_window: ContextWindowOpt = None,
    judge_backend: JudgeBackendOpt = "auto",
    judge_model: JudgeModelOpt = None,
    judge_base_url: JudgeBaseUrlOpt = None,
    judge_api_key_env: JudgeKeyEnvOpt = None,
    no_judge: NoJudgeOpt = False,
    max_cost: MaxCostOpt = None,
    allow_unknown_cost: AllowUnknownCostOpt = False,
    concurrency: Annotated[int, typer.Option(min=1, help="Cases evaluated at once.")] = 4,
    epochs: Annotated[int, typer.Option(min=1, help="Runs of every case.")] = 1,
    resume: Annotated[bool, typer.Option(help="Keep finished results; run the rest.")] = False,
    rescore: Annotated[
        bool, typer.Option(help="Re-judge cached plans; never call the generator.")
    ] = False,
    baseline: Annotated[
        str | None, typer.Option(help="Also run 'single-prompt' (whole skill, one call).")
    ] = None,
    fail_under: Annotated[
        float | None, typer.Option(help="Exit 1 when the mean score is below this (0..1).")
    ] = None,
    max_error_rate: Annotated[
        float | None, typer.Option(help="Exit 1 when more than this share of results errored.")
    ] = None,
    skill: SkillOpt = None,
    today: TodayOpt = None,
    cache_dir: Annotated[
        Path | None, typer.Option(help="Plan cache shared between evaluations (default OUT/cache).")
    ] = None,
    json_output: JsonOpt = False,
    retry_errors: Annotated[
        int,
        typer.Option(
            min=0,
            help="Passes over the errored cases after the first one, in this command (errors "
            "a retry cannot change, such as HTTP 400 or 401, are not retried).",
        ),
    ] = DEFAULT_RETRY_ERRORS,
    wait: Annotated[
        bool, typer.Option(help="If another eval is using --out, wait for it instead of refusing.")
    ] = False,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch",
            help="Run on Anthropic's Message Batches API (half price, results within 24 h); "
            "a killed run continues with --resume, polling the batches already sent.",
        ),
    ] = False,
    poll_interval: Annotated[
        float, typer.Option(min=0.0, help="Seconds between batch status polls (--batch).")
    ] = 30.0,
    batch_size: Annotated[
        int,
        typer.Option(min=1, max=100_000, help="Most requests in one batch (--batch)."),
    ] = 1000,
) -> None:
    """Run every case through the skill, score each plan and write the reports."""
    if baseline not in (None, "single-prompt"):
        raise fail(f"unknown baseline {baseline!r}; the only one is single-prompt", code=EXIT_USAGE)
    day = parse_today(today)
    if day is not None:
        validate_today(day)  # before a backend is built (the local one loads a model)
    generator = build_backend(
        backend, model, base_url=base_url, api_key_env=api_key_env, context_window=context_window
    )
    judge = _judge(judge_backend, judge_model, no_judge, judge_base_url, judge_api_key_env)
    bar = _Bar()
    options = (
        BatchOptions(
            poll_interval_s=poll_interval,
            max_requests_per_batch=batch_size,
            on_progress=_BatchBar(bar),
        )
        if batch
        else None
    )
    with bar:
        summary = _run(
            lambda: run_eval(
                cases,
                skill=skill,
                backend=generator,
                judge=judge,
                out_dir=out,
                concurrency=concurrency,
                epochs=epochs,
                resume=resume,
                rescore=rescore,
                baseline="single-prompt" if baseline else None,
                today=day,
                on_progress=bar,
                cache_dir=cache_dir,
                max_cost_usd=max_cost,
                allow_unknown_cost=allow_unknown_cost,
                retry_errors=retry_errors,
                wait=wait,
                on_notice=_notice,
                batch=options,
            ),
            generator,
            judge,
        )
    _print_summary(summary, as_json=json_output)
    if summary.stopped:
        raise fail(summary.stopped)
    _gate(summary, fail_under, max_error_rate)


def _notice(message: str) -> None:
    stderr.print(f"net-skill: {message}", markup=False, highlight=False, soft_wrap=True)


def _print_summary(summary: EvalSummary, *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(redact(summary.report.model_dump_json()) + "\n")
    else:
        for name, data in summary.report.variants.items():
            retried = f" ({data.recovered} more recovered by retries)" if data.recovered else ""
            stdout.print(
                f"{name}: plans meeting every criterion {data.plans_passed.text(percent=True)}; "
                f"score {data.score.text()} (share of criteria met); "
                f"{data.errors} errors of {data.results} results{retried}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
    stderr.print(
        f"{summary.written} results written ({summary.skipped} already done, "
        f"{summary.generated} generated, {summary.cache_hits} from cache) in "
        f"{summary.elapsed_s:.1f} s; reports: {summary.reports['html']}, "
        f"{summary.reports['markdown']}, {summary.reports['json']}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _gate(summary: EvalSummary, fail_under: float | None, max_error_rate: float | None) -> None:
    """`--max-error-rate` on the chain's errors; `--fail-under` on its score, the mean share of
    criteria met (binary criteria: partial credit never counts)."""
    primary = summary.primary
    if max_error_rate is not None:
        rate = (primary.error_rate if primary else None) or 0.0
        if rate > max_error_rate:
            raise fail(
                f"{rate:.1%} of results errored, above --max-error-rate {max_error_rate:.1%}"
            )
    if fail_under is None:
        return
    mean = primary.score.mean if primary else None
    if primary is None or mean is None:
        raise fail(f"no case was scored, so the score cannot reach --fail-under {fail_under}")
    if mean < fail_under:
        raise fail(
            f"score {primary.score.text()} (share of criteria met) is below --fail-under "
            f"{fail_under:.3f} by {fail_under - mean:.3f}",
            code=EXIT_FAILURE,
        )


@handle_errors
def score_command(
    plan: Annotated[Path, typer.Argument(help="A plan.json written by `net-skill run`.")],
    skill: SkillOpt = None,
    judge_backend: JudgeBackendOpt = "auto",
    judge_model: JudgeModelOpt = None,
    judge_base_url: JudgeBaseUrlOpt = None,
    judge_api_key_env: JudgeKeyEnvOpt = None,
    no_judge: NoJudgeOpt = False,
    json_output: JsonOpt = False,
) -> None:
    """Score one saved plan against the skill's Verification checklist."""
    parsed = load_plan(plan)
    resolved = resolve_skill(skill)
    judge = _judge(judge_backend, judge_model, no_judge, judge_base_url, judge_api_key_env)
    result = _run(lambda: score_plan(parsed, resolved, judge=judge), judge)
    if json_output:
        sys.stdout.write(result.model_dump_json() + "\n")
        return
    verdict = "meets every criterion" if result.passed else "does not meet every criterion"
    stdout.print(
        f"{verdict}: {result.passed_count} of {result.scored_count} scored criteria met"
        + (f" (judge {result.judge_model})" if result.judge_model else " (checks only)"),
        markup=False,
        highlight=False,
    )
    for item in result.criteria:
        status = {"passed": "met", "failed": "not met"}.get(item.status, item.status)
        value = f"{item.partial_credit:.2f}" if item.partial_credit is not None else "–"
        stdout.print(f"  {status:<14} {value:>5}  {item.text}", markup=False, highlight=False)
        for check in item.check_results:
            if not check.passed:
                stdout.print(
                    f"      ✗ {check.check_id}: {check.evidence}", markup=False, highlight=False
                )


@handle_errors
def compare_command(
    dir_a: Annotated[Path, typer.Argument(help="Evaluation folder A (the reference).")],
    dir_b: Annotated[Path, typer.Argument(help="Evaluation folder B (compared with A).")],
    variant: Annotated[str, typer.Option(help="Which variant to compare.")] = "chain",
    json_output: JsonOpt = False,
) -> None:
    """Paired difference (B − A) per criterion and per case."""
    result = compare_runs(dir_a, dir_b, variant=variant)
    if json_output:
        sys.stdout.write(result.model_dump_json() + "\n")
    else:
        sys.stdout.write(comparison_markdown(result))


@handle_errors
def calibrate_command(
    labeled_dir: Annotated[Path, typer.Argument(help="Folder of hand-labelled plans.")] = Path(
        "evals/labeled"
    ),
    skill: SkillOpt = None,
    judge_backend: JudgeBackendOpt = "auto",
    judge_model: JudgeModelOpt = None,
    judge_base_url: JudgeBaseUrlOpt = None,
    judge_api_key_env: JudgeKeyEnvOpt = None,
    no_judge: NoJudgeOpt = False,
    json_output: JsonOpt = False,
) -> None:
    """Agreement (accuracy and Cohen's kappa) of the checks and the judge with human labels."""
    resolved = resolve_skill(skill)
    judge = _judge(judge_backend, judge_model, no_judge, judge_base_url, judge_api_key_env)
    report = _run(lambda: acalibrate(labeled_dir, resolved, judge=judge), judge)
    if json_output:
        sys.stdout.write(report.model_dump_json() + "\n")
    else:
        sys.stdout.write(report.to_markdown())
