"""Run a skill on a situation: the typed prompt chain, its records, and resuming.

    result = run_skill("I am a data analyst moving into product management ...")
    print(result.plan.model_dump_json())

Steps run as soon as the steps they depend on are done (the networking skill: 1, then 2 and 3,
then 4, then 5 to 8), at most `backend.max_concurrency` at a time. Every step goes through
`complete_structured` (validation with re-asks). What is particular to a skill comes from its
profile (`net_skill.profile`); prompts from `net_skill.request`; the run folder from
`net_skill.records`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from net_skill._sync import synchronous
from net_skill.backends.base import Backend
from net_skill.backends.registry import create_backend
from net_skill.chain import chain_steps
from net_skill.contacts import ContactsDigest
from net_skill.declared import declared_input_text
from net_skill.errors import InputError
from net_skill.events import RunStarted
from net_skill.execute import (
    ProgressCallback,
    ProgressEvent,
    RunResult,
    RunState,
    StepOutcome,
    execute,
)
from net_skill.loader import load_bundled_skill, load_skill
from net_skill.profile import RunInputs, profile_for
from net_skill.prompts import templates_fingerprint
from net_skill.records import RunRecorder, short_hash
from net_skill.request import RunPrompts, build_request
from net_skill.resume import aresume_run, resume_run
from net_skill.situation import validate_contacts, validate_situation, validate_today
from net_skill.skill import Skill
from net_skill.spend import guarded

__all__ = [
    "ProgressCallback",
    "ProgressEvent",
    "RenderedPrompt",
    "RunResult",
    "RunState",
    "SkillArg",
    "StepOutcome",
    "aresume_run",
    "arun_skill",
    "render_run_prompts",
    "resolve_skill",
    "resume_run",
    "run_skill",
    "situation_advice",
]


@dataclass(frozen=True)
class RenderedPrompt:
    """One step's request as it would be sent (earlier outputs shown as placeholders)."""

    step: int
    title: str
    tag: str
    system: str
    prompt: str
    messages: tuple[tuple[str, str], ...]
    """Every message of the step as (role, content): worked examples first, the question last."""
    schema_name: str
    schema: dict[str, Any]
    max_tokens: int
    depends_on: tuple[int, ...]


SkillArg = Skill | str | Path | None
MAX_SAMPLES = 8


def resolve_skill(skill: SkillArg) -> Skill:
    """`None` is the bundled networking skill; a path is loaded; a `Skill` is used as is."""
    if skill is None:
        return load_bundled_skill()
    if isinstance(skill, Skill):
        return skill
    return load_skill(skill)


@dataclass(frozen=True)
class RunOptions:
    """How a run is carried out (recorded, and kept by resume)."""

    max_reasks: int | None = None
    """Re-asks per step after an unusable answer; None: the backend's own default."""
    token_budget: int | None = None
    max_concurrency: int | None = None
    prompt_style: str | None = None
    strict: bool = False
    samples: int | None = None
    """Candidates drawn per step; None: the backend's default (`Backend.default_samples`)."""
    seed: int = 0
    max_cost_usd: float | None = None
    allow_unknown_cost: bool = False

    def check(self) -> None:
        if self.max_reasks is not None and self.max_reasks < 0:
            raise InputError(f"max_reasks must be 0 or more, not {self.max_reasks}")
        if self.samples is not None and not 1 <= self.samples <= MAX_SAMPLES:
            raise InputError(f"samples must be from 1 to {MAX_SAMPLES}, not {self.samples}")
        if self.token_budget is not None and self.token_budget <= 0:
            raise InputError(
                f"token_budget must be a positive number of tokens, not {self.token_budget}"
            )
        if self.max_cost_usd is not None and self.max_cost_usd < 0:
            raise InputError(f"max_cost_usd must be 0 or more, not {self.max_cost_usd}")


Contacts = str | ContactsDigest | None
"""A contacts list as text, or a digest of a contacts file (`net_skill.contacts`): the model
sees its bounded text, everyone in the file counts as known, and the plan says how the shown
people were chosen."""


def run_inputs(situation: str, contacts: Contacts, today: date | None) -> RunInputs:
    """Checked and cleaned user input (raises `InputError`)."""
    if isinstance(contacts, ContactsDigest):
        return RunInputs(
            situation=validate_situation(situation),
            contacts=validate_contacts(contacts.text),
            today=today or date.today(),
            known_names=contacts.known_names,
            contacts_summary=contacts.summary(),
        )
    return RunInputs(
        situation=validate_situation(situation),
        contacts=validate_contacts(contacts),
        today=validate_today(today or date.today()),
    )


def prepare_run(
    inputs: RunInputs,
    *,
    skill: SkillArg,
    backend: Backend | None,
    options: RunOptions,
    output_dir: str | Path | None,
    record: bool,
    on_progress: ProgressCallback | None,
) -> RunState:
    """Load the skill, build the prompts and (if recording) the run folder."""
    options.check()
    loaded = resolve_skill(skill)
    profile = profile_for(loaded)
    declared = profile.input_schema(loaded)
    if declared is not None:
        inputs = replace(inputs, situation=declared_input_text(declared, inputs.situation))
    steps = chain_steps(loaded, profile)
    chosen = backend if backend is not None else create_backend()
    chosen = guarded(chosen, options.max_cost_usd, allow_unknown_cost=options.allow_unknown_cost)
    samples = options.samples or chosen.default_samples
    reasks = options.max_reasks if options.max_reasks is not None else chosen.default_max_reasks
    prompts = RunPrompts.prepare(loaded, profile, inputs, steps, chosen, style=options.prompt_style)
    state = RunState(
        skill=loaded,
        profile=profile,
        inputs=inputs,
        backend=chosen,
        prompts=prompts,
        recorder=None,
        max_reasks=reasks,
        on_progress=on_progress,
        max_concurrency=options.max_concurrency,
        token_budget=options.token_budget,
        strict=options.strict,
        samples=samples,
        seed=options.seed,
        close_backend=backend is None,
    )
    if record:
        fingerprint = short_hash(inputs.situation, loaded.source, inputs.today.isoformat())
        state.recorder = RunRecorder.create(output_dir, skill_id=loaded.id, fingerprint=fingerprint)
        state.recorder.append(started_event(state, options))
    return state


def started_event(state: RunState, options: RunOptions) -> RunStarted:
    """What a run records first: everything resume needs to rebuild it."""
    skill, inputs = state.skill, state.inputs
    return RunStarted(
        skill={
            "id": skill.id,
            "name": skill.name,
            "path": str(skill.path) if skill.path else None,
            "sha256": short_hash(skill.source),
            "source": skill.source,
        },
        backend=state.backend.describe(),
        today=inputs.today.isoformat(),
        situation=inputs.situation,
        contacts=inputs.contacts,
        known_names=sorted(inputs.known_names),
        contacts_summary=dict(inputs.contacts_summary or {}),
        max_reasks=state.max_reasks,
        token_budget=state.token_budget,
        max_cost_usd=options.max_cost_usd,
        allow_unknown_cost=options.allow_unknown_cost,
        options={
            "prompt_style": state.prompts.style.name,
            "strict": state.strict,
            "samples": state.samples,
            "seed": state.seed,
        },
        templates=templates_fingerprint(),
        steps=[
            {"number": s.number, "title": s.title, "depends_on": list(s.depends_on)}
            for s in state.steps
        ],
        system=state.prompts.system,
    )


async def arun_skill(
    situation: str,
    *,
    skill: SkillArg = None,
    backend: Backend | None = None,
    today: date | None = None,
    output_dir: str | Path | None = None,
    record: bool = True,
    max_reasks: int | None = None,
    contacts: Contacts = None,
    on_progress: ProgressCallback | None = None,
    max_concurrency: int | None = None,
    token_budget: int | None = None,
    prompt_style: str | None = None,
    strict: bool = False,
    samples: int | None = None,
    seed: int = 0,
    max_cost_usd: float | None = None,
    allow_unknown_cost: bool = False,
) -> RunResult:
    """Run `skill` (default: the bundled networking skill) on `situation`.

    `backend=None` picks one like `create_backend("auto")`. `max_concurrency` further limits
    how many steps run at once (1 runs them one at a time). `token_budget` caps the run's
    tokens, every attempt included: past it, no new call starts and the run stops resumably
    (`BudgetExceededError`, wrapped in `RunAbortedError` when recording). `max_cost_usd`
    caps its spend in US dollars the same way (`CostLimitError`; see `net_skill.spend`): no
    call starts whose worst case could pass it, and a backend of unknown price is refused
    unless `allow_unknown_cost`. `prompt_style` overrides the backend's prompt style (`full`,
    `compact` or `brief`).

    A value that stays unusable after the re-asks is left empty and listed in
    `plan.unanswered`; `strict=True` fails the run instead (`OutputValidationError`).
    `samples` draws that many candidates per step and keeps the best (default: the backend's
    own, `Backend.default_samples`); `seed` varies the local model's sampling.

    Raises `InputError` for unusable input (before any model call); a failure part-way raises
    `RunAbortedError` naming the run folder to resume (or, with `record=False`, the error
    itself, an unplanned exception as `UnexpectedError`), with the tokens spent in `spend`.
    """
    state = prepare_run(
        run_inputs(situation, contacts, today),
        skill=skill,
        backend=backend,
        options=RunOptions(
            max_reasks,
            token_budget,
            max_concurrency,
            prompt_style,
            strict,
            samples,
            seed,
            max_cost_usd,
            allow_unknown_cost,
        ),
        output_dir=output_dir,
        record=record,
        on_progress=on_progress,
    )
    return await execute(state)


run_skill = synchronous(arun_skill)


def situation_advice(situation: str, *, skill: SkillArg = None) -> str | None:
    """A sentence for the user when `situation` says too little for the skill to build on
    (the skill profile decides), else None."""
    return profile_for(resolve_skill(skill)).situation_advice(situation)


def render_run_prompts(
    situation: str,
    *,
    skill: SkillArg = None,
    contacts: Contacts = None,
    backend: Backend | None = None,
    prompt_style: str | None = None,
) -> list[RenderedPrompt]:
    """Every request a run would send, without calling any model (for `--dry-run`).

    Earlier outputs appear as placeholders. With a `backend`, prompts are fitted to its window
    and worded in its prompt style; without one, nothing is trimmed. Dates are computed in
    code, so the day does not change the prompts.
    """
    inputs = run_inputs(situation, contacts, None)
    loaded = resolve_skill(skill)
    profile = profile_for(loaded)
    steps = chain_steps(loaded, profile)
    prompts = RunPrompts.prepare(loaded, profile, inputs, steps, backend, style=prompt_style)
    rendered = []
    for step in steps:
        request = build_request(prompts, step, None)
        rendered.append(
            RenderedPrompt(
                step=step.number,
                title=step.title,
                tag=step.tag,
                system=request.system,
                prompt=request.prompt,
                messages=tuple((m.role, m.content) for m in request.messages),
                schema_name=request.schema_name,
                schema=request.schema,
                max_tokens=request.max_tokens,
                depends_on=step.depends_on,
            )
        )
    return rendered
