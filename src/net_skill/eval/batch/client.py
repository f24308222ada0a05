"""The Message Batches API through the official SDK, under the backend's one retry policy.

`create`, `retrieve`, `cancel` and the results download each run inside the Anthropic
backend's `RetryPolicy` (the SDK client has its own retries off): HTTP 408/409/429/5xx,
timeouts and connection errors are retried, and a failure that stays becomes a `BackendError`
with a one-line message. The results (`.jsonl`, in no particular order) are streamed: each line
is handed to `on_result` as it arrives, never all held at once; a download cut short is retried
from the start, which is harmless because storing a result twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from anthropic.types.messages import MessageBatch, MessageBatchIndividualResponse

from net_skill.backends.anthropic import AnthropicBackend
from net_skill.backends.retry import RetryPolicy

__all__ = ["RESULTS_TIMEOUT_S", "BatchClient"]

RESULTS_TIMEOUT_S = 3600.0
"""Deadline of one results download (retries included): a large batch's file takes a while."""


class BatchClient:
    """`messages.batches` of the backend's SDK client."""

    def __init__(self, backend: AnthropicBackend) -> None:
        self.batches = backend.client.messages.batches
        self.policy = backend.policy
        self.results_policy: RetryPolicy = replace(
            backend.policy, timeout=max(backend.policy.timeout, RESULTS_TIMEOUT_S)
        )

    async def create(self, requests: Iterable[Mapping[str, Any]]) -> MessageBatch:
        body = list(requests)

        async def attempt(remaining: float) -> MessageBatch:
            return await self.batches.create(requests=body, timeout=remaining)  # type: ignore[arg-type]

        batch, _ = await self.policy.run(attempt)
        return batch

    async def retrieve(self, batch_id: str) -> MessageBatch:
        async def attempt(remaining: float) -> MessageBatch:
            return await self.batches.retrieve(batch_id, timeout=remaining)

        batch, _ = await self.policy.run(attempt)
        return batch

    async def cancel(self, batch_id: str) -> MessageBatch:
        async def attempt(remaining: float) -> MessageBatch:
            return await self.batches.cancel(batch_id, timeout=remaining)

        batch, _ = await self.policy.run(attempt)
        return batch

    async def results(
        self,
        batch_id: str,
        on_result: Callable[[MessageBatchIndividualResponse], Awaitable[None] | None],
    ) -> int:
        """Stream the results of an ended batch into `on_result`; returns how many came."""

        async def attempt(remaining: float) -> int:
            count = 0
            decoder = await self.batches.results(batch_id, timeout=remaining)
            try:
                async for item in decoder:
                    outcome = on_result(item)
                    if outcome is not None:
                        await outcome
                    count += 1
            finally:
                await decoder.close()
            return count

        count, _ = await self.results_policy.run(attempt)
        return count
