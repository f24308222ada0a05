"""The events of a run, as one pydantic union keyed on `type`.

The structured-call loop and the executor emit them, `RunRecorder` writes them to
`events.jsonl` (one JSON object a line), and resume reads them back with `parse_event`: one
definition for the writer and every reader, so a renamed field is a type error, not a silent
`KeyError` on resume.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from net_skill.usage import Spend, Usage


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    time: str = ""
    """When it was written (UTC, ISO 8601); set by the recorder."""


class UsageModel(BaseModel):
    """`Usage` as it appears in records."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0

    @classmethod
    def of(cls, usage: Usage) -> UsageModel:
        return cls(**usage.to_dict())

    def to_usage(self) -> Usage:
        return Usage(**self.model_dump())


class ErrorItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    loc: str
    msg: str


class RunStarted(_Event):
    type: Literal["run_started"] = "run_started"
    skill: dict[str, Any]
    """`id`, `name`, `path`, `sha256` and the whole `source` text (resume re-parses it)."""
    backend: dict[str, Any]
    """The backend's `describe()`: enough for the registry to rebuild it on resume."""
    today: str
    situation: str
    contacts: str | None = None
    known_names: list[str] = Field(default_factory=list)
    """Everyone in the contacts file or tracker (the model saw only `contacts`)."""
    contacts_summary: dict[str, Any] = Field(default_factory=dict)
    max_reasks: int = 2
    token_budget: int | None = None
    max_cost_usd: float | None = None
    allow_unknown_cost: bool = False
    options: dict[str, Any] = Field(default_factory=dict)
    """Run options that change answers (prompt style, samples); resume keeps them."""
    templates: str = ""
    steps: list[dict[str, Any]] = Field(default_factory=list)
    system: str = ""


class RunResumed(_Event):
    type: Literal["run_resumed"] = "run_resumed"
    backend: dict[str, Any]
    restored_steps: list[int]


class StepStarted(_Event):
    type: Literal["step_started"] = "step_started"
    step: int
    title: str
    depends_on: list[int]
    max_tokens: int
    prompt: str


class Request(_Event):
    type: Literal["request"] = "request"
    step: int | None = None
    tag: str
    attempt: int
    messages: list[dict[str, str]]
    temperature: float = 0.0
    seed: int | None = None


class Response(_Event):
    type: Literal["response"] = "response"
    step: int | None = None
    tag: str
    attempt: int
    text: str
    usage: UsageModel
    model: str = ""
    stop_reason: str | None = None
    latency_s: float = 0.0
    cost_usd: float | None = None

    @property
    def spend(self) -> Spend:
        return Spend(self.usage.to_usage(), self.cost_usd)


class ValidationFailed(_Event):
    type: Literal["validation_error"] = "validation_error"
    step: int | None = None
    tag: str
    attempt: int
    errors: list[ErrorItem]


class NoAnswer(_Event):
    type: Literal["no_answer"] = "no_answer"
    step: int | None = None
    tag: str
    attempt: int
    stop_reason: str | None = None
    usage: UsageModel = Field(default_factory=UsageModel)
    cost_usd: float | None = None
    partial_text: str = ""

    @property
    def spend(self) -> Spend:
        return Spend(self.usage.to_usage(), self.cost_usd)


class StepFinished(_Event):
    type: Literal["step_finished"] = "step_finished"
    step: int
    title: str
    output: dict[str, Any]
    attempts: int = 1
    usage: UsageModel = Field(default_factory=UsageModel)
    cost_usd: float | None = None
    elapsed_s: float = 0.0
    unanswered: list[str] = Field(default_factory=list)


class StepFailed(_Event):
    type: Literal["step_failed"] = "step_failed"
    step: int
    error: str
    error_type: str


class RunFailed(_Event):
    type: Literal["run_failed"] = "run_failed"
    error: str
    error_type: str


class RunInterrupted(_Event):
    type: Literal["run_interrupted"] = "run_interrupted"


class RunFinished(_Event):
    type: Literal["run_finished"] = "run_finished"
    usage: UsageModel
    cost_usd: float | None = None
    elapsed_s: float = 0.0
    unanswered: list[str] = Field(default_factory=list)
    backend: dict[str, Any] = Field(default_factory=dict)
    """The backend's `describe()` at the end: what it learned (the structured-output mode an
    OpenAI-compatible server accepted, and why)."""


Event = Annotated[
    RunStarted
    | RunResumed
    | StepStarted
    | Request
    | Response
    | ValidationFailed
    | NoAnswer
    | StepFinished
    | StepFailed
    | RunFailed
    | RunInterrupted
    | RunFinished,
    Field(discriminator="type"),
]
"""Any event of a run."""

_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(data: object) -> Event | None:
    """The event `data` describes, or None for an unknown or malformed record."""
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError:
        return None


def parse_events(records: Iterable[object]) -> Iterator[Event]:
    for record in records:
        event = parse_event(record)
        if event is not None:
            yield event


def spent(events: Iterable[Event]) -> Spend:
    """What every answered or unanswered call of these events cost, failed attempts included."""
    return Spend.total(e.spend for e in events if isinstance(e, Response | NoAnswer))
