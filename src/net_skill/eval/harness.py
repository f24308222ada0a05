"""The batch evaluation harness: run every case through the skill, score it, record it.

    summary = await run_eval("evals/cases.jsonl", backend=FakeBackend(), judge=None,
                             out_dir="eval-out", concurrency=8, epochs=3)

Choices (documented in docs/eval.md):
- Cases stream from the file (validated in a first pass that keeps only their ids); each
  result is appended to `results.jsonl` as soon as it is done, and the reports are built by
  re-reading that file, so memory does not depend on the number of cases beyond a few bytes of
  per-case scores for the bootstrap.
- A case that fails (backend error, output that never validated, judge failure) becomes an
  error record with its message; it never stops the batch and is never counted as a score of
  0: reports show errors separately beside the mean over the scored cases.
- Rate limits: the backend owns transport retries; the worker pool (`net_skill.eval.pool`)
  backs off when a case still ends in HTTP 429 or 529.
- Generations are cached by content hash (see `net_skill.eval.cache`): a re-run re-scores
  cached plans for free; `rescore=True` never calls the generator at all.
- `resume=True` keeps the finished (case, epoch, variant) records, retries the failed ones and
  never writes a key twice; a fresh run moves an old `results.jsonl` to `results.previous.jsonl`.
- `max_cost_usd` caps what this command spends, generation, re-asks, failed attempts and
  judging together (`net_skill.spend`: one `CostLimit` shared by the generator and the judge).
  Once a call is refused no new case starts; a case cut short is not written, so `--resume`
  (with a higher cap) finishes the evaluation. Earlier sessions are not counted.
- Errored cases are tried again in the same command, up to `retry_errors` more passes, unless
  their error cannot change (`net_skill.eval.failures`).
- One command at a time per folder: `out_dir` is locked (`FolderBusyError`; `wait=True` waits).
  Every input is checked before the first model call, so nothing fails only after paying.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, NamedTuple

from net_skill._files import write_atomically
from net_skill._lock import FolderLock
from net_skill._redact import redact
from net_skill.backends.base import Backend
from net_skill.errors import AnswerPendingError, CostLimitError, InputError, as_net_skill_error
from net_skill.eval.baseline import run_single_prompt
from net_skill.eval.batch import BatchOptions, BatchSession
from net_skill.eval.cache import (
    CachedGeneration,
    GenerationCache,
    generation_key,
    schemas_fingerprint,
)
from net_skill.eval.cases import (
    EvalCase,
    cases_fingerprint,
    check_cases,
    iter_cases,
    load_cases,
    scan_cases,
)
from net_skill.eval.failures import DEFAULT_RETRY_ERRORS, error_info
from net_skill.eval.pool import (
    EvalProgress,
    Job,
    Pool,
    RateLimitedError,
    Variant,
    base_record,
    is_rate_limit,
)
from net_skill.eval.report_model import EvalReport, VariantReport
from net_skill.eval.results import (
    RESULTS_FILE,
    ReadStats,
    ResultKey,
    ResultWriter,
    compact_for_resume,
    remove_stale_temporaries,
)
from net_skill.eval.scoring import score_plan
from net_skill.records import now_iso
from net_skill.runner import arun_skill, resolve_skill
from net_skill.situation import validate_today
from net_skill.skill import Skill
from net_skill.spend import CostLimit, guarded

__all__ = [
    "EvalCase",
    "EvalProgress",
    "EvalSummary",
    "Variant",
    "load_cases",
    "run_eval",
]

MANIFEST_FILE = "manifest.json"
CACHE_DIR = "cache"
PREVIOUS_RESULTS_FILE = "results.previous.jsonl"


@dataclass
class EvalSummary:
    """What `run_eval` did and where the reports are; `report` is `report.json`'s content."""

    out_dir: Path
    results_path: Path
    reports: dict[str, Path]
    report: EvalReport
    cases: int
    epochs: int
    variants: tuple[str, ...]
    written: int
    skipped: int
    generated: int
    cache_hits: int
    elapsed_s: float
    stopped: str | None = None
    """Why the evaluation stopped before every result was written (the spending cap), if so."""
    dropped_lines: int = 0
    """Unreadable lines (a write cut short by a crash) dropped from `results.jsonl` on resume."""

    @property
    def primary(self) -> VariantReport | None:
        """The summary of the first variant (the chain), None when it has no result."""
        return self.report.variants.get(self.variants[0])

    @property
    def plans_passed(self) -> float | None:
        """The share of the chain's plans meeting every criterion (the headline)."""
        return self.primary.plans_passed.mean if self.primary else None

    @property
    def score(self) -> float | None:
        """The chain's mean score: the share of criteria met."""
        return self.primary.score.mean if self.primary else None

    @property
    def errors(self) -> int:
        return sum(v.errors for v in self.report.variants.values())


class _Evaluator:
    """Generates (or fetches from the cache) and scores one job; returns its record."""

    def __init__(
        self,
        *,
        skill: Skill,
        backend: Backend,
        judge: Backend | None,
        cache: GenerationCache,
        out_dir: Path,
        today: date,
        rescore: bool,
        max_reasks: int,
    ) -> None:
        self.skill = skill
        self.backend = backend
        self.judge = judge
        self.cache = cache
        self.out_dir = out_dir
        self.today = today
        self.rescore = rescore
        self.max_reasks = max_reasks
        self.schemas = schemas_fingerprint(skill)
        self.generated = 0
        self.cache_hits = 0

    def key_for(self, job: Job) -> str:
        return generation_key(
            backend=self.backend.name,
            model=self.backend.model,
            skill_source=self.skill.source,
            schemas=self.schemas,
            situation=job.case.situation,
            contacts=job.case.contacts,
            today=self.today,
            epoch=job.epoch,
            variant=job.variant,
        )

    async def generate(self, job: Job, key: str) -> CachedGeneration:
        if job.variant == "single-prompt":
            single = await run_single_prompt(
                job.case.situation,
                skill=self.skill,
                backend=self.backend,
                today=self.today,
                contacts=job.case.contacts,
                max_reasks=self.max_reasks,
            )
            plan, usage, cost, elapsed = (
                single.plan,
                single.usage,
                single.cost_usd,
                single.elapsed_s,
            )
        else:
            run = await arun_skill(
                job.case.situation,
                skill=self.skill,
                backend=self.backend,
                today=self.today,
                record=False,
                max_reasks=self.max_reasks,
                contacts=job.case.contacts,
            )
            plan, usage, cost, elapsed = run.plan, run.usage, run.cost_usd, run.elapsed_s
        entry = CachedGeneration(
            key=key,
            plan=plan,
            usage=usage,
            cost_usd=cost,
            elapsed_s=elapsed,
            model=self.backend.model,
            variant=job.variant,
        )
        self.cache.put(entry)
        self.generated += 1
        return entry

    def _plan_path(self, key: str) -> str:
        path = self.cache.path_for(key)
        try:
            return path.relative_to(self.out_dir).as_posix()
        except ValueError:
            return str(path)

    async def evaluate(self, job: Job) -> dict[str, Any]:
        started = time.perf_counter()
        record = base_record(job)
        key = self.key_for(job)
        entry = self.cache.get(key)
        hit = entry is not None
        try:
            if entry is not None:
                self.cache_hits += 1
            elif self.rescore:
                record["error"] = {
                    "stage": "generate",
                    "type": "CacheMiss",
                    "message": "no cached plan for this case and epoch: run it without --rescore",
                }
                return self._finish(record, started)
            else:
                entry = await self.generate(job, key)
        except (CostLimitError, AnswerPendingError):
            raise  # the pool stops (or a batch answer is awaited): not written, run again later
        except Exception as raised:
            exc = as_net_skill_error(raised)
            if is_rate_limit(exc):
                raise RateLimitedError(exc) from exc
            record["error"] = error_info("generate", exc)
            return self._finish(record, started)
        record["generation"] = {
            "key": key,
            "cache_hit": hit,
            "backend": self.backend.name,
            "model": entry.model,
            "usage": entry.usage.to_dict(),
            "cost_usd": entry.cost_usd,
            "elapsed_s": round(entry.elapsed_s, 4),
        }
        record["plan_path"] = self._plan_path(key)
        try:
            score = await score_plan(entry.plan, self.skill, judge=self.judge)
        except (CostLimitError, AnswerPendingError):
            raise
        except Exception as raised:
            exc = as_net_skill_error(raised)
            if is_rate_limit(exc):
                raise RateLimitedError(exc) from exc
            record["error"] = error_info("score", exc)
            return self._finish(record, started)
        record["status"] = "ok"
        record["score"] = score.model_dump(mode="json")
        record["overall"] = score.score
        record["judging"] = {
            "backend": score.judge_backend,
            "model": score.judge_model,
            "usage": score.judge_usage,
            "cost_usd": score.judge_cost_usd,
        }
        return self._finish(record, started)

    @staticmethod
    def _finish(record: dict[str, Any], started: float) -> dict[str, Any]:
        record["latency_s"] = round(time.perf_counter() - started, 4)
        record["finished_at"] = now_iso()
        return record


CaseSource = Iterable[EvalCase] | str | Path


class _Cases(NamedTuple):
    """A re-iterable view of the cases."""

    factory: Callable[[], Iterator[EvalCase]]
    size: int
    fingerprint: str
    source: str
    """Where they came from (a path, or `<cases>`)."""


def _case_stream(source: CaseSource) -> _Cases:
    if isinstance(source, str | Path):
        path = Path(source)
        count, fingerprint = scan_cases(path)
        return _Cases((lambda: iter_cases(path)), count, fingerprint, str(path))
    cases = check_cases(list(source))
    return _Cases((lambda: iter(cases)), len(cases), cases_fingerprint(cases), "<cases>")


def _read_manifest(out_dir: Path) -> dict[str, Any] | None:
    path = out_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: unreadable manifest ({exc})") from None
    return data if isinstance(data, dict) else None


def _check_resumable(previous: dict[str, Any], current: dict[str, Any], out_dir: Path) -> None:
    for field_name, label in (
        ("cases_fingerprint", "the cases"),
        ("skill_sha256", "the skill file"),
        ("generator", "the generator backend or model"),
    ):
        if previous.get(field_name) != current.get(field_name):
            raise InputError(
                f"cannot resume in {out_dir}: {label} changed since that run began; "
                "start a new evaluation with another --out (the plan cache is reused)"
            )


def _jobs(
    cases: Callable[[], Iterator[EvalCase]],
    epochs: int,
    variants: tuple[Variant, ...],
    done: set[ResultKey],
) -> Iterator[Job]:
    for index, case in enumerate(cases()):
        for epoch in range(1, epochs + 1):
            for variant in variants:
                if (case.id, epoch, variant) not in done:
                    yield Job(case, index, epoch, variant)


def _count_done(
    cases: Callable[[], Iterator[EvalCase]],
    epochs: int,
    variants: tuple[Variant, ...],
    done: set[ResultKey],
) -> int:
    if not done:
        return 0
    return sum(
        1
        for case in cases()
        for epoch in range(1, epochs + 1)
        for variant in variants
        if (case.id, epoch, variant) in done
    )


def _manifest(
    source: str,
    count: int,
    fingerprint: str,
    skill: Skill,
    backend: Backend,
    judge: Backend | None,
    epochs: int,
    variants: tuple[Variant, ...],
    today: date,
    rescore: bool,
) -> dict[str, Any]:
    return {
        "format": 1,
        "started_at": now_iso(),
        "cases_file": source,
        "cases": count,
        "cases_fingerprint": fingerprint,
        "skill_id": skill.id,
        "skill_path": str(skill.path) if skill.path else None,
        "skill_sha256": hashlib.sha256(skill.source.encode()).hexdigest(),
        "generator": {"backend": backend.name, "model": backend.model},
        "judge": {"backend": judge.name, "model": judge.model} if judge else None,
        "epochs": epochs,
        "variants": list(variants),
        "today": today.isoformat(),
        "rescore": rescore,
    }


def _start_results(out_dir: Path, *, resume: bool) -> tuple[set[ResultKey], ReadStats]:
    results = out_dir / RESULTS_FILE
    remove_stale_temporaries(out_dir)
    if resume:
        return compact_for_resume(results)
    if results.exists():
        results.replace(out_dir / PREVIOUS_RESULTS_FILE)
    return set(), ReadStats()


def _lock_hint(wait: bool) -> str:
    return "" if wait else "wait for it to finish, or pass --wait to queue behind it"


async def run_eval(
    cases: CaseSource,
    *,
    skill: Skill | str | Path | None = None,
    backend: Backend,
    judge: Backend | None = None,
    out_dir: str | Path,
    concurrency: int = 4,
    epochs: int = 1,
    resume: bool = False,
    rescore: bool = False,
    baseline: Literal["single-prompt"] | None = None,
    today: date | None = None,
    on_progress: Callable[[EvalProgress], None] | None = None,
    cache_dir: str | Path | None = None,
    max_reasks: int = 2,
    max_cost_usd: float | None = None,
    allow_unknown_cost: bool = False,
    retry_errors: int = DEFAULT_RETRY_ERRORS,
    wait: bool = False,
    on_notice: Callable[[str], None] | None = None,
    batch: BatchOptions | None = None,
) -> EvalSummary:
    """Evaluate `skill` on every case, `epochs` times, writing results and reports to `out_dir`.

    Returns an `EvalSummary`. Raises `InputError` for bad cases or options (before any model
    call); individual case failures are recorded, not raised. An errored case is tried again
    after the others, up to `retry_errors` more passes (0: never), unless its error cannot
    change. A generator that serves one call at a time (`max_concurrency == 1`, the local model)
    gets one case at a time, so its prompt-prefix cache is reused across the steps of a case.
    `max_cost_usd` caps this command's spend (see the module notes); `summary.stopped` says
    when it was reached.

    `out_dir` is locked while the evaluation runs: another one there raises `FolderBusyError`,
    or with `wait=True` waits for it. `on_notice` receives one-line notices (waiting for the
    lock, lines of `results.jsonl` dropped on resume).

    `batch` runs the evaluation on the Message Batches API (`net_skill.eval.batch`; the
    generator must be the anthropic backend): same records and reports, batch prices, and
    `resume=True` after a kill polls the batches already submitted instead of sending them again.
    """
    if concurrency < 1:
        raise InputError("concurrency must be at least 1")
    if epochs < 1:
        raise InputError("epochs must be at least 1")
    if retry_errors < 0:
        raise InputError(f"retry_errors must be 0 or more, not {retry_errors}")
    if baseline not in (None, "single-prompt"):
        raise InputError(f"unknown baseline {baseline!r}; the only baseline is 'single-prompt'")
    if today is not None:
        validate_today(today)
    started = time.perf_counter()
    resolved = resolve_skill(skill)
    stream = _case_stream(cases)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the evaluation folder {out}: {exc}") from None
    cache = GenerationCache(Path(cache_dir) if cache_dir else out / CACHE_DIR)
    cache.check_writable()
    lock = FolderLock(out, what="net-skill eval", hint=_lock_hint(wait))
    await lock.acquire_async(wait=wait, on_wait=on_notice)
    try:
        return await _evaluate(
            out,
            resolved,
            stream,
            backend=backend,
            judge=judge,
            concurrency=concurrency,
            epochs=epochs,
            resume=resume,
            rescore=rescore,
            baseline=baseline,
            today=today,
            on_progress=on_progress,
            cache=cache,
            max_reasks=max_reasks,
            retry_errors=retry_errors,
            on_notice=on_notice,
            started=started,
            max_cost_usd=max_cost_usd,
            allow_unknown_cost=allow_unknown_cost,
            batch=batch,
        )
    finally:
        lock.release()


async def _evaluate(
    out: Path,
    resolved: Skill,
    cases: _Cases,
    *,
    backend: Backend,
    judge: Backend | None,
    concurrency: int,
    epochs: int,
    resume: bool,
    rescore: bool,
    baseline: Literal["single-prompt"] | None,
    today: date | None,
    on_progress: Callable[[EvalProgress], None] | None,
    cache: GenerationCache,
    max_reasks: int,
    retry_errors: int,
    on_notice: Callable[[str], None] | None,
    started: float,
    max_cost_usd: float | None,
    allow_unknown_cost: bool,
    batch: BatchOptions | None = None,
) -> EvalSummary:
    """The evaluation proper, in a folder this process has locked."""
    from net_skill.eval.report import write_reports

    factory, count, fingerprint, source = cases
    variants: tuple[Variant, ...] = ("chain", "single-prompt") if baseline else ("chain",)
    previous = _read_manifest(out)
    if resume and previous is not None and today is None and previous.get("today"):
        today = date.fromisoformat(str(previous["today"]))
    day = today or date.today()
    manifest = _manifest(
        source, count, fingerprint, resolved, backend, judge, epochs, variants, day, rescore
    )
    if resume and previous is not None:
        _check_resumable(previous, manifest, out)
    limit = (
        CostLimit(max_cost_usd, allow_unknown=allow_unknown_cost)
        if max_cost_usd is not None
        else None
    )
    if limit is not None:  # refuse an unpriced generator or judge before anything is written
        limit.check_priced(backend, "generator")
        if judge is not None:
            limit.check_priced(judge, "judge")
    session = (
        BatchSession.open(
            out,
            resolved,
            backend,
            judge,
            resume=resume,
            judge_direct=lambda j: guarded(j, None, limit=limit) if limit else j,
        )
        if batch is not None
        else None
    )
    done, read = _start_results(out, resume=resume)
    if read.broken_lines and on_notice is not None:
        on_notice(
            f"{out / RESULTS_FILE}: dropped {read.broken_lines} unreadable line(s) (a write cut "
            "short by a crash); their cases run again"
        )
    write_atomically(out / MANIFEST_FILE, redact(json.dumps(manifest, indent=2)))
    generator: Backend
    judging: Backend | None
    if session is not None:
        generator, judging = session.generator, session.judge
    else:
        generator = guarded(backend, None, limit=limit) if limit else backend
        judging = guarded(judge, None, limit=limit) if limit and judge else judge
    evaluator = _Evaluator(
        skill=resolved,
        backend=generator,
        judge=judging,
        cache=cache,
        out_dir=out,
        today=day,
        rescore=rescore,
        max_reasks=max_reasks,
    )
    total = count * epochs * len(variants)
    skipped = _count_done(factory, epochs, variants, done)
    writer = ResultWriter(out / RESULTS_FILE)
    if session is not None and batch is not None:
        try:
            outcome = await session.evaluate(
                batch,
                evaluator,
                writer,
                limit=limit,
                max_reasks=max_reasks,
                jobs=lambda: _jobs(factory, epochs, variants, done),
                done=done,
                progress=(total, skipped, on_progress),
            )
        finally:
            writer.close()
            session.close()
        report, paths = write_reports(out, manifest)
        stopped = _stop_note(limit, outcome.waiting)
        if outcome.waiting and stopped is None:
            stopped = (
                f"{outcome.waiting} result(s) still waiting after {outcome.rounds} round(s) of "
                "batches: finish with --resume"
            )
        shape = (count, epochs, variants)
        return _summary(
            out, report, paths, shape, writer, skipped, evaluator, started, read, stopped
        )
    pool = Pool(
        _jobs(factory, epochs, variants, done),
        evaluator.evaluate,
        writer,
        concurrency=1 if backend.max_concurrency == 1 and not rescore else concurrency,
        total=total,
        done=skipped,
        on_progress=on_progress,
        stop=(lambda: limit.reached) if limit is not None else (lambda: False),
        retry_errors=retry_errors,
    )
    try:
        await pool.run()
    finally:
        writer.close()
    report, paths = write_reports(out, manifest)
    return _summary(
        out,
        report,
        paths,
        (count, epochs, variants),
        writer,
        skipped,
        evaluator,
        started,
        read,
        _stop_note(limit, total - skipped - writer.written),
    )


def _summary(
    out: Path,
    report: EvalReport,
    paths: dict[str, Path],
    shape: tuple[int, int, tuple[Variant, ...]],
    writer: ResultWriter,
    skipped: int,
    evaluator: _Evaluator,
    started: float,
    read: ReadStats,
    stopped: str | None,
) -> EvalSummary:
    count, epochs, variants = shape
    return EvalSummary(
        out_dir=out,
        results_path=out / RESULTS_FILE,
        reports=paths,
        report=report,
        cases=count,
        epochs=epochs,
        variants=variants,
        written=writer.written,
        skipped=skipped,
        generated=evaluator.generated,
        cache_hits=evaluator.cache_hits,
        elapsed_s=time.perf_counter() - started,
        dropped_lines=read.broken_lines,
        stopped=stopped,
    )


def _stop_note(limit: CostLimit | None, missing: int) -> str | None:
    if limit is None or limit.refused is None or missing <= 0:
        return None
    return (
        f"{limit.refused}; {missing} result(s) not run (${limit.spent_usd:.4f} spent by this "
        "command): finish with --resume and a higher --max-cost"
    )
