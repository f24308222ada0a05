"""One structured call: ask, inspect the answer, re-ask or repair, bounded; degrade honestly.

Transport retries belong to the backend; this loop owns everything about the answer itself:

- every answer is inspected (`net_skill.structured.answers`): JSON, the ask schema, the
  Pydantic model with its validation context, and answer checks such as the text-quality floor;
- re-asks vary the sampling (a temperature schedule and a new seed per attempt), because a
  small local model at temperature 0 returns the same wrong answer to the same prompt;
- `repair="fields"` keeps the valid parts and asks only for the failing values
  (`net_skill.structured.repair`); `"whole"` asks for the whole object again with the errors;
- `samples=N` draws N first candidates and keeps the one with the fewest problems (ties broken
  by `rank`, higher is better);
- when the re-asks are used up: `on_exhausted="raise"` raises `OutputValidationError` with every
  attempt's output and tokens; `"degrade"` leaves the failing values empty and returns them in
  `unanswered`.

Every attempt's tokens are counted, failed ones and unused samples included.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

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
from net_skill.structured.answers import (
    AnswerCheck,
    Inspection,
    Problem,
    inspect_data,
    inspect_text,
    validate_model,
)
from net_skill.structured.echo import question_echoes, question_runs
from net_skill.structured.paths import JsonPath, has_path, set_at, show_path, sub_schema
from net_skill.structured.repair import (
    degrade,
    drop_extras,
    merge_repair,
    repair_schema,
    repair_targets,
)
from net_skill.usage import Spend, Usage

__all__ = [
    "DEFAULT_MAX_REASKS",
    "AnswerCheck",
    "EventSink",
    "Problem",
    "StructuredResult",
    "complete_structured",
]

T = TypeVar("T", bound=BaseModel)
EventSink = Callable[[Event], None]

DEFAULT_MAX_REASKS = 2
RETRY_TEMPERATURES = (0.5, 0.8, 1.0)
"""Temperature of the 1st, 2nd and later re-asks (never below the call's own)."""
SAMPLE_TEMPERATURE = 0.7
"""Temperature of the extra candidates when `samples > 1` (the first keeps the call's own)."""


@dataclass
class StructuredResult(Generic[T]):
    value: T
    attempts: list[AttemptRecord]
    elapsed_s: float = 0.0
    model: str = ""
    cost_usd: float | None = None
    unanswered: list[str] = field(default_factory=list)
    """Paths of values left empty because no usable answer came within the re-asks."""
    candidates: int = 1

    @property
    def usage(self) -> Usage:
        return Usage.total(attempt.usage for attempt in self.attempts)

    @property
    def spend(self) -> Spend:
        return Spend(self.usage, self.cost_usd)

    @property
    def raw_output(self) -> str:
        return self.attempts[-1].raw_output if self.attempts else ""


@dataclass
class _Candidate(Generic[T]):
    text: str
    inspection: Inspection[T]
    rank: float = 0.0

    def key(self) -> tuple[int, float]:
        return (len(self.inspection.problems), -self.rank)


class _Call(Generic[T]):
    """The state of one structured call across its attempts."""

    def __init__(
        self,
        backend: Backend,
        *,
        system: str,
        conversation: list[Message],
        output_type: type[T],
        schema: dict[str, Any],
        answer_schema: dict[str, Any] | None,
        prepare: Callable[[Any], Any] | None,
        trusted: Callable[[JsonPath], bool] | None,
        name: str,
        tag: str,
        context: Mapping[str, Any] | None,
        checks: Sequence[AnswerCheck],
        max_tokens: int,
        temperature: float,
        seed: int | None,
        degrading: bool,
        emit: EventSink,
    ) -> None:
        self.backend = backend
        self.system = system
        self.conversation = conversation
        self.question = conversation[-1]
        """The question itself (the last message before any re-ask)."""
        self.output_type = output_type
        self.schema = schema
        self.answer_schema = answer_schema if answer_schema is not None else schema
        self.prepare = prepare or (lambda data: data)
        self.trusted = trusted or (lambda _path: False)
        self.name = name
        self.tag = tag
        self.context = context
        self.checks = checks
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.seed = seed
        self.degrading = degrading
        self.emit = emit
        self.attempts: list[AttemptRecord] = []
        self.given_up: set[JsonPath] = set()
        """Values a field repair asked for and still got unusable: not asked for again."""
        self.cost: float | None = 0.0
        self.model = ""

    def inspect(self, text: str) -> Inspection[T]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return inspect_text(text, self.output_type, schema=None, context=None)
        return self.inspect_data(data)

    def inspect_data(self, data: Any) -> Inspection[T]:
        inspection = inspect_data(
            self.prepare(data),
            self.output_type,
            schema=self.answer_schema,
            context=self.context,
            checks=self.checks,
        )
        # Values code wrote are not the model's to answer for: their "problems" are none.
        inspection.problems = [p for p in inspection.problems if not self.trusted(p.path)]
        if not inspection.problems and inspection.value is None:
            inspection.value, _ = validate_model(inspection.data, self.output_type, self.context)
        return inspection

    async def ask(
        self, messages: Sequence[Message], schema: dict[str, Any], temperature: float
    ) -> str | None:
        """One backend call; the answer text, or None for a length cut-off when degrading."""
        number = len(self.attempts) + 1
        seed = None if self.seed is None else self.seed + number - 1
        request = CompletionRequest(
            system=self.system,
            messages=tuple(messages),
            schema=schema,
            schema_name=self.name,
            max_tokens=self.max_tokens,
            temperature=temperature,
            tag=self.tag,
            seed=seed,
        )
        dumped = [{"role": m.role, "content": m.content} for m in messages]
        self.emit(
            Request(
                tag=self.tag, attempt=number, messages=dumped, temperature=temperature, seed=seed
            )
        )
        try:
            completion = await self.backend.complete(request)
        except NoAnswerError as exc:
            exc.previous_attempts = list(self.attempts)
            self.emit(
                NoAnswer(
                    tag=self.tag,
                    attempt=number,
                    stop_reason=exc.stop_reason,
                    usage=UsageModel.of(exc.usage),
                    cost_usd=exc.cost_usd,
                    partial_text=exc.partial_text,
                )
            )
            if not (self.degrading and exc.stop_reason == "max_tokens"):
                raise
            self._count(exc.cost_usd)
            self.attempts.append(AttemptRecord(exc.partial_text, exc.usage, str(exc)))
            return None
        self._record(completion, number)
        return completion.text

    def _record(self, completion: Completion, number: int) -> None:
        self._count(completion.cost_usd)
        self.model = completion.model
        self.emit(
            Response(
                tag=self.tag,
                attempt=number,
                text=completion.text,
                usage=UsageModel.of(completion.usage),
                model=completion.model,
                stop_reason=completion.stop_reason,
                latency_s=round(completion.latency_s, 4),
                cost_usd=completion.cost_usd,
            )
        )
        self.attempts.append(AttemptRecord(completion.text, completion.usage, None))

    def _count(self, cost: float | None) -> None:
        self.cost = None if self.cost is None or cost is None else self.cost + cost

    def judged(self, inspection: Inspection[T]) -> None:
        """Record the verdict on the latest attempt."""
        if not inspection.problems or not self.attempts:
            return
        errors = [p.as_error() for p in inspection.problems]
        last = self.attempts[-1]
        summary = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors[:5])
        self.attempts[-1] = AttemptRecord(last.raw_output, last.usage, last.error or summary)
        self.emit(
            ValidationFailed(
                tag=self.tag, attempt=len(self.attempts), errors=[ErrorItem(**e) for e in errors]
            )
        )

    def retry_temperature(self, reask: int) -> float:
        return max(self.temperature, RETRY_TEMPERATURES[min(reask, len(RETRY_TEMPERATURES)) - 1])


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
    seed: int | None = None,
    checks: Sequence[AnswerCheck] = (),
    repair: Literal["fields", "whole"] = "whole",
    on_exhausted: Literal["raise", "degrade"] = "raise",
    samples: int = 1,
    rank: Callable[[T], float] | None = None,
    answer_schema: dict[str, Any] | None = None,
    prepare: Callable[[Any], Any] | None = None,
    trusted: Callable[[JsonPath], bool] | None = None,
    on_event: EventSink | None = None,
) -> StructuredResult[T]:
    """Ask `backend` for an `output_type`, within `max_reasks` re-asks (see the module doc).

    `schema` overrides the JSON schema sent (for example with name fields narrowed to the
    names in the situation); answers are held to it (or to `answer_schema`, when the schema
    sent leaves out values that `prepare` writes into the parsed answer) and validated by
    `output_type`. Backend
    errors propagate unchanged (a length cut-off counts as a failed attempt when degrading).
    """
    call = _Call(
        backend,
        system=system,
        conversation=list(messages) or [Message("user", prompt)],
        output_type=output_type,
        schema=schema if schema is not None else schema_of(output_type),
        answer_schema=answer_schema,
        prepare=prepare,
        trusted=trusted,
        name=schema_name or output_type.__name__,
        tag=tag,
        context=dict(validation_context) if validation_context is not None else None,
        checks=checks,
        max_tokens=max_tokens,
        temperature=temperature,
        seed=seed,
        degrading=on_exhausted == "degrade",
        emit=on_event or (lambda _event: None),
    )
    started = time.perf_counter()
    current = await _best_first_answer(call, max(1, samples), rank)
    for reask in range(1, max_reasks + 1):
        if current.inspection.ok:
            break
        if repair == "whole" or current.inspection.root_failed:
            current = await _reask_whole(call, current, reask)
        elif any(p.path not in call.given_up for p in current.inspection.problems):
            current = await _repair_fields(call, current, reask)
        else:
            break
    value, unanswered = _settle(call, current.inspection, degrading=on_exhausted == "degrade")
    return StructuredResult(
        value=value,
        attempts=call.attempts,
        elapsed_s=time.perf_counter() - started,
        model=call.model,
        cost_usd=call.cost,
        unanswered=unanswered,
        candidates=max(1, samples),
    )


def _settle(call: _Call[T], inspection: Inspection[T], *, degrading: bool) -> tuple[T, list[str]]:
    """The final answer: the valid one, or (degrading) the last with its failing values left
    empty; `OutputValidationError` when there is neither."""
    if inspection.ok and inspection.value is not None:
        return inspection.value, []
    value: T | None = None
    blanked: list[JsonPath] = []
    if degrading:
        data = inspection.data if isinstance(inspection.data, dict) else {}
        # The first of several copies stands once its copies are left out.
        failing = [p for p in inspection.problems if not p.original] or inspection.problems
        value, blanked = degrade(
            call.prepare(data),
            [p.path for p in failing],
            call.output_type,
            call.context,
        )
    if value is None:
        raise OutputValidationError(
            step=call.tag or call.name,
            attempts=call.attempts,
            errors=[p.as_error() for p in inspection.problems],
        )
    return value, [show_path(p) for p in blanked]


async def _best_first_answer(
    call: _Call[T], samples: int, rank: Callable[[T], float] | None
) -> _Candidate[T]:
    best: _Candidate[T] | None = None
    for index in range(samples):
        temperature = call.temperature if index == 0 else max(call.temperature, SAMPLE_TEMPERATURE)
        text = await call.ask(call.conversation, call.schema, temperature)
        candidate = _candidate(call, text)
        if rank is not None and candidate.inspection.value is not None:
            candidate.rank = rank(candidate.inspection.value)
        call.judged(candidate.inspection)
        if best is None or candidate.key() < best.key():
            best = candidate
        if samples == 1 or (candidate.inspection.ok and rank is None):
            break
    assert best is not None
    return best


def _candidate(call: _Call[T], text: str | None) -> _Candidate[T]:
    if text is None:
        problem = Problem((), "the answer was cut off at the token limit", "unparseable")
        return _Candidate("", Inspection(None, None, [problem]))
    return _Candidate(text, call.inspect(text))


async def _reask_whole(call: _Call[T], current: _Candidate[T], reask: int) -> _Candidate[T]:
    errors = [p.as_error() for p in current.inspection.problems]
    call.conversation += [
        Message("assistant", current.text or "(no answer)"),
        Message("user", render("reask.j2", errors=errors, schema_name=call.name)),
    ]
    text = await call.ask(call.conversation, call.schema, call.retry_temperature(reask))
    candidate = _candidate(call, text)
    call.judged(candidate.inspection)
    return candidate


def _shown_problems(schema: Mapping[str, Any], problems: Sequence[Problem]) -> list[dict[str, str]]:
    """Problems as the repair question lists them (every token re-read costs time): one line
    for the fields that share a problem, and a field's description only when the message does
    not already say what is wanted."""
    lines: dict[tuple[str, str], list[str]] = {}
    for problem in problems:
        description = str((sub_schema(schema, problem.path) or {}).get("description", ""))
        message = problem.hint or problem.detail
        said = description.rstrip(".").casefold() in message.casefold()
        lines.setdefault((message, "" if said else description), []).append(problem.where)
    return [
        {"where": ", ".join(where), "message": message, "description": description}
        for (message, description), where in lines.items()
    ]


async def _repair_fields(call: _Call[T], current: _Candidate[T], reask: int) -> _Candidate[T]:
    problems = current.inspection.problems
    data = drop_extras(current.inspection.data, problems)
    targets = [p for p in repair_targets(problems) if p not in call.given_up]
    if not targets:  # only extra keys, or values already asked for twice: nothing to ask
        return _Candidate(json.dumps(data, ensure_ascii=False), call.inspect_data(data))
    schema = repair_schema(call.schema, targets)
    shown = _shown_problems(call.schema, [p for p in problems if p.path in targets])
    question = render(
        "repair.j2", problems=shown, keys=[json.dumps(k) for k in schema["properties"]]
    )
    # The question alone, without any worked example before it: a small model asked to fix a
    # value copies the example's words into it.
    # The answer is shown with the failing values taken out, for the same reason.
    shown_answer = data
    for path in targets:
        if has_path(shown_answer, path):
            shown_answer = set_at(shown_answer, path, None)
    messages = [
        call.question,
        Message("assistant", json.dumps(shown_answer, ensure_ascii=False)),
        Message("user", question),
    ]
    text = await call.ask(messages, schema, call.retry_temperature(reask))
    try:
        answer = json.loads(text) if text is not None else None
    except json.JSONDecodeError:
        answer = None
    merged = merge_repair(data, answer, targets, call.schema)
    inspection = call.inspect_data(merged)
    # The question's words are known here only: a value copying them is no answer.
    runs = question_runs(
        [render("repair.j2", problems=[], keys=[]), *(s["message"] for s in shown)]
    )
    found = {p.path for p in inspection.problems}
    echoes = [p for p in question_echoes(merged, targets, runs) if p.path not in found]
    inspection.problems += echoes
    candidate = _Candidate(json.dumps(merged, ensure_ascii=False), inspection)
    call.judged(candidate.inspection)
    still = {p.path for p in candidate.inspection.problems}
    call.given_up |= {path for path in targets if path in still}  # asked again: stop there
    return candidate
