"""Run a skill on a situation: the typed prompt chain, its records, and resuming.

    result = run_skill("I am a data analyst moving into product management ...")
    print(result.plan.targets)

Steps run as soon as the steps they depend on are done (the networking skill: 1, then 2 and 3,
then 4, then 5 to 8), at most `backend.max_concurrency` at a time. Every step goes through
`complete_structured` (validation with re-asks). See `net_skill.chain` for the prompt layout
and the context-window rule, `net_skill.records` for the run folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from net_skill.backends.base import Backend
from net_skill.backends.select import BACKEND_NAMES, select_backend
from net_skill.chain import (
    CONTEXT_MARGIN_TOKENS,
    MIN_EARLIER_CHARS,
    ChainStep,
    Earlier,
    answer_budget,
    chain_steps,
    fit_system,
    is_networking,
    placeholder_earlier,
    render_step,
    render_system,
    skill_text_for,
    step_guidance,
)
from net_skill.errors import InputError
from net_skill.execute import (
    ProgressCallback,
    ProgressEvent,
    RunResult,
    RunState,
    StepOutcome,
    execute,
    execute_sync,
    restore_outputs,
)
from net_skill.loader import load_bundled_skill, load_skill, parse_skill
from net_skill.prompts import templates_fingerprint
from net_skill.records import RunRecorder, read_events, short_hash
from net_skill.situation import validate_contacts, validate_situation
from net_skill.skill import Skill
from net_skill.structured import DEFAULT_MAX_REASKS, schema_of

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
]


@dataclass(frozen=True)
class RenderedPrompt:
    """One step's request as it would be sent (earlier outputs shown as placeholders)."""

    step: int
    title: str
    tag: str
    system: str
    prompt: str
    schema_name: str
    schema: dict[str, Any]
    max_tokens: int
    depends_on: tuple[int, ...]


SkillArg = Skill | str | Path | None


def resolve_skill(skill: SkillArg) -> Skill:
    """`None` is the bundled networking skill; a path is loaded; a `Skill` is used as is."""
    if skill is None:
        return load_bundled_skill()
    if isinstance(skill, Skill):
        return skill
    return load_skill(skill)


def system_for(
    skill: Skill, situation: str, contacts: str | None, steps: list[ChainStep], backend: Backend
) -> str:
    """The run's one system prompt, sized so the largest step still fits the window."""
    window = backend.context_window
    titles = {s.number: s.title for s in steps}
    worst = 0
    for step in steps:
        filler = [
            Earlier(e.number, e.title, "x" * MIN_EARLIER_CHARS)
            for e in placeholder_earlier(step, titles)
        ]
        guidance = step_guidance(step, networking=is_networking(skill), target_count=5)
        prompt = render_step(step, total=len(steps), earlier=filler, guidance=guidance)
        worst = max(worst, backend.count_tokens(prompt) + answer_budget(step, window))
    room = window - CONTEXT_MARGIN_TOKENS - worst
    return fit_system(
        skill,
        situation,
        contacts,
        networking=is_networking(skill),
        room=room,
        count=backend.count_tokens,
    )


def prepare_run(
    situation: str,
    *,
    skill: SkillArg,
    backend: Backend | None,
    today: date | None,
    output_dir: str | Path | None,
    record: bool,
    max_reasks: int,
    contacts: str | None,
    on_progress: ProgressCallback | None,
    max_concurrency: int | None,
    token_budget: int | None = None,
) -> RunState:
    """Check the input, load the skill, build the prompts and (if recording) the run folder."""
    clean = validate_situation(situation)
    clean_contacts = validate_contacts(contacts)
    if max_reasks < 0:
        raise InputError(f"max_reasks must be 0 or more, not {max_reasks}")
    if token_budget is not None and token_budget <= 0:
        raise InputError(f"token_budget must be a positive number of tokens, not {token_budget}")
    loaded = resolve_skill(skill)
    steps = chain_steps(loaded)
    chosen = backend if backend is not None else select_backend("auto")
    day = today or date.today()
    system = system_for(loaded, clean, clean_contacts, steps, chosen)
    recorder = None
    if record:
        fingerprint = short_hash(clean, loaded.source, day.isoformat())
        recorder = RunRecorder.create(output_dir, skill_id=loaded.id, fingerprint=fingerprint)
        recorder.append(
            {
                "type": "run_started",
                "skill": {
                    "id": loaded.id,
                    "name": loaded.name,
                    "path": str(loaded.path) if loaded.path else None,
                    "sha256": short_hash(loaded.source),
                    "source": loaded.source,
                },
                "backend": chosen.describe(),
                "today": day.isoformat(),
                "situation": clean,
                "contacts": clean_contacts,
                "max_reasks": max_reasks,
                "token_budget": token_budget,
                "templates": templates_fingerprint(),
                "steps": [
                    {"number": s.number, "title": s.title, "depends_on": list(s.depends_on)}
                    for s in steps
                ],
                "system": system,
            }
        )
    return RunState(
        skill=loaded,
        situation=clean,
        contacts=clean_contacts,
        today=day,
        backend=chosen,
        steps=steps,
        system=system,
        recorder=recorder,
        max_reasks=max_reasks,
        on_progress=on_progress,
        max_concurrency=max_concurrency,
        token_budget=token_budget,
        close_backend=backend is None,
    )


async def arun_skill(
    situation: str,
    *,
    skill: SkillArg = None,
    backend: Backend | None = None,
    today: date | None = None,
    output_dir: str | Path | None = None,
    record: bool = True,
    max_reasks: int = DEFAULT_MAX_REASKS,
    contacts: str | None = None,
    on_progress: ProgressCallback | None = None,
    max_concurrency: int | None = None,
    token_budget: int | None = None,
) -> RunResult:
    """Run `skill` (default: the bundled networking skill) on `situation`.

    `backend=None` picks one like `select_backend("auto")`. `max_concurrency` further limits
    how many steps run at once (1 runs them one at a time). `token_budget` caps the run's
    tokens, every attempt included: past it, no new call starts and the run stops resumably
    (`BudgetExceededError`, wrapped in `RunAbortedError` when recording). Raises `InputError`
    for unusable input; a failure part-way raises `RunAbortedError` naming the run folder to
    resume (or, with `record=False`, the original `OutputValidationError` / `BackendError`).
    """
    state = prepare_run(
        situation,
        skill=skill,
        backend=backend,
        today=today,
        output_dir=output_dir,
        record=record,
        max_reasks=max_reasks,
        contacts=contacts,
        on_progress=on_progress,
        max_concurrency=max_concurrency,
        token_budget=token_budget,
    )
    return await execute(state)


def run_skill(
    situation: str,
    *,
    skill: SkillArg = None,
    backend: Backend | None = None,
    today: date | None = None,
    output_dir: str | Path | None = None,
    record: bool = True,
    max_reasks: int = DEFAULT_MAX_REASKS,
    contacts: str | None = None,
    on_progress: ProgressCallback | None = None,
    max_concurrency: int | None = None,
    token_budget: int | None = None,
) -> RunResult:
    """Synchronous `arun_skill` (do not call it from inside a running event loop)."""
    state = prepare_run(
        situation,
        skill=skill,
        backend=backend,
        today=today,
        output_dir=output_dir,
        record=record,
        max_reasks=max_reasks,
        contacts=contacts,
        on_progress=on_progress,
        max_concurrency=max_concurrency,
        token_budget=token_budget,
    )
    return execute_sync(state)


def load_resume_state(
    run_dir: str | Path,
    *,
    backend: Backend | None,
    on_progress: ProgressCallback | None,
    max_concurrency: int | None = None,
) -> RunState:
    """Rebuild a recorded run: its inputs from `run_started`, its validated step outputs."""
    recorder = RunRecorder.open(run_dir)
    events = list(read_events(recorder.run_dir))
    start = next((e for e in events if e.get("type") == "run_started"), None)
    if start is None:
        raise InputError(f"{recorder.run_dir} has no run_started event: cannot resume it")
    skill_info: dict[str, Any] = start["skill"]
    path = Path(skill_info["path"]) if skill_info.get("path") else None
    skill = parse_skill(skill_info["source"], path=path)
    chosen = backend if backend is not None else _recorded_backend(start.get("backend", {}))
    steps = chain_steps(skill)
    situation: str = start["situation"]
    contacts: str | None = start.get("contacts")
    state = RunState(
        skill=skill,
        situation=situation,
        contacts=contacts,
        today=date.fromisoformat(start["today"]),
        backend=chosen,
        steps=steps,
        system=system_for(skill, situation, contacts, steps, chosen),
        recorder=recorder,
        max_reasks=int(start.get("max_reasks", DEFAULT_MAX_REASKS)),
        on_progress=on_progress,
        max_concurrency=max_concurrency,
        close_backend=backend is None,
        resumed=True,
    )
    restore_outputs(state, events)
    return state


def _recorded_backend(description: dict[str, Any]) -> Backend:
    name = str(description.get("backend", "auto"))
    if name not in BACKEND_NAMES:
        return select_backend("auto")
    model = description.get("model") if name == "anthropic" else None
    return select_backend(name, model=str(model) if model else None)


async def aresume_run(
    run_dir: str | Path,
    *,
    backend: Backend | None = None,
    on_progress: ProgressCallback | None = None,
    max_concurrency: int | None = None,
    token_budget: int | None = None,
) -> RunResult:
    """Finish a recorded run: rerun only the steps missing (or failed) in its events.jsonl.

    `backend=None` uses the kind of backend the run was started with.
    """
    state = load_resume_state(
        run_dir, backend=backend, on_progress=on_progress, max_concurrency=max_concurrency
    )
    return await execute(state)


def resume_run(
    run_dir: str | Path,
    *,
    backend: Backend | None = None,
    on_progress: ProgressCallback | None = None,
    max_concurrency: int | None = None,
    token_budget: int | None = None,
) -> RunResult:
    """Synchronous `aresume_run`."""
    state = load_resume_state(
        run_dir, backend=backend, on_progress=on_progress, max_concurrency=max_concurrency
    )
    return execute_sync(state)


def render_run_prompts(
    situation: str,
    *,
    skill: SkillArg = None,
    today: date | None = None,
    contacts: str | None = None,
    backend: Backend | None = None,
) -> list[RenderedPrompt]:
    """Every prompt a run would send, without calling any model (for `--dry-run`).

    Earlier outputs appear as placeholders. With a `backend`, prompts are fitted to its window;
    without one, nothing is trimmed. `today` does not change the prompts (dates are computed in
    code) and is accepted for symmetry with `run_skill`.
    """
    del today
    clean = validate_situation(situation)
    clean_contacts = validate_contacts(contacts)
    loaded = resolve_skill(skill)
    steps = chain_steps(loaded)
    networking = is_networking(loaded)
    if backend is not None:
        system = system_for(loaded, clean, clean_contacts, steps, backend)
    else:
        text = skill_text_for(loaded, clean)
        system = render_system(
            loaded, clean, clean_contacts, networking=networking, skill_text=text
        )
    titles = {s.number: s.title for s in steps}
    prompts = []
    for step in steps:
        guidance = step_guidance(step, networking=networking, target_count=None)
        earlier = placeholder_earlier(step, titles)
        prompt = render_step(step, total=len(steps), earlier=earlier, guidance=guidance)
        window = backend.context_window if backend is not None else 1 << 30
        prompts.append(
            RenderedPrompt(
                step=step.number,
                title=step.title,
                tag=step.tag,
                system=system,
                prompt=prompt,
                schema_name=step.output_type.__name__,
                schema=schema_of(step.output_type),
                max_tokens=answer_budget(step, window),
                depends_on=step.depends_on,
            )
        )
    return prompts
