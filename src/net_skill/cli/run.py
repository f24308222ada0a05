"""`net-skill run` and `net-skill resume`: wiring to `net_skill.runner`, and formatting."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markdown import Markdown
from rich.status import Status

from net_skill._redact import redact
from net_skill.backends.registry import backend_prompt_style
from net_skill.cli._common import (
    AllowUnknownCostOpt,
    ApiKeyEnvOpt,
    BackendOpt,
    BaseUrlOpt,
    ContextWindowOpt,
    MaxCostOpt,
    ModelOpt,
    SkillOpt,
    TodayOpt,
    build_backend,
    handle_errors,
    parse_today,
    stderr,
    stdout,
)
from net_skill.contacts import (
    ContactsDigest,
    digest_contacts,
    kept_stores,
    read_contacts,
    skipped_rows,
)
from net_skill.errors import InputError
from net_skill.runner import (
    ProgressEvent,
    RenderedPrompt,
    RunResult,
    render_run_prompts,
    resolve_skill,
    resume_run,
    run_skill,
    situation_advice,
)
from net_skill.situation import (
    MAX_SITUATION_CHARS,
    validate_contacts,
    validate_situation,
    validate_today,
)

SituationArg = Annotated[
    str, typer.Argument(help='Who you are and what you want; "-" reads it from standard input.')
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", help="Folder for run folders (default: user data).")
]
NoRecordOpt = Annotated[bool, typer.Option("--no-record", help="Write no run folder.")]
ReasksOpt = Annotated[
    int | None,
    typer.Option(
        "--max-reasks",
        min=0,
        help="Re-asks per step after an unusable answer (default: 2; 1 on the embedded model).",
    ),
]
ContactsOpt = Annotated[
    Path | None,
    typer.Option(
        "--contacts",
        help="Your contacts: a LinkedIn or Google Contacts export, a vCard file or a plain list. "
        "Their names count as known; the people relevant to the situation are shown to the model.",
    ),
]
TrackerOpt = Annotated[
    bool,
    typer.Option("--tracker", help="Build on your keep-in-touch tracker (`net-skill track`)."),
]
DbOpt = Annotated[
    Path | None, typer.Option("--db", help="Build on this tracker file (implies --tracker).")
]
BudgetOpt = Annotated[
    int | None,
    typer.Option(
        "--token-budget",
        min=1,
        help="Stop (resumably) once the run has used this many tokens, re-asks included.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the plan as one JSON object.")]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Fail when a value stays unusable after the re-asks, instead of leaving it "
        "empty and listed as unanswered.",
    ),
]
SamplesOpt = Annotated[
    int | None,
    typer.Option(
        "--samples",
        min=1,
        max=8,
        help="Candidates drawn per step; the one with the fewest problems is kept "
        "(default: the backend's own, 2 for the embedded model).",
    ),
]
StyleOpt = Annotated[
    str | None,
    typer.Option(
        "--prompt-style",
        help="full (rules and whole skill in a cached system prompt) or compact (a short "
        "question and a worked example per step); default: the backend's own.",
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Sampling seed of the local model.")]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Print every prompt that would be sent; call no model.")
]


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
    app.command("resume")(resume_command)


@handle_errors
def run_command(
    situation: SituationArg,
    skill: SkillOpt = None,
    backend: BackendOpt = "auto",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    context_window: ContextWindowOpt = None,
    today: TodayOpt = None,
    output: OutputOpt = None,
    no_record: NoRecordOpt = False,
    max_reasks: ReasksOpt = None,
    contacts: ContactsOpt = None,
    tracker: TrackerOpt = False,
    db: DbOpt = None,
    token_budget: BudgetOpt = None,
    max_cost: MaxCostOpt = None,
    allow_unknown_cost: AllowUnknownCostOpt = False,
    json_output: JsonOpt = False,
    dry_run: DryRunOpt = False,
    strict: StrictOpt = False,
    samples: SamplesOpt = None,
    prompt_style: StyleOpt = None,
    seed: SeedOpt = 0,
) -> None:
    """Run the skill on a situation and print the plan (progress goes to stderr)."""
    text = validate_situation(read_stdin() if situation == "-" else situation)
    day = parse_today(today)
    if day is not None:
        validate_today(day)
    # Check the input and the skill before choosing a backend (which may load a model).
    digest = _read_network(contacts, db if db is not None else tracker, text, day)
    contacts_text = validate_contacts(digest.text if digest else None)
    loaded = resolve_skill(skill)
    if dry_run:
        style = prompt_style or backend_prompt_style(backend)
        prompts = render_run_prompts(text, skill=loaded, contacts=contacts_text, prompt_style=style)
        _print_prompts(prompts, as_json=json_output)
        return
    advice = situation_advice(text, skill=loaded)
    if advice:
        stderr.print(f"tip: {advice}", markup=False, highlight=False, soft_wrap=True)
    chosen = build_backend(
        backend,
        model,
        base_url=base_url,
        api_key_env=api_key_env,
        context_window=context_window,
    )
    with _Progress() as progress:
        result = run_skill(
            text,
            skill=loaded,
            backend=chosen,
            today=day,
            output_dir=output,
            record=not no_record,
            max_reasks=max_reasks,
            contacts=digest,
            on_progress=progress,
            token_budget=token_budget,
            prompt_style=prompt_style,
            strict=strict,
            samples=samples,
            seed=seed,
            max_cost_usd=max_cost,
            allow_unknown_cost=allow_unknown_cost,
        )
    _print_result(result, as_json=json_output)


@handle_errors
def resume_command(
    run_dir: Annotated[Path, typer.Argument(help="A run folder printed by `net-skill run`.")],
    backend: Annotated[
        str | None, typer.Option("--backend", help="Default: the backend the run started with.")
    ] = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    token_budget: Annotated[
        int | None, typer.Option("--token-budget", min=1, help="Default: the run's own.")
    ] = None,
    max_cost: Annotated[
        float | None,
        typer.Option("--max-cost", min=0.0, metavar="USD", help="Default: the run's own cap."),
    ] = None,
    allow_unknown_cost: Annotated[
        bool | None,
        typer.Option("--allow-unknown-cost/--no-allow-unknown-cost", help="Default: the run's."),
    ] = None,
    json_output: JsonOpt = False,
    retry_unanswered: Annotated[
        bool,
        typer.Option(
            "--retry-unanswered", help="Also run again the steps that left values unanswered."
        ),
    ] = False,
) -> None:
    """Finish a run that stopped part-way: only missing or failed steps run again.

    Every session's spend counts toward the token budget and the spending cap: to finish a
    run they stopped, give a larger --token-budget or --max-cost.
    """
    chosen = (
        build_backend(backend, model, base_url=base_url, api_key_env=api_key_env)
        if backend is not None
        else None
    )
    with _Progress() as progress:
        result = resume_run(
            run_dir,
            backend=chosen,
            on_progress=progress,
            token_budget=token_budget,
            retry_unanswered=retry_unanswered,
            max_cost_usd=max_cost,
            allow_unknown_cost=allow_unknown_cost,
        )
    _print_result(result, as_json=json_output)


MAX_STDIN_BYTES = 1_000_000
"""Standard input read for a situation at most (its limit is a few thousand characters)."""


def read_stdin() -> str:
    """The situation from standard input, as UTF-8 text; `InputError` when it is not, or when
    there is far more than a situation can hold (read no further than that)."""
    data = sys.stdin.buffer.read(MAX_STDIN_BYTES + 1)
    if len(data) > MAX_STDIN_BYTES:
        raise InputError(
            f"standard input holds more than {MAX_STDIN_BYTES:,} bytes; a situation is at most "
            f"{MAX_SITUATION_CHARS:,} characters"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"standard input is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); convert it, for example with iconv -t UTF-8"
        ) from None


def _read_network(
    contacts: Path | None, tracker: Path | bool, situation: str, today: date | None
) -> ContactsDigest | None:
    """The contacts file and/or tracker, summarised for the situation (None: neither given).

    The model sees `digest.text` (a bounded selection); `digest.known_names` holds everyone.
    """
    day = today or date.today()
    sources = [read_contacts(contacts, today=day)] if contacts is not None else []
    if tracker is not False:
        kept = kept_stores()
        path = tracker if isinstance(tracker, Path) else (kept[0] if kept else None)
        if path is None or not path.is_file():
            where = f" at {path}" if path else ""
            raise InputError(
                f"no tracker{where} yet: start one with `net-skill track add PLAN.json` "
                "or `net-skill track import CONTACTS_FILE`"
            )
        kept_file = read_contacts(path, today=day)
        if kept_file.format != "tracker":
            raise InputError(f"{path}: not a tracker file (`net-skill track` makes one)")
        sources.append(kept_file)
    if not sources:
        return None
    digest = digest_contacts(sources, situation, today=day)
    skipped = f", {skipped_rows(digest.skipped)}" if digest.skipped else ""
    stderr.print(
        f"contacts: {digest.read:,} read{skipped}, {digest.considered:,} relevant, "
        f"{len(digest.listed):,} shown to the model",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return digest


def _print_prompts(prompts: list[RenderedPrompt], *, as_json: bool) -> None:
    if as_json:
        data = [
            {
                "step": p.step,
                "title": p.title,
                "depends_on": list(p.depends_on),
                "max_tokens": p.max_tokens,
                "schema_name": p.schema_name,
                "system": p.system,
                "prompt": p.prompt,
            }
            for p in prompts
        ]
        sys.stdout.write(redact(json.dumps({"prompts": data}, ensure_ascii=False)) + "\n")
        return
    out = [f"===== system prompt (identical for all {len(prompts)} steps) =====", prompts[0].system]
    for p in prompts:
        needs = ", ".join(str(n) for n in p.depends_on) or "none"
        out.append(
            f"===== step {p.step}: {p.title} — answer {p.schema_name}, "
            f"max {p.max_tokens} tokens, uses steps: {needs} ====="
        )
        out.append(p.prompt)
    sys.stdout.write(redact("\n".join(out)) + "\n")


def _print_result(result: RunResult, *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(redact(result.plan.model_dump_json()) + "\n")
    else:
        stdout.print(Markdown(redact(result.markdown)))
    note = result.backend.get("structured_output_note")
    if note and result.backend.get("schema_enforced") is not True:
        stderr.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    cost = f", ${result.cost_usd:.4f}" if result.cost_usd else ""
    if result.cost_usd is None:
        cost = ", cost unknown"
    where = f"; saved in {result.run_dir}" if result.run_dir else ""
    missing = len(result.plan.unanswered)
    unanswered = (
        f"; {missing} value(s) had no usable answer (plan.unanswered lists them)" if missing else ""
    )
    stderr.print(
        f"done in {result.elapsed_s:.1f} s, {result.usage.total_tokens:,} tokens{cost}"
        f"{unanswered}{where}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


class _Progress:
    """Step progress on stderr: a live status line, and one line per finished step or retry."""

    def __init__(self) -> None:
        self.status = Status("starting…", console=stderr)
        self.running: dict[int, str] = {}

    def __enter__(self) -> _Progress:
        self.status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.status.stop()

    def __call__(self, event: ProgressEvent) -> None:
        tokens = f"{event.usage.total_tokens:,} tokens"
        if event.kind == "step_started" and event.step is not None:
            self.running[event.step] = event.title
        elif event.kind == "step_finished" and event.step is not None:
            self.running.pop(event.step, None)
            stderr.print(
                f"✓ step {event.step}: {event.title} ({event.elapsed_s:.1f} s, {tokens})",
                markup=False,
                highlight=False,
            )
        elif event.kind == "step_retry":
            stderr.print(
                f"↻ step {event.step}: re-asking ({event.message})", markup=False, highlight=False
            )
        steps = ", ".join(str(n) for n in sorted(self.running)) or "-"
        self.status.update(f"running step {steps} · {event.elapsed_s:.1f} s · {tokens}")
