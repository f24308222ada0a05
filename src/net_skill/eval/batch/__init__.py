"""`net-skill eval --batch`: an evaluation on Anthropic's Message Batches API, at half price.

    summary = await run_eval("evals/cases.jsonl", backend=AnthropicBackend(), out_dir="out",
                             batch=BatchOptions(on_progress=print))

The result is the same evaluation folder as a normal `net-skill eval` (the same records in
`results.jsonl`, scores, `report.json`/`report.md`/`report.html`, plan cache), produced by the
same code: every case runs through `run_skill` and `score_plan` with a replay backend whose
answers come from batches (`replay`). One batch per dependency level of the chain, then one
for the judge when the judge is Claude too (another judge is called directly). Batch ids and
results live in `batches.sqlite3` (`state`), so `--resume` after a kill polls the same
batches and never submits a request twice. Costs are at batch prices and count against
`--max-cost` when a request is submitted (its worst case) and when its result comes (its real
cost). See `rounds` for the rounds, `client` for the SDK calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from net_skill._lock import FolderLock
from net_skill.backends.anthropic import AnthropicBackend
from net_skill.backends.base import Backend
from net_skill.chain import chain_levels, chain_steps
from net_skill.errors import AnswerPendingError, InputError
from net_skill.eval.batch.client import BatchClient
from net_skill.eval.batch.replay import JUDGE_TAG, ReplayBackend
from net_skill.eval.batch.rounds import BatchOptions, BatchOutcome, BatchProgress, Rounds
from net_skill.eval.batch.state import STATE_FILE, BatchState
from net_skill.eval.pool import EvalProgress, Job
from net_skill.eval.results import ResultKey, ResultWriter, record_key
from net_skill.profile import profile_for
from net_skill.skill import Skill
from net_skill.spend import CostLimit

__all__ = [
    "STATE_FILE",
    "BatchOptions",
    "BatchOutcome",
    "BatchProgress",
    "BatchSession",
    "cancel_batches",
    "job_prefix",
]


class Evaluator(Protocol):
    """What the harness's evaluator offers: one job's record, and its counters."""

    generated: int
    cache_hits: int

    async def evaluate(self, job: Job) -> dict[str, Any]: ...


def job_prefix(job: Job) -> str:
    """The start of the `custom_id`s of a job's calls: case, epoch (and the variant)."""
    variant = "" if job.variant == "chain" else "-sp"
    return f"{job.case.id}-e{job.epoch}{variant}"


def _levels(skill: Skill) -> tuple[dict[str, int], dict[int, str]]:
    """Tags to dependency levels, and each level's name for progress."""
    steps = chain_steps(skill, profile_for(skill))
    by_step = chain_levels(steps)
    top = max(by_step.values(), default=0)
    tags = {f"step-{number}": level for number, level in by_step.items()}
    tags[JUDGE_TAG] = top + 1
    names: dict[int, str] = {}
    for level in range(1, top + 1):
        numbers = [str(n) for n, lv in sorted(by_step.items()) if lv == level]
        label = "step" if len(numbers) == 1 else "steps"
        names[level] = f"level {level} ({label} {', '.join(numbers)})"
    names[top + 1] = "judging"
    return tags, names


@dataclass
class BatchSession:
    """The batch side of one evaluation: the state file and the replay backends."""

    backend: AnthropicBackend
    state: BatchState
    generator: ReplayBackend
    judge: Backend | None
    tags: dict[str, int]
    level_names: dict[int, str]

    @classmethod
    def open(
        cls,
        out: Path,
        skill: Skill,
        backend: Backend,
        judge: Backend | None,
        *,
        resume: bool,
        judge_direct: Callable[[Backend], Backend],
    ) -> BatchSession:
        """Check the backends and open the state (emptied unless resuming)."""
        if not isinstance(backend, AnthropicBackend):
            raise InputError(
                "--batch needs the anthropic backend (the Message Batches API), "
                f"not {backend.name!r}"
            )
        tags, names = _levels(skill)
        state = BatchState(out)
        if not resume:
            state.clear()
        generator = ReplayBackend(backend, state, tags)
        batch_judge: Backend | None
        if isinstance(judge, AnthropicBackend):
            batch_judge = ReplayBackend(judge, state, tags)
        else:
            batch_judge = judge_direct(judge) if judge is not None else None
        return cls(backend, state, generator, batch_judge, tags, names)

    def max_rounds(self, options: BatchOptions, max_reasks: int) -> int:
        if options.max_rounds is not None:
            return max(1, options.max_rounds)
        levels = max(self.tags.values(), default=1)
        return levels * (2 + max_reasks) * max(1, options.max_submissions) + 1

    async def evaluate(
        self,
        options: BatchOptions,
        evaluator: Evaluator,
        writer: ResultWriter,
        *,
        limit: CostLimit | None,
        max_reasks: int,
        jobs: Callable[[], Iterator[Job]],
        done: set[ResultKey],
        progress: tuple[int, int, Callable[[EvalProgress], None] | None],
    ) -> BatchOutcome:
        """Evaluate every job of `jobs` in rounds of batches, writing each record with `writer`
        (and adding its key to `done`, which `jobs` skips) as soon as it is complete.
        `progress` is (total, already done, the harness's progress callback)."""
        state = self.state
        total, finished, on_progress = progress

        async def evaluate(job: Job) -> dict[str, Any]:
            generated = evaluator.generated
            try:
                record = await evaluator.evaluate(job)
            except AnswerPendingError:
                if evaluator.generated > generated:  # the plan is made; its judging is awaited
                    state.note_generated(job_prefix(job))
                raise
            generation = record.get("generation") or {}
            if generation.get("cache_hit") and state.was_generated(job_prefix(job)):
                generation["cache_hit"] = False  # made by this evaluation, a round earlier
                evaluator.cache_hits -= 1
                evaluator.generated += 1
            return record

        def write(record: dict[str, Any]) -> None:
            nonlocal finished
            writer.write(record)
            done.add(record_key(record))
            finished += 1
            if on_progress is not None:
                on_progress(EvalProgress.of_record(record, done=finished, total=total))

        return await self._rounds(options, limit, max_reasks, jobs, evaluate, write)

    async def _rounds(
        self,
        options: BatchOptions,
        limit: CostLimit | None,
        max_reasks: int,
        jobs: Callable[[], Iterator[Job]],
        evaluate: Callable[[Job], Awaitable[dict[str, Any]]],
        write: Callable[[dict[str, Any]], None],
    ) -> BatchOutcome:
        if options.max_requests_per_batch < 1 or options.max_requests_per_batch > 100_000:
            raise InputError("max_requests_per_batch must be from 1 to 100,000 (the API's limit)")
        if options.max_submissions < 1:
            raise InputError("max_submissions must be at least 1")
        rounds = Rounds(
            client=BatchClient(self.backend),
            state=self.state,
            options=options,
            limit=limit,
            level_names=self.level_names,
            max_rounds=self.max_rounds(options, max_reasks),
            model=self.backend.model,
            jobs=jobs,
            evaluate=evaluate,
            write=write,
            prefix=job_prefix,
        )
        return await rounds.run()

    def close(self) -> None:
        self.state.close()


async def cancel_batches(out_dir: str | Path, backend: AnthropicBackend) -> list[str]:
    """Ask the API to cancel every batch of the evaluation in `out_dir` not collected yet;
    returns their ids. Their results (canceled, or done before the cancel took effect) are
    collected by the next `run_eval(..., resume=True, batch=...)`, which submits the canceled
    requests again."""
    folder = Path(out_dir)
    if not (folder / STATE_FILE).is_file():
        raise InputError(f"{folder} holds no batch evaluation ({STATE_FILE} is missing)")
    with FolderLock(folder, what="net-skill eval"):
        state = BatchState(folder)
        try:
            client = BatchClient(backend)
            ids = [row.batch_id for row in state.open_batches()]
            for batch_id in ids:
                await client.cancel(batch_id)
        finally:
            state.close()
    return ids
