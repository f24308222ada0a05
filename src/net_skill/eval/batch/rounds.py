"""Rounds of Message Batches: evaluate every unfinished case, batch what it waits for, repeat.

One round: first every batch created and not yet collected (this command's, or a killed one's)
is polled until it ends and its results are streamed into the state; then every case without a
result is evaluated again with the replay backend (`net_skill.eval.batch.replay`). A case whose
calls are all answered is scored and written to `results.jsonl` like in a normal evaluation; a
case still waiting adds its next requests to the round's batches, one per dependency level
(more when a level has over `max_requests_per_batch` requests). Errored and expired requests
are asked again in a later round, at most `max_submissions` times in all; an answer that fails
validation gets its re-ask (`net_skill.structured`) in the next round. The rounds end when no
case waits, when the spending cap refuses a request (no new submission; what is in flight is
still collected), or after `max_rounds`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from anthropic.types.messages import MessageBatch, MessageBatchIndividualResponse

from net_skill.backends.pricing import batch_cost
from net_skill.errors import AnswerPendingError, CostLimitError
from net_skill.eval.batch.client import BatchClient
from net_skill.eval.batch.replay import JobCalls, PendingRequest, current_job
from net_skill.eval.batch.state import BatchRow, BatchState, Status, Submitted
from net_skill.eval.pool import Job
from net_skill.spend import CostLimit
from net_skill.usage import Usage

__all__ = ["BatchOptions", "BatchOutcome", "BatchProgress", "Rounds"]

BatchStatus = Literal["submitted", "in_progress", "canceling", "ended", "collected"]
FINAL_ERRORS = frozenset(
    {
        "invalid_request_error",
        "authentication_error",
        "permission_error",
        "not_found_error",
        "request_too_large",
    }
)
"""Per-request error types that another submission cannot change: given up on at once."""
RESULTS_PER_TRANSACTION = 500


@dataclass(frozen=True)
class BatchProgress:
    """Sent to `BatchOptions.on_progress` whenever a batch is created, polled or collected."""

    round: int
    level: int
    level_name: str
    """For example `level 2 (steps 2, 3)` or `judging`."""
    batch_id: str
    status: BatchStatus
    requests: int
    processing: int = 0
    succeeded: int = 0
    errored: int = 0
    expired: int = 0
    canceled: int = 0


@dataclass(frozen=True)
class BatchOptions:
    """How `run_eval(..., batch=BatchOptions())` uses the Message Batches API."""

    poll_interval_s: float = 30.0
    max_requests_per_batch: int = 1000
    """A level with more requests goes out as several batches (memory stays flat)."""
    max_submissions: int = 3
    """Times one request may be submitted in all (errored or expired ones are sent again)."""
    max_rounds: int | None = None
    """None: enough for every level, the judge, the re-asks and the resubmissions."""
    on_progress: Callable[[BatchProgress], None] | None = None
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)


@dataclass
class BatchOutcome:
    rounds: int = 0
    batches: int = 0
    submitted: int = 0
    given_up: int = 0
    waiting: int = 0
    """Cases left without a result (the spending cap, or `max_rounds`): `--resume` runs them."""


Evaluate = Callable[[Job], Awaitable[dict[str, Any]]]


class Rounds:
    """The rounds of one batch evaluation (see the module docstring)."""

    def __init__(
        self,
        *,
        client: BatchClient,
        state: BatchState,
        options: BatchOptions,
        limit: CostLimit | None,
        level_names: dict[int, str],
        max_rounds: int,
        model: str,
        jobs: Callable[[], Iterator[Job]],
        evaluate: Evaluate,
        write: Callable[[dict[str, Any]], None],
        prefix: Callable[[Job], str],
    ) -> None:
        self.client = client
        self.state = state
        self.options = options
        self.limit = limit
        self.level_names = level_names
        self.max_rounds = max_rounds
        self.model = model
        self.jobs = jobs
        self.evaluate = evaluate
        self.write = write
        self.prefix = prefix
        self.reserved: dict[str, float] = {}
        self.outcome = BatchOutcome()
        self.round = state.last_round()

    def emit(self, progress: BatchProgress) -> None:
        if self.options.on_progress is not None:
            self.options.on_progress(progress)

    def progress_of(
        self, row: BatchRow, batch: MessageBatch | None, status: BatchStatus
    ) -> BatchProgress:
        counts = batch.request_counts if batch is not None else None
        return BatchProgress(
            round=row.round,
            level=row.level,
            level_name=self.level_names.get(row.level, f"level {row.level}"),
            batch_id=row.batch_id,
            status=status,
            requests=row.requests,
            processing=counts.processing if counts else row.requests,
            succeeded=counts.succeeded if counts else 0,
            errored=counts.errored if counts else 0,
            expired=counts.expired if counts else 0,
            canceled=counts.canceled if counts else 0,
        )

    async def run(self) -> BatchOutcome:
        for _ in range(self.max_rounds):
            await self.collect_open()
            self.round += 1
            self.outcome.rounds += 1
            waiting, sent = await self.evaluate_all()
            self.outcome.waiting = waiting
            if waiting == 0 or sent == 0:
                break
        else:
            await self.collect_open()
        return self.outcome

    # -- one pass over the cases -----------------------------------------------------------

    async def evaluate_all(self) -> tuple[int, int]:
        """Evaluate every case without a result; (cases still waiting, requests submitted)."""
        submitter = _Submitter(self)
        waiting = 0
        for job in self.jobs():
            calls = JobCalls(prefix=self.prefix(job))
            token = current_job.set(calls)
            try:
                record = await self.evaluate(job)
            except AnswerPendingError:
                waiting += 1
                await submitter.add(calls.pending)
                continue
            except CostLimitError:  # a judge outside the batches met the cap
                waiting += 1
                continue
            finally:
                current_job.reset(token)
            self.write(record)
        await submitter.flush_all()
        return waiting, submitter.sent

    # -- polling and collecting ------------------------------------------------------------

    async def collect_open(self) -> None:
        """Poll every batch not yet collected until it ends, and store its results."""
        open_rows = self.state.open_batches()
        while open_rows:
            still: list[BatchRow] = []
            for row in open_rows:
                batch = await self.client.retrieve(row.batch_id)
                if batch.processing_status == "ended":
                    self.emit(self.progress_of(row, batch, "ended"))
                    await self.collect(row, batch)
                else:
                    self.emit(self.progress_of(row, batch, batch.processing_status))
                    still.append(row)
            open_rows = still
            if open_rows:
                await self.options.sleep(self.options.poll_interval_s)

    async def collect(self, row: BatchRow, batch: MessageBatch) -> None:
        rows: list[tuple[str, Status, str, float | None, int]] = []

        def on_result(item: MessageBatchIndividualResponse) -> None:
            rows.append(self.result_row(item))
            if len(rows) >= RESULTS_PER_TRANSACTION:
                self.state.record_results(row.batch_id, rows)
                rows.clear()

        await self.client.results(row.batch_id, on_result)
        self.state.record_results(row.batch_id, rows)
        counts = batch.request_counts.model_dump()
        self.outcome.given_up += self.state.finish_batch(
            row.batch_id, counts, max_submissions=self.options.max_submissions
        )
        self.emit(self.progress_of(row, batch, "collected"))

    def result_row(
        self, item: MessageBatchIndividualResponse
    ) -> tuple[str, Status, str, float | None, int]:
        """What one result line stores: (custom_id, status, payload, cost, tokens)."""
        result = item.result
        reserved = self.reserved.pop(item.custom_id, 0.0)
        if result.type == "succeeded":
            message = result.message
            usage = Usage(
                input_tokens=message.usage.input_tokens,
                output_tokens=message.usage.output_tokens,
                cache_read_input_tokens=message.usage.cache_read_input_tokens or 0,
                cache_creation_input_tokens=message.usage.cache_creation_input_tokens or 0,
            )
            cost = batch_cost(message.model, usage)  # the judge's model may be another
            if cost is None:
                cost = batch_cost(self.model, usage)
            if self.limit is not None:
                self.limit.settle(reserved, cost)
            return (
                item.custom_id,
                "succeeded",
                message.model_dump_json(),
                cost,
                usage.total_tokens,
            )
        if self.limit is not None:
            self.limit.settle(reserved, 0.0)  # a request without an answer is not billed
        if result.type == "errored":
            error = result.error.error
            status: Status = "failed" if error.type in FINAL_ERRORS else "retry"
            payload = {"type": error.type, "message": error.message}
        else:
            status, payload = "retry", {"type": result.type, "message": f"request {result.type}"}
        return (item.custom_id, status, json.dumps(payload), None, 0)


class _Submitter:
    """The round's requests, by level, sent in batches of at most `max_requests_per_batch`."""

    def __init__(self, rounds: Rounds) -> None:
        self.rounds = rounds
        self.buffers: dict[int, list[PendingRequest]] = {}
        self.sent = 0

    async def add(self, pending: Sequence[PendingRequest]) -> None:
        limit = self.rounds.limit
        for request in pending:
            if limit is not None:
                if limit.reached:
                    return
                try:
                    reserved = limit.reserve(request.worst_usd, f"batch request {request.key}")
                except CostLimitError:
                    return
                self.rounds.reserved[request.custom_id] = reserved
            buffer = self.buffers.setdefault(request.level, [])
            buffer.append(request)
            if len(buffer) >= self.rounds.options.max_requests_per_batch:
                await self.flush(request.level)

    async def flush_all(self) -> None:
        for level in sorted(self.buffers):
            await self.flush(level)

    async def flush(self, level: int) -> None:
        buffer = self.buffers.pop(level, [])
        if not buffer:
            return
        rounds = self.rounds
        batch = await rounds.client.create(
            {"custom_id": r.custom_id, "params": r.params} for r in buffer
        )
        sent = [Submitted(r.custom_id, r.key, r.level, r.request_sha) for r in buffer]
        rounds.state.record_batch(batch.id, level, rounds.round, sent)
        self.sent += len(sent)
        rounds.outcome.batches += 1
        rounds.outcome.submitted += len(sent)
        row = BatchRow(batch.id, level, rounds.round, len(sent), False)
        rounds.emit(rounds.progress_of(row, None, "submitted"))
