"""Executing a prepared run: schedule the steps, record what happens, assemble the plan.

`net_skill.runner` is the public face (`run_skill`, `resume_run`, ...); requests are built by
`net_skill.request`, each step's call and re-asks by `net_skill.structured`, and the plan by
the skill's profile. This module runs independent steps concurrently (at most the backend's
`max_concurrency` at a time), keeps the run's spend against its token budget, and writes the
events and the plan files.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from net_skill._sync import note_run_dir
from net_skill.answer_checks import quality_floor, withhold_degenerate
from net_skill.backends.base import Backend
from net_skill.chain import ChainStep
from net_skill.errors import (
    BudgetExceededError,
    NetSkillError,
    OutputValidationError,
    RunAbortedError,
    as_net_skill_error,
)
from net_skill.events import (
    Event,
    NoAnswer,
    Request,
    Response,
    RunFailed,
    RunFinished,
    RunInterrupted,
    RunResumed,
    StepFailed,
    StepFinished,
    StepStarted,
    UsageModel,
    ValidationFailed,
)
from net_skill.outputs import Plan
from net_skill.profile import RunInputs, SkillProfile
from net_skill.records import PLAN_JSON_FILE, PLAN_MD_FILE, RunRecorder
from net_skill.request import RunPrompts, StepRequest, build_request
from net_skill.skill import Skill
from net_skill.structured import DEFAULT_MAX_REASKS, StructuredResult, complete_structured
from net_skill.structured.answers import schema_problems
from net_skill.structured.paths import get_at, has_path, parse_path
from net_skill.usage import Spend, Usage


@dataclass
class StepOutcome:
    number: int
    title: str
    output: BaseModel
    attempts: int
    usage: Usage
    cost_usd: float | None
    elapsed_s: float


@dataclass
class RunResult:
    plan: Plan
    skill_id: str
    run_dir: Path | None
    usage: Usage
    """Every attempt of every step, failed ones included (earlier sessions of a resumed run too)."""
    cost_usd: float | None
    elapsed_s: float
    backend: dict[str, Any]
    steps: list[StepOutcome]
    markdown: str = ""
    """The plan as markdown, rendered by the skill's profile (what `net-skill run` prints)."""


@dataclass(frozen=True)
class ProgressEvent:
    kind: Literal["run_started", "step_started", "step_finished", "step_retry", "run_finished"]
    step: int | None
    title: str
    elapsed_s: float
    usage: Usage
    """Tokens spent so far in this run (this session)."""
    message: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass
class RunState:
    """Everything one execution of the chain needs (built by the runner, fresh or resumed)."""

    skill: Skill
    profile: SkillProfile
    inputs: RunInputs
    backend: Backend
    prompts: RunPrompts
    recorder: RunRecorder | None
    max_reasks: int = DEFAULT_MAX_REASKS
    on_progress: ProgressCallback | None = None
    max_concurrency: int | None = None
    token_budget: int | None = None
    strict: bool = False
    """Fail the run when a step's values stay unusable, instead of leaving them unanswered."""
    samples: int = 1
    seed: int = 0
    close_backend: bool = False
    outputs: dict[int, BaseModel] = field(default_factory=dict)
    unanswered: dict[int, list[str]] = field(default_factory=dict)
    restored: dict[int, StepOutcome] = field(default_factory=dict)
    prior: Spend = field(default_factory=Spend)
    """What earlier sessions of a resumed run spent."""
    resumed: bool = False

    @property
    def steps(self) -> tuple[ChainStep, ...]:
        return self.prompts.steps

    @property
    def run_dir(self) -> Path | None:
        return self.recorder.run_dir if self.recorder else None


class _DependencyFailedError(Exception):
    """A step was not run because a step it needs failed."""


class _Execution:
    """One pass over the steps that are still missing."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        self.started = time.perf_counter()
        self.spend = Spend()
        self.outcomes: dict[int, StepOutcome] = dict(state.restored)
        limits = [n for n in (state.backend.max_concurrency, state.max_concurrency) if n]
        self.semaphore = asyncio.Semaphore(max(1, min(limits)) if limits else len(state.steps))

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def progress(self, kind: Any, step: ChainStep | None, message: str = "") -> None:
        if self.state.on_progress is not None:
            title = step.title if step else self.state.skill.name
            event = ProgressEvent(
                kind=kind,
                step=step.number if step else None,
                title=title,
                elapsed_s=self.elapsed(),
                usage=self.spend.usage,
                message=message,
            )
            self.state.on_progress(event)

    def record(self, event: Event) -> None:
        if self.state.recorder is not None:
            self.state.recorder.append(event)

    def sink(self, step: ChainStep) -> Callable[[Event], None]:
        def on_event(event: Event) -> None:
            if isinstance(event, Request):
                self.check_budget()  # no new call starts once the budget is spent
            self.record(event.model_copy(update={"step": step.number}))
            if isinstance(event, Response | NoAnswer):
                self.spend = self.spend + event.spend
            elif isinstance(event, ValidationFailed):
                self.progress("step_retry", step, retry_message(event))

        return on_event

    def check_budget(self) -> None:
        """Stop before spending more once the run's tokens pass the user's budget."""
        budget = self.state.token_budget
        used = (self.state.prior + self.spend).total_tokens
        if budget is not None and used > budget:
            raise BudgetExceededError(used, budget)

    async def run(self) -> dict[int, BaseModel]:
        state = self.state
        if state.resumed:
            self.record(
                RunResumed(backend=state.backend.describe(), restored_steps=sorted(state.outputs))
            )
        self.progress("run_started", None)
        tasks: dict[int, asyncio.Task[None]] = {}
        for step in state.steps:
            if step.number not in state.outputs:
                tasks[step.number] = asyncio.create_task(self.run_step(step, tasks))
        results = await asyncio.gather(*tasks.values(), return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        real = [f for f in failures if not isinstance(f, _DependencyFailedError)]
        if real:
            raise real[0]
        return state.outputs

    async def run_step(self, step: ChainStep, tasks: Mapping[int, asyncio.Task[None]]) -> None:
        for number in step.depends_on:
            task = tasks.get(number)
            if task is not None:
                try:
                    await asyncio.shield(task)
                except Exception as exc:
                    raise _DependencyFailedError(number) from exc
        async with self.semaphore:
            await self.call_step(step)

    async def call_step(self, step: ChainStep) -> None:
        state = self.state
        request = build_request(state.prompts, step, state.outputs)
        self.record(
            StepStarted(
                step=step.number,
                title=step.title,
                depends_on=list(step.depends_on),
                max_tokens=request.max_tokens,
                prompt=request.prompt,
            )
        )
        self.progress("step_started", step)
        known = dict(state.outputs)
        try:
            self.check_budget()
            result = await self.ask(step, request, known)
        except Exception as raised:  # an unplanned exception is named, never let through raw
            exc = as_net_skill_error(raised, where=f"step {step.number}")
            self.record(StepFailed(step=step.number, error=str(exc), error_type=type(exc).__name__))
            if exc is raised:
                raise
            raise exc from raised
        output = state.profile.ground(step.number, result.value, state.inputs, known)
        state.outputs[step.number] = output
        unanswered = still_unanswered(output, result.unanswered, request.full_schema)
        if unanswered:
            state.unanswered[step.number] = unanswered
        self.finished(step, output, result, unanswered)

    async def ask(
        self, step: ChainStep, request: StepRequest, known: Mapping[int, BaseModel]
    ) -> StructuredResult[BaseModel]:
        """The step's structured call: field repair, the quality floor, candidates."""
        state = self.state
        profile, inputs = state.profile, state.inputs

        def rank(output: BaseModel) -> float:
            return profile.rank_answer(step.number, output, inputs, known) or 0.0

        return await complete_structured(
            state.backend,
            system=request.system,
            messages=request.messages,
            output_type=step.output_type,
            schema=request.schema,
            tag=step.tag,
            validation_context=request.validation_context,
            max_reasks=state.max_reasks,
            max_tokens=request.max_tokens,
            seed=state.seed + 1000 * step.number,
            checks=[
                quality_floor(state.prompts, request),
                *profile.answer_checks(step.number, inputs, known),
            ],
            repair="fields",
            on_exhausted="raise" if state.strict else "degrade",
            samples=state.samples,
            rank=rank,
            answer_schema=request.full_schema,
            prepare=request.prepare,
            trusted=request.trusted,
            on_event=self.sink(step),
        )

    def finished(
        self,
        step: ChainStep,
        output: BaseModel,
        result: StructuredResult[BaseModel],
        unanswered: list[str],
    ) -> None:
        outcome = StepOutcome(
            step.number,
            step.title,
            output,
            len(result.attempts),
            result.usage,
            result.cost_usd,
            result.elapsed_s,
        )
        self.outcomes[step.number] = outcome
        self.record(
            StepFinished(
                step=step.number,
                title=step.title,
                output=output.model_dump(mode="json"),
                attempts=outcome.attempts,
                usage=UsageModel.of(outcome.usage),
                cost_usd=outcome.cost_usd,
                elapsed_s=round(outcome.elapsed_s, 4),
                unanswered=unanswered,
            )
        )
        self.progress("step_finished", step, f"{outcome.attempts} attempt(s)")


def still_unanswered(output: BaseModel, blanked: list[str], schema: dict[str, Any]) -> list[str]:
    """The values of a grounded output still left empty: those the re-asks gave up on that
    are still empty where they were, and any the ask schema wants that grounding emptied."""
    data = output.model_dump(mode="json")
    paths = [p for p in blanked if _empty_at(data, parse_path(p))]
    paths += [p.where for p in schema_problems(data, schema) if p.kind == "schema"]
    return list(dict.fromkeys(paths))


def _empty_at(data: Any, path: tuple[str | int, ...]) -> bool:
    if not has_path(data, path):
        return False
    value = get_at(data, path)
    return value in (None, "", [], {})


def retry_message(event: ValidationFailed) -> str:
    """A short summary of a rejected answer: distinct problems, at most two, each trimmed."""
    problems: dict[str, str] = {}
    for error in event.errors:
        problems.setdefault(error.msg, error.loc)
    shown = [f"{loc}: {msg[:140]}" for msg, loc in list(problems.items())[:2]]
    more = f" (+{len(problems) - 2} more)" if len(problems) > 2 else ""
    return f"attempt {event.attempt} invalid: " + "; ".join(shown) + more


async def execute(state: RunState) -> RunResult:
    """Run the missing steps, build the plan, write plan.json/plan.md; wrap failures.

    Any exception becomes a `NetSkillError` (an unplanned one an `UnexpectedError` naming it)
    carrying the run's `spend`; a recorded run raises `RunAbortedError` naming its folder.
    The run folder is locked while it runs and let go of however the run ends.
    """
    if state.recorder is not None:
        state.recorder.lock()
    try:
        return await _execute(state)
    finally:
        if state.recorder is not None:
            state.recorder.close()


async def _execute(state: RunState) -> RunResult:
    execution = _Execution(state)
    note_run_dir(state.run_dir)
    try:
        await execution.run()
        plan = state.profile.build_plan(
            state.skill, state.outputs, state.inputs, unanswered=state.unanswered
        )
        plan = withhold_degenerate(plan, state.inputs.source_text)
    except Exception as raised:
        exc = as_net_skill_error(raised)
        exc.spend = state.prior + execution.spend  # what a batch counts for a failed case
        execution.record(RunFailed(error=str(exc), error_type=type(exc).__name__))
        if state.recorder is None:
            if exc is raised:
                raise
            raise exc from raised
        aborted = RunAbortedError(abort_message(exc), run_dir=state.run_dir, cause=exc)
        aborted.spend = exc.spend
        raise aborted from exc
    except asyncio.CancelledError:
        execution.record(RunInterrupted())
        raise
    finally:
        if state.close_backend:
            await state.backend.aclose()
    return finish(state, execution, plan)


def finish(state: RunState, execution: _Execution, plan: Plan) -> RunResult:
    spend = state.prior + execution.spend
    markdown = state.profile.render_markdown(plan)
    if state.recorder is not None:
        state.recorder.write_text(PLAN_JSON_FILE, plan.model_dump_json(indent=2) + "\n")
        state.recorder.write_text(PLAN_MD_FILE, markdown)
    execution.record(
        RunFinished(
            usage=UsageModel.of(spend.usage),
            cost_usd=spend.cost_usd,
            elapsed_s=round(execution.elapsed(), 4),
            unanswered=list(plan.unanswered),
            backend=state.backend.describe(),
        )
    )
    execution.progress("run_finished", None)
    return RunResult(
        plan=plan,
        skill_id=state.skill.id,
        run_dir=state.run_dir,
        usage=spend.usage,
        cost_usd=spend.cost_usd,
        elapsed_s=execution.elapsed(),
        backend=state.backend.describe(),
        steps=[execution.outcomes[s.number] for s in state.steps],
        markdown=markdown,
    )


def abort_message(exc: NetSkillError) -> str:
    message = str(exc)
    if isinstance(exc, OutputValidationError) and exc.last_raw_output:
        last = exc.last_raw_output
        message += "\nlast output: " + (last[:400] + "…" if len(last) > 400 else last)
    return message
