"""The backend a batch evaluation runs its cases with: answers come from the batch state.

A case is evaluated by the same code as a normal `net-skill eval` (`run_skill`, the structured
calls with their inspection, repair and re-asks, scoring, the judge) with this backend in place
of the Anthropic one. Each call is named by the case, epoch, variant, its tag (`step-4`,
`judge`) and its attempt number; when the state holds that call's answer, the backend returns
it (priced at batch rates, `NoAnswerError` for a refusal or a cut-off as usual); when not, it
notes the request for the next batch and raises `AnswerPendingError`, which stops the case
until the next round. Replaying a case is deterministic (same prompts, same seeds), so the
next round asks the same calls again and gets further: one dependency level, or one re-ask,
per round.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from anthropic.types import Message as ApiMessage
from typing_extensions import override

from net_skill.backends.anthropic import AnthropicBackend
from net_skill.backends.base import Backend, Completion, CompletionRequest
from net_skill.backends.pricing import batch_cost
from net_skill.errors import AnswerPendingError, BackendError
from net_skill.eval.batch.state import BatchState, custom_id_for
from net_skill.spend import worst_case_cost
from net_skill.usage import Usage

__all__ = ["JUDGE_TAG", "JobCalls", "PendingRequest", "ReplayBackend", "current_job"]

JUDGE_TAG = "judge"


@dataclass(frozen=True)
class PendingRequest:
    """A call whose answer is not in: what goes into the next batch."""

    custom_id: str
    key: str
    level: int
    params: dict[str, Any]
    request_sha: str
    worst_usd: float | None


@dataclass
class JobCalls:
    """The calls of one (case, epoch, variant) while it is being evaluated."""

    prefix: str
    """For example `case-7-e1` (`-sp` added for the single-prompt baseline)."""
    attempts: Counter[str] = field(default_factory=Counter)
    pending: list[PendingRequest] = field(default_factory=list)


current_job: contextvars.ContextVar[JobCalls] = contextvars.ContextVar("net_skill_batch_job")


def _request_sha(params: dict[str, Any]) -> str:
    text = json.dumps(params, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class ReplayBackend(Backend):
    """`inner`'s name, model and prices; answers from `state` (see the module docstring).

    `levels` maps a tag to its dependency level (`step-N` and `judge`); other tags are level 1.
    """

    def __init__(self, inner: AnthropicBackend, state: BatchState, levels: dict[str, int]) -> None:
        self.inner = inner
        self.state = state
        self.levels = levels
        self.name = inner.name
        self.model = inner.model
        self.max_concurrency = None
        self.context_window = inner.context_window
        self.prompt_style = inner.prompt_style
        self.default_samples = inner.default_samples
        self.default_max_reasks = inner.default_max_reasks
        self.is_remote = inner.is_remote

    @override
    async def complete(self, request: CompletionRequest) -> Completion:
        job = current_job.get()
        tag = request.tag or request.schema_name
        job.attempts[tag] += 1
        key = f"{job.prefix}-{tag}-a{job.attempts[tag]}"
        custom_id = custom_id_for(key)
        row = self.state.get(custom_id)
        if row is not None and row.status == "succeeded" and row.result is not None:
            message = ApiMessage.model_validate_json(row.result)
            return self.inner.batch_completion(message, request)
        if row is not None and row.status == "failed":
            raise BackendError(_failure_message(row.error, row.submissions))
        if row is None or row.status == "retry":
            params = self.inner.request_params(request)
            job.pending.append(
                PendingRequest(
                    custom_id=custom_id,
                    key=key,
                    level=self.levels.get(tag, 1),
                    params=params,
                    request_sha=_request_sha(params),
                    worst_usd=worst_case_cost(self, request),
                )
            )
        raise AnswerPendingError(custom_id)

    @override
    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    @override
    def estimate_cost(self, usage: Usage) -> float | None:
        return batch_cost(self.model, usage)

    @override
    def describe(self) -> dict[str, Any]:
        return {**self.inner.describe(), "message_batches": True}


def _failure_message(error: str | None, submissions: int) -> str:
    detail = ""
    try:
        data = json.loads(error) if error else {}
    except ValueError:
        data = {}
    if isinstance(data, dict):
        detail = ": ".join(str(data[k]) for k in ("type", "message") if data.get(k))
    times = f"{submissions} time{'s' if submissions != 1 else ''}"
    return f"Message Batches request failed after being submitted {times}" + (
        f" ({detail})" if detail else ""
    )
