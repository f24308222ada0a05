"""One structured call: ask, validate with Pydantic, re-ask with the errors, bounded.

Transport retries belong to the backend; this loop only owns validation re-asks.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from net_skill.backends.base import Backend, Completion, CompletionRequest, Message
from net_skill.errors import AttemptRecord, NoAnswerError, OutputValidationError
from net_skill.events import (
    ErrorItem,
    Event,
    NoAnswer,
    Request,
    Response,
    UsageModel,
    ValidationFailed,
)
from net_skill.outputs import schema_of
from net_skill.prompts import render
from net_skill.usage import Spend, Usage

T = TypeVar("T", bound=BaseModel)
EventSink = Callable[[Event], None]

DEFAULT_MAX_REASKS = 2


@dataclass
class StructuredResult(Generic[T]):
    value: T
    attempts: list[AttemptRecord]
    completion: Completion
    elapsed_s: float = 0.0
    model: str = ""
    cost_usd: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def usage(self) -> Usage:
        return Usage.total(attempt.usage for attempt in self.attempts)

    @property
    def spend(self) -> Spend:
        return Spend(self.usage, self.cost_usd)

    @property
    def raw_output(self) -> str:
        return self.completion.text


def format_validation_errors(error: ValidationError | ValueError) -> list[dict[str, Any]]:
    if isinstance(error, ValidationError):
        return [
            {"loc": ".".join(str(p) for p in e["loc"]) or "(root)", "msg": e["msg"]}
            for e in error.errors(include_url=False, include_input=False)
        ]
    return [{"loc": "(root)", "msg": str(error)}]


async def complete_structured(
    backend: Backend,
    *,
    system: str,
    output_type: type[T],
    prompt: str = "",
    messages: Sequence[Message] = (),
    schema_name: str | None = None,
    schema: dict[str, Any] | None = None,
    tag: str = "",
    validation_context: Mapping[str, Any] | None = None,
    max_reasks: int = DEFAULT_MAX_REASKS,
    max_tokens: int = 2048,
    temperature: float = 0.0,
    on_event: EventSink | None = None,
) -> StructuredResult[T]:
    """Ask `backend` for an `output_type`; re-ask at most `max_reasks` times with the errors.

    `schema` overrides the JSON schema sent to the backend (for example with name fields
    narrowed to the names in the situation); answers are still validated by `output_type`.
    Raises `OutputValidationError` (with every attempt's raw output and usage) when no answer
    validates; backend errors propagate unchanged.
    """
    emit = on_event or (lambda _event: None)
    schema = schema if schema is not None else schema_of(output_type)
    name = schema_name or output_type.__name__
    context = dict(validation_context) if validation_context is not None else None
    conversation: list[Message] = list(messages) or [Message("user", prompt)]
    attempts: list[AttemptRecord] = []
    started = time.perf_counter()
    cost: float | None = 0.0
    while True:
        number = len(attempts) + 1
        request = CompletionRequest(
            system=system,
            messages=tuple(conversation),
            schema=schema,
            schema_name=name,
            max_tokens=max_tokens,
            temperature=temperature,
            tag=tag,
        )
        emit(
            Request(tag=tag, attempt=number, messages=_dump(conversation), temperature=temperature)
        )
        try:
            completion = await backend.complete(request)
        except NoAnswerError as exc:
            # Not re-asked (the same request stops the same way), but its tokens still count.
            exc.previous_attempts = list(attempts)
            emit(
                NoAnswer(
                    tag=tag,
                    attempt=number,
                    stop_reason=exc.stop_reason,
                    usage=UsageModel.of(exc.usage),
                    cost_usd=exc.cost_usd,
                    partial_text=exc.partial_text,
                )
            )
            raise
        cost = None if cost is None or completion.cost_usd is None else cost + completion.cost_usd
        emit(
            Response(
                tag=tag,
                attempt=number,
                text=completion.text,
                usage=UsageModel.of(completion.usage),
                model=completion.model,
                stop_reason=completion.stop_reason,
                latency_s=round(completion.latency_s, 4),
                cost_usd=completion.cost_usd,
            )
        )
        try:
            value = output_type.model_validate_json(completion.text, context=context)
        except ValidationError as exc:
            errors = format_validation_errors(exc)
            attempts.append(AttemptRecord(completion.text, completion.usage, _summary(errors)))
            emit(
                ValidationFailed(
                    tag=tag, attempt=number, errors=[ErrorItem(**error) for error in errors]
                )
            )
            if len(attempts) > max_reasks:
                raise OutputValidationError(
                    step=tag or name, attempts=attempts, errors=errors
                ) from None
            conversation.append(Message("assistant", completion.text))
            conversation.append(
                Message("user", render("reask.j2", errors=errors, schema_name=name))
            )
            continue
        attempts.append(AttemptRecord(completion.text, completion.usage, None))
        return StructuredResult(
            value=value,
            attempts=attempts,
            completion=completion,
            elapsed_s=time.perf_counter() - started,
            model=completion.model,
            cost_usd=cost,
        )


def _summary(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e['loc']}: {e['msg']}" for e in errors[:5])


def _dump(messages: list[Message]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in messages]


def parse_json_object(text: str) -> dict[str, Any]:
    """Parse a JSON object, for callers that need the raw dict (raises ValueError)."""
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value
