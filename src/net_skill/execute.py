"""Executing a prepared run: the dependency scheduler, the per-step call, the records.

`net_skill.runner` is the public face (`run_skill`, `resume_run`, ...); this module does the
work once the inputs are checked and the system prompt is built.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from net_skill.backends.base import Backend, Usage
from net_skill.chain import (
    CONTEXT_MARGIN_TOKENS,
    ChainStep,
    Earlier,
    answer_budget,
    fit_step,
    is_networking,
    step_guidance,
    step_schema,
    target_count_of,
    validation_context,
)
from net_skill.errors import (
    BudgetExceededError,
    NetSkillError,
    OutputValidationError,
    RunAbortedError,
)
from net_skill.networking import StepModel
from net_skill.plan import (
    GenericPlan,
    GenericStepReport,
    GenericStepResult,
    NetworkingPlan,
    build_networking_plan,
)
from net_skill.records import PLAN_JSON_FILE, PLAN_MD_FILE, RunRecorder
from net_skill.render import render_plan_markdown
from net_skill.skill import Skill
from net_skill.structured import DEFAULT_MAX_REASKS, complete_structured


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
    plan: NetworkingPlan | GenericPlan
    skill_id: str
    run_dir: Path | None
    usage: Usage
    """Every attempt of every step, failed ones included (earlier sessions of a resumed run too)."""
    cost_usd: float | None
    elapsed_s: float
    backend: dict[str, Any]
    steps: list[StepOutcome]


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
    situation: str
    contacts: str | None
    today: date
    backend: Backend
    steps: list[ChainStep]
    system: str
    recorder: RunRecorder | None
    max_reasks: int = DEFAULT_MAX_REASKS
    on_progress: ProgressCallback | None = None
    max_concurrency: int | None = None
    token_budget: int | None = None
    close_backend: bool = False
    outputs: dict[int, BaseModel] = field(default_factory=dict)
    restored: dict[int, StepOutcome] = field(default_factory=dict)
    prior_usage: Usage = field(default_factory=Usage)
    prior_cost: float | None = 0.0
    resumed: bool = False

    @property
    def networking(self) -> bool:
        return is_networking(self.skill)

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
        self.usage = Usage()
        self.cost: float | None = 0.0
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
                usage=self.usage,
                message=message,
            )
            self.state.on_progress(event)

    def record(self, event: Mapping[str, Any]) -> None:
        if self.state.recorder is not None:
            self.state.recorder.append(event)

    def sink(self, step: ChainStep) -> Callable[[dict[str, Any]], None]:
        def on_event(event: dict[str, Any]) -> None:
            self.record({**event, "step": step.number})
            if event["type"] == "response":
                self.usage = self.usage + Usage.from_dict(event["usage"])
                price = event.get("cost_usd")
                self.cost = None if self.cost is None or price is None else self.cost + price
            elif event["type"] == "validation_error" and event["attempt"] <= self.state.max_reasks:
                self.check_budget()  # before paying for a re-ask; a valid answer is always kept
                self.progress("step_retry", step, retry_message(event))

        return on_event

    def check_budget(self) -> None:
        """Stop before spending more once the run's tokens pass the user's budget."""
        budget = self.state.token_budget
        used = (self.state.prior_usage + self.usage).total_tokens
        if budget is not None and used > budget:
            raise BudgetExceededError(used, budget)

    async def run(self) -> dict[int, BaseModel]:
        state = self.state
        if state.resumed:
            self.record(
                {
                    "type": "run_resumed",
                    "backend": state.backend.describe(),
                    "restored_steps": sorted(state.outputs),
                }
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
        window = state.backend.context_window
        budget = answer_budget(step, window)
        titles = {s.number: s.title for s in state.steps}
        earlier = [
            Earlier(n, titles.get(n, f"step {n}"), state.outputs[n].model_dump_json())
            for n in step.depends_on
        ]
        count = state.backend.count_tokens
        room = window - CONTEXT_MARGIN_TOKENS - budget - count(state.system)
        guidance = step_guidance(
            step,
            networking=state.networking,
            target_count=target_count_of(state.outputs, state.networking),
        )
        prompt = fit_step(
            step,
            total=len(state.steps),
            earlier=earlier,
            guidance=guidance,
            room=room,
            count=count,
        )
        self.record(
            {
                "type": "step_started",
                "step": step.number,
                "title": step.title,
                "depends_on": list(step.depends_on),
                "max_tokens": budget,
                "prompt": prompt,
            }
        )
        self.progress("step_started", step)
        context = validation_context(
            state.situation, state.contacts, state.outputs, state.networking
        )
        try:
            self.check_budget()
            result = await complete_structured(
                state.backend,
                system=state.system,
                prompt=prompt,
                output_type=step.output_type,
                schema=step_schema(step.output_type, context),
                tag=step.tag,
                validation_context=context,
                max_reasks=state.max_reasks,
                max_tokens=budget,
                on_event=self.sink(step),
            )
        except NetSkillError as exc:
            self.record(
                {
                    "type": "step_failed",
                    "step": step.number,
                    "error": str(exc),
                    "error_type": type(exc).__name__,
                }
            )
            raise
        state.outputs[step.number] = result.value
        outcome = StepOutcome(
            step.number,
            step.title,
            result.value,
            len(result.attempts),
            result.usage,
            result.cost_usd,
            result.elapsed_s,
        )
        self.outcomes[step.number] = outcome
        self.record(
            {
                "type": "step_finished",
                "step": step.number,
                "title": step.title,
                "output": result.value.model_dump(mode="json"),
                "attempts": outcome.attempts,
                "usage": outcome.usage.to_dict(),
                "cost_usd": outcome.cost_usd,
                "elapsed_s": round(outcome.elapsed_s, 4),
            }
        )
        self.progress("step_finished", step, f"{outcome.attempts} attempt(s)")


def retry_message(event: Mapping[str, Any]) -> str:
    """A short summary of a rejected answer: distinct problems, at most two, each trimmed."""
    problems: dict[str, str] = {}
    for error in event["errors"]:
        problems.setdefault(str(error["msg"]), str(error["loc"]))
    shown = [f"{loc}: {msg[:140]}" for msg, loc in list(problems.items())[:2]]
    more = f" (+{len(problems) - 2} more)" if len(problems) > 2 else ""
    return f"attempt {event['attempt']} invalid: " + "; ".join(shown) + more


def build_plan(state: RunState) -> NetworkingPlan | GenericPlan:
    if state.networking:
        typed = {n: o for n, o in state.outputs.items() if isinstance(o, StepModel)}
        return build_networking_plan(
            typed, situation=state.situation, today=state.today, skill_id=state.skill.id
        )
    steps = []
    for step in state.steps:
        report = state.outputs[step.number]
        assert isinstance(report, GenericStepReport)
        steps.append(GenericStepResult(number=step.number, title=step.title, report=report))
    return GenericPlan(
        skill_id=state.skill.id, situation=state.situation, today=state.today, steps=steps
    )


async def execute(state: RunState) -> RunResult:
    """Run the missing steps, build the plan, write plan.json/plan.md; wrap failures."""
    execution = _Execution(state)
    try:
        await execution.run()
        plan = build_plan(state)
    except NetSkillError as exc:
        execution.record(
            {"type": "run_failed", "error": str(exc), "error_type": type(exc).__name__}
        )
        if state.recorder is None:
            raise
        raise RunAbortedError(abort_message(exc), run_dir=state.run_dir, cause=exc) from exc
    except asyncio.CancelledError:
        execution.record({"type": "run_interrupted"})
        raise
    finally:
        if state.close_backend:
            await state.backend.aclose()
    return finish(state, execution, plan)


def finish(state: RunState, execution: _Execution, plan: NetworkingPlan | GenericPlan) -> RunResult:
    usage = state.prior_usage + execution.usage
    cost = (
        None
        if state.prior_cost is None or execution.cost is None
        else state.prior_cost + execution.cost
    )
    if state.recorder is not None:
        state.recorder.write_text(PLAN_JSON_FILE, plan.model_dump_json(indent=2) + "\n")
        state.recorder.write_text(PLAN_MD_FILE, render_plan_markdown(plan))
    execution.record(
        {
            "type": "run_finished",
            "usage": usage.to_dict(),
            "cost_usd": cost,
            "elapsed_s": round(execution.elapsed(), 4),
        }
    )
    execution.progress("run_finished", None)
    return RunResult(
        plan=plan,
        skill_id=state.skill.id,
        run_dir=state.run_dir,
        usage=usage,
        cost_usd=cost,
        elapsed_s=execution.elapsed(),
        backend=state.backend.describe(),
        steps=[execution.outcomes[s.number] for s in state.steps],
    )


def execute_sync(state: RunState) -> RunResult:
    """`execute` from synchronous code; Ctrl-C becomes a `RunAbortedError` naming the folder."""
    try:
        return asyncio.run(execute(state))
    except KeyboardInterrupt:
        if state.recorder is None:
            raise
        raise RunAbortedError("interrupted", run_dir=state.run_dir) from None


def abort_message(exc: NetSkillError) -> str:
    message = str(exc)
    if isinstance(exc, OutputValidationError) and exc.last_raw_output:
        last = exc.last_raw_output
        message += "\nlast output: " + (last[:400] + "…" if len(last) > 400 else last)
    return message


def restore_outputs(state: RunState, events: list[dict[str, Any]]) -> None:
    """Fill `state.outputs` from the recorded `step_finished` events that still validate."""
    finished: dict[int, dict[str, Any]] = {}
    usage = Usage()
    cost: float | None = 0.0
    for event in events:
        if event.get("type") == "step_finished" and isinstance(event.get("step"), int):
            finished[event["step"]] = event
        elif event.get("type") == "response":
            usage = usage + Usage.from_dict(event.get("usage") or {})
            price = event.get("cost_usd")
            cost = None if cost is None or price is None else cost + float(price)
    state.prior_usage, state.prior_cost = usage, cost
    for step in state.steps:  # in order, so step 4 is back before 5 and 6 are checked
        recorded = finished.get(step.number)
        if recorded is None or not set(step.depends_on) <= set(state.outputs):
            continue
        context = validation_context(
            state.situation, state.contacts, state.outputs, state.networking
        )
        try:
            output = step.output_type.model_validate(recorded["output"], context=context)
        except ValidationError:
            continue
        state.outputs[step.number] = output
        state.restored[step.number] = StepOutcome(
            step.number,
            step.title,
            output,
            int(recorded.get("attempts", 1)),
            Usage.from_dict(recorded.get("usage") or {}),
            recorded.get("cost_usd"),
            float(recorded.get("elapsed_s", 0.0)),
        )
