"""The worker pool of the harness: lazy jobs, an adaptive concurrency limit, rate-limit backoff.

Workers pull jobs from an iterator one at a time (no task per case, so 10,000 cases cost no
more than 10). When a job ends in HTTP 429 or 529 (after the backend's own transport retries),
the throttle halves the concurrency, pauses every worker (`RATE_LIMIT_PAUSE_S`, doubling up to
`MAX_RATE_LIMIT_PAUSE_S`), and the job goes back in the queue, at most `MAX_RATE_LIMIT_RETRIES`
times; each run of `limit` successes grows the limit by one again (additive increase,
multiplicative decrease).

A job that ends in an error is tried again after every other job, up to `retry_errors` more
passes, unless its error cannot change (`net_skill.eval.failures.final_reason`); only its last
record is written, with the errors of its earlier passes. An exception nobody planned for
becomes that job's error record: it never stops the other workers.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from net_skill.errors import BackendError, CostLimitError, as_net_skill_error
from net_skill.eval.cases import EvalCase
from net_skill.eval.failures import error_info, final_reason
from net_skill.eval.results import ResultWriter
from net_skill.records import now_iso

Variant = Literal["chain", "single-prompt"]
RATE_LIMIT_STATUSES = frozenset({429, 529})
RATE_LIMIT_PAUSE_S = 5.0
MAX_RATE_LIMIT_PAUSE_S = 60.0
MAX_RATE_LIMIT_RETRIES = 3


@dataclass(frozen=True)
class EvalProgress:
    """Sent to `on_progress` after every finished (case, epoch, variant)."""

    done: int
    total: int
    case_id: str
    epoch: int
    variant: str
    status: Literal["ok", "error"]
    score: float | None
    error: str | None = None
    concurrency: int = 0

    @classmethod
    def of_record(
        cls, record: Mapping[str, Any], *, done: int, total: int, concurrency: int = 0
    ) -> EvalProgress:
        """The progress line for a finished record of `results.jsonl`."""
        error = record.get("error") or {}
        return cls(
            done=done,
            total=total,
            case_id=record["case_id"],
            epoch=record["epoch"],
            variant=record["variant"],
            status=record["status"],
            score=record.get("overall"),
            error=error.get("message"),
            concurrency=concurrency,
        )


@dataclass
class Job:
    case: EvalCase
    index: int
    epoch: int
    variant: Variant
    tries: int = 0
    """Times put back in the queue after a rate limit."""
    passes: int = 0
    """Times tried again after an error (`retry_errors`)."""
    earlier: list[dict[str, Any]] = field(default_factory=list)
    """The errors of its earlier attempts (rate limits and errored passes)."""


class RateLimitedError(Exception):
    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class Throttle:
    """An adaptive concurrency limit: halve and pause on rate limits, grow back on successes."""

    def __init__(self, limit: int) -> None:
        self.ceiling = limit
        self.limit = limit
        self.in_flight = 0
        self._changed = asyncio.Event()
        self._resume_at = 0.0
        self._pause = RATE_LIMIT_PAUSE_S
        self._successes = 0

    async def acquire(self) -> None:
        while True:
            delay = self._resume_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            if self.in_flight < self.limit:
                self.in_flight += 1
                return
            self._changed.clear()
            await self._changed.wait()

    def release(self, *, ok: bool) -> None:
        self.in_flight -= 1
        if ok:
            self._successes += 1
            if self._successes >= self.limit:
                self._successes = 0
                self._pause = RATE_LIMIT_PAUSE_S
                self.limit = min(self.ceiling, self.limit + 1)
        self._changed.set()

    def rate_limited(self) -> None:
        now = time.monotonic()
        if self._resume_at > now:  # already paused by another worker's 429
            return
        self.limit = max(1, self.limit // 2)
        self._successes = 0
        self._resume_at = now + self._pause
        self._pause = min(MAX_RATE_LIMIT_PAUSE_S, self._pause * 2)


def is_rate_limit(error: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, BackendError) and current.status_code in RATE_LIMIT_STATUSES:
            return True
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else current.__cause__
    return False


class Pool:
    """Workers pulling jobs lazily (no task per case), under an adaptive throttle."""

    def __init__(
        self,
        jobs: Iterator[Job],
        evaluate: Callable[[Job], Awaitable[dict[str, Any]]],
        writer: ResultWriter,
        *,
        concurrency: int,
        total: int,
        done: int,
        on_progress: Callable[[EvalProgress], None] | None,
        stop: Callable[[], bool] = lambda: False,
        retry_errors: int = 0,
    ) -> None:
        self.jobs = jobs
        self.stop = stop
        """True once no new job may start (the spending cap was reached)."""
        self.dropped = 0
        """Jobs stopped part-way by the spending cap: not written, so `--resume` runs them."""
        self.retry: deque[Job] = deque()
        self.later: deque[Job] = deque()
        """Errored jobs to try again once every other job is done (the next pass)."""
        self.retry_errors = retry_errors
        self.evaluate = evaluate
        self.writer = writer
        self.throttle = Throttle(concurrency)
        self.workers = concurrency
        self.total = total
        self.done = done
        self.on_progress = on_progress

    def _next(self) -> Job | None:
        if self.retry:
            return self.retry.popleft()
        job = next(self.jobs, None)
        if job is None and self.later:
            return self.later.popleft()
        return job

    def _try_again(self, job: Job, record: dict[str, Any]) -> bool:
        """Put an errored job back for the next pass when that may help; else note its past."""
        error = record.get("error")
        if record["status"] != "ok" and isinstance(error, dict):
            reason = final_reason(error, job.earlier)
            if reason is None and job.passes < self.retry_errors:
                job.passes += 1
                job.earlier.append(error)
                self.later.append(job)
                return True
            if reason is not None and job.passes < self.retry_errors:
                error["not_retried"] = reason
        if job.earlier:
            record["earlier_errors"] = job.earlier
        return False

    async def _worker(self) -> None:
        while True:
            await self.throttle.acquire()
            if self.stop():
                self.throttle.release(ok=False)
                return
            job = self._next()
            if job is None:
                self.throttle.release(ok=False)
                if self.throttle.in_flight == 0 and not self.retry and not self.later:
                    return
                await asyncio.sleep(0.01)  # others may still put a rate-limited job back
                continue
            try:
                record = await self.evaluate(job)
            except CostLimitError:
                self.throttle.release(ok=False)
                self.dropped += 1
                continue
            except RateLimitedError as limited:
                self.throttle.release(ok=False)
                self.throttle.rate_limited()
                job.tries += 1
                if job.tries <= MAX_RATE_LIMIT_RETRIES:
                    job.earlier.append(error_info("generate", limited.error))
                    self.retry.append(job)
                    continue
                record = failed_record(job, limited.error)
            except Exception as raised:  # a bug in one job must not stop every worker
                self.throttle.release(ok=False)
                record = failed_record(job, as_net_skill_error(raised), stage="evaluate")
            else:
                self.throttle.release(ok=record["status"] == "ok")
            if self._try_again(job, record):
                continue
            self._record(record)

    def _record(self, record: dict[str, Any]) -> None:
        self.writer.write(record)
        self.done += 1
        if self.on_progress is not None:
            self.on_progress(
                EvalProgress.of_record(
                    record, done=self.done, total=self.total, concurrency=self.throttle.limit
                )
            )

    async def run(self) -> None:
        tasks = [asyncio.create_task(self._worker()) for _ in range(self.workers)]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def failed_record(job: Job, error: BaseException, *, stage: str = "generate") -> dict[str, Any]:
    """The error record of a job that raised instead of returning its record."""
    record = base_record(job)
    record["error"] = error_info(stage, error)
    record["latency_s"] = 0.0
    record["finished_at"] = now_iso()
    return record


def base_record(job: Job) -> dict[str, Any]:
    return {
        "case_id": job.case.id,
        "case_index": job.index,
        "epoch": job.epoch,
        "variant": job.variant,
        "tags": list(job.case.tags),
        "status": "error",
        "score": None,
        "overall": None,
        "generation": None,
        "plan_path": None,
        "judging": None,
        "error": None,
    }
