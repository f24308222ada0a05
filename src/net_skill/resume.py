"""Finishing a recorded run: rebuild it from its `events.jsonl`, rerun only what is missing.

The run's inputs, options (prompt style, re-asks, token budget) and backend come from its
`run_started` event; the backend is rebuilt by the registry from its recorded description
(the local model's file path included). Step outputs come back from `step_finished` events
that still validate; what earlier sessions spent counts toward the token budget and the
spending cap.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import ValidationError

from net_skill._sync import synchronous
from net_skill.backends.base import Backend
from net_skill.backends.registry import backend_from_description
from net_skill.chain import chain_steps
from net_skill.contacts import KnownNames
from net_skill.errors import InputError
from net_skill.events import Event, RunStarted, StepFinished, spent
from net_skill.execute import (
    ProgressCallback,
    RunResult,
    RunState,
    StepOutcome,
    execute,
)
from net_skill.loader import parse_skill
from net_skill.profile import RunInputs, profile_for
from net_skill.records import RunRecorder, load_events
from net_skill.request import RunPrompts
from net_skill.situation import validate_today
from net_skill.spend import guarded


def load_resume_state(
    run_dir: str | Path,
    *,
    backend: Backend | None,
    on_progress: ProgressCallback | None,
    max_concurrency: int | None = None,
    token_budget: int | None = None,
    retry_unanswered: bool = False,
    max_cost_usd: float | None = None,
    allow_unknown_cost: bool | None = None,
) -> RunState:
    """Rebuild a recorded run. `token_budget=None` keeps the budget the run was started with;
    `max_cost_usd=None` and `allow_unknown_cost=None` keep its spending cap;
    `retry_unanswered` runs again the steps that left values unanswered."""
    recorder = RunRecorder.open(run_dir)
    events = list(load_events(recorder.run_dir))
    start = next((e for e in events if isinstance(e, RunStarted)), None)
    if start is None:
        raise InputError(f"{recorder.run_dir} has no run_started event: cannot resume it")
    path = Path(start.skill["path"]) if start.skill.get("path") else None
    skill = parse_skill(str(start.skill.get("source", "")), path=path)
    profile = profile_for(skill)
    inputs = recorded_inputs(start, recorder.run_dir)
    chosen = backend if backend is not None else backend_from_description(start.backend)
    style = start.options.get("prompt_style")
    prompts = RunPrompts.prepare(
        skill,
        profile,
        inputs,
        chain_steps(skill, profile),
        chosen,
        style=str(style) if style else None,
    )
    state = RunState(
        skill=skill,
        profile=profile,
        inputs=inputs,
        backend=chosen,
        prompts=prompts,
        recorder=recorder,
        max_reasks=start.max_reasks,
        on_progress=on_progress,
        max_concurrency=max_concurrency,
        token_budget=token_budget if token_budget is not None else start.token_budget,
        strict=bool(start.options.get("strict", False)),
        samples=int(start.options.get("samples") or chosen.default_samples),
        seed=int(start.options.get("seed") or 0),
        close_backend=backend is None,
        resumed=True,
    )
    restore_outputs(state, events, retry_unanswered=retry_unanswered)
    state.backend = guarded(
        chosen,
        max_cost_usd if max_cost_usd is not None else start.max_cost_usd,
        allow_unknown_cost=start.allow_unknown_cost
        if allow_unknown_cost is None
        else allow_unknown_cost,
        prior_cost_usd=state.prior.cost_usd,
    )
    return state


def recorded_inputs(start: RunStarted, run_dir: Path) -> RunInputs:
    """The user's input as the run recorded it."""
    try:
        today = validate_today(date.fromisoformat(start.today))
    except (ValueError, InputError):
        raise InputError(f"{run_dir}: the recorded date {start.today!r} is not valid") from None
    return RunInputs(
        situation=start.situation,
        contacts=start.contacts,
        today=today,
        known_names=KnownNames(start.known_names) if start.known_names else (),
        contacts_summary=start.contacts_summary or None,
    )


def restore_outputs(state: RunState, events: list[Event], *, retry_unanswered: bool) -> None:
    """Fill `state.outputs` from the recorded `step_finished` events that still validate
    (and that answered every value, with `retry_unanswered`)."""
    finished = {
        e.step: e
        for e in events
        if isinstance(e, StepFinished) and not (retry_unanswered and e.unanswered)
    }
    state.prior = spent(events)
    for step in state.steps:  # in order, so step 4 is back before 5 and 6 are checked
        recorded = finished.get(step.number)
        if recorded is None or not set(step.depends_on) <= set(state.outputs):
            continue
        context = state.profile.validation_context(state.inputs, state.outputs)
        try:
            output = step.output_type.model_validate(recorded.output, context=context)
        except ValidationError:
            continue
        state.outputs[step.number] = output
        if recorded.unanswered:
            state.unanswered[step.number] = list(recorded.unanswered)
        state.restored[step.number] = StepOutcome(
            step.number,
            step.title,
            output,
            recorded.attempts,
            recorded.usage.to_usage(),
            recorded.cost_usd,
            recorded.elapsed_s,
        )


async def aresume_run(
    run_dir: str | Path,
    *,
    backend: Backend | None = None,
    on_progress: ProgressCallback | None = None,
    max_concurrency: int | None = None,
    token_budget: int | None = None,
    retry_unanswered: bool = False,
    max_cost_usd: float | None = None,
    allow_unknown_cost: bool | None = None,
) -> RunResult:
    """Finish a recorded run: rerun only the steps missing (or failed) in its events.jsonl.

    `backend=None` rebuilds the backend the run was started with; `token_budget=None` and
    `max_cost_usd=None` keep the run's recorded budget and cap (what every session spent
    counts toward them): pass a larger one to finish a run they stopped. `retry_unanswered`
    also reruns the steps that left values unanswered (and the steps that depend on them).
    """
    state = load_resume_state(
        run_dir,
        backend=backend,
        on_progress=on_progress,
        max_concurrency=max_concurrency,
        token_budget=token_budget,
        retry_unanswered=retry_unanswered,
        max_cost_usd=max_cost_usd,
        allow_unknown_cost=allow_unknown_cost,
    )
    return await execute(state)


resume_run = synchronous(aresume_run)
