"""The labelled tables of `tests/data/quality` and the per-step contexts they are inspected in."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from net_skill import load_skill
from net_skill.names import candidate_names, constrain_name_fields
from net_skill.quality import QualityContext

try:  # the layout after the skill-profile redesign on main
    from net_skill.skills.networking.models import (
        NETWORKING_STEP_DEPENDENCIES,
        NETWORKING_STEP_MODELS,
        NetworkAudit,
        Outreach,
    )
    from net_skill.skills.networking.plan import NETWORKING_FIELDS
    from net_skill.skills.networking.profile import NAME_FIELDS

    def narrow_names(schema: dict[str, Any], names: list[str]) -> dict[str, Any]:
        narrowed: dict[str, Any] = constrain_name_fields(schema, names, NAME_FIELDS)
        return narrowed

except ImportError:  # the layout this branch started from; drop once merged
    from net_skill.networking import (
        NETWORKING_STEP_DEPENDENCIES,
        NETWORKING_STEP_MODELS,
        NetworkAudit,
        Outreach,
    )
    from net_skill.plan import NETWORKING_FIELDS

    def narrow_names(schema: dict[str, Any], names: list[str]) -> dict[str, Any]:
        return constrain_name_fields(schema, names)


__all__ = ["NetworkAudit", "Outreach"]

DATA = Path(__file__).resolve().parent / "data" / "quality"
LABELED = Path(__file__).resolve().parents[1] / "evals" / "labeled"
SKILL_FILE = Path(__file__).resolve().parents[1] / "skill.md"

Row = dict[str, Any]


def rows(name: str) -> list[Row]:
    """The rows of `tests/data/quality/<name>.jsonl`."""
    lines = (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@cache
def instructions() -> dict[str, list[str]]:
    """The instruction sentences of the recorded prompts (data blocks left out), by step."""
    data: dict[str, list[str]] = json.loads((DATA / "instructions.json").read_text("utf-8"))
    return data


@cache
def compact_prompts() -> dict[str, dict[str, Any]]:
    """The compact prompts of the `compact-*` runs: instructions and worked example, by step."""
    data: dict[str, dict[str, Any]] = json.loads((DATA / "compact_prompts.json").read_text("utf-8"))
    return data


@cache
def step_context(step: int, source_text: str, prompt: str = "chain") -> QualityContext:
    """The context a step's answer is inspected in, as the runner would build it: `chain` for
    the current step prompts, `compact` for one instruction and a worked example."""
    model = NETWORKING_STEP_MODELS[step]
    schema = narrow_names(model.model_json_schema(), candidate_names(source_text))
    if prompt == "compact":
        compact = compact_prompts()[str(step)]
        said, examples = compact["instructions"], compact["examples"]
    else:
        said, examples = [*instructions()["system"], *instructions()[str(step)]], []
    return QualityContext.from_schema(
        schema,
        source_text=source_text,
        instructions=said,
        examples=examples,
        skill_items=load_skill(SKILL_FILE).steps,  # a copy of any step is an echo
        earlier=[
            NETWORKING_STEP_MODELS[n].model_json_schema()
            for n in NETWORKING_STEP_DEPENDENCIES[step]
        ],
    )


def parse_path(text: str) -> tuple[str | int, ...]:
    """`contacts[0].name` as `("contacts", 0, "name")`."""
    parts: list[str | int] = []
    for piece in text.replace("]", "").replace("[", ".").split("."):
        if piece:
            parts.append(int(piece) if piece.isdigit() else piece)
    return tuple(parts)


def step_outputs(plan: dict[str, Any]) -> dict[int, Any]:
    """The eight step outputs of a saved networking plan, by step number."""
    return {number: plan[field] for number, field in NETWORKING_FIELDS.items()}
