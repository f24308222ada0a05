"""The skill as a tool for an Anthropic agent: a tool definition and a `tool_use` handler.

    definition = tool_definition()                      # offer it in `tools=[...]`
    for block in response.content:
        if block.type == "tool_use":
            results.append(handle_tool_use(block, backend=backend))

The handler validates the tool input, runs the skill and returns a `tool_result` content block
whose `content` is JSON text: the plan on success, `{"error": ..., "message": ...}` with
`is_error: true` otherwise. It never raises for bad input or a failed run, and never returns a
traceback. It accepts the SDK's `ToolUseBlock` or a plain dict.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from net_skill._redact import redact
from net_skill._sync import synchronous
from net_skill.backends.base import Backend
from net_skill.declared import declared_input_text
from net_skill.errors import (
    BackendError,
    ConfigurationError,
    InputError,
    NetSkillError,
    OutputValidationError,
    RunAbortedError,
    SkillParseError,
    UnexpectedError,
)
from net_skill.outputs import Plan
from net_skill.profile import profile_for
from net_skill.runner import arun_skill, resolve_skill
from net_skill.situation import (
    MAX_CONTACTS_CHARS,
    MAX_SITUATION_CHARS,
    validate_contacts,
    validate_situation,
)
from net_skill.skill import Skill

logger = logging.getLogger(__name__)

TOOL_NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
"""What Anthropic (and MCP clients) accept as a tool name."""

INPUT_FIELDS = ("situation", "contacts", "today")

_MAX_WHEN_TO_USE = 12


def tool_name(skill: Skill, prefix: str = "run") -> str:
    """`<prefix>_<skill id>` reduced to the characters tool names allow (at most 64)."""
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "_", skill.id).strip("_") or "skill"
    return f"{prefix}_{slug}"[:64]


def tool_description(skill: Skill) -> str:
    """What the skill does, when to use it, what to pass and what comes back."""
    what = " ".join(skill.overview.split()) or skill.description or skill.name
    parts = [f"Runs the {skill.name!r} skill: {what}"]
    if skill.when_to_use:
        uses = "\n".join(f"- {item}" for item in skill.when_to_use[:_MAX_WHEN_TO_USE])
        parts.append(f"When to use it:\n{uses}")
    steps = f" ({len(skill.steps)} steps)" if skill.steps else ""
    returns = (
        "Pass the user's situation in their own words (goal, background, the people they "
        "already know, by name). Returns a JSON plan with one section per step of the "
        f"skill{steps}."
    )
    notes = profile_for(skill).tool_notes()
    if notes:
        returns += " " + notes
    parts.append(returns)
    return "\n\n".join(parts)


def tool_input_schema() -> dict[str, Any]:
    """The JSON Schema of the tool input (shared by the Anthropic tool and the MCP server)."""
    return {
        "type": "object",
        "properties": {
            "situation": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_SITUATION_CHARS,
                "description": (
                    "The user's situation in their own words: who they are, what they want, "
                    "who they already know."
                ),
            },
            "contacts": {
                "type": "string",
                "maxLength": MAX_CONTACTS_CHARS,
                "description": "Optional: the user's contacts list as plain text, one a line.",
            },
            "today": {
                "type": "string",
                "format": "date",
                "description": "Optional: the date to schedule from (YYYY-MM-DD); default today.",
            },
        },
        "required": ["situation"],
        "additionalProperties": False,
    }


def tool_definition(skill: Skill | str | Path | None = None) -> dict[str, Any]:
    """An Anthropic tool definition (`name`, `description`, `input_schema`) for the skill."""
    resolved = resolve_skill(skill)
    return {
        "name": tool_name(resolved),
        "description": tool_description(resolved),
        "input_schema": profile_for(resolved).input_schema(resolved) or tool_input_schema(),
    }


@dataclass(frozen=True)
class ToolInput:
    """Validated tool input."""

    situation: str
    contacts: str | None = None
    today: date | None = None


def parse_tool_input(data: object) -> ToolInput:
    """Check a tool input against the schema; raise `InputError` with a clear message."""
    if not isinstance(data, Mapping):
        raise InputError(f"the tool input must be a JSON object, not {_json_type(data)}")
    unknown = sorted(str(key) for key in data if key not in INPUT_FIELDS)
    if unknown:
        raise InputError(
            f"unknown input field(s): {', '.join(unknown)}; expected: {', '.join(INPUT_FIELDS)}"
        )
    if "situation" not in data:
        raise InputError("missing required input field 'situation'")
    situation = validate_situation(_expect_text(data["situation"], "situation"))
    contacts_value = data.get("contacts")
    contacts = (
        None
        if contacts_value is None
        else validate_contacts(_expect_text(contacts_value, "contacts"))
    )
    today = _parse_date(data.get("today"))
    return ToolInput(situation=situation, contacts=contacts, today=today)


def _expect_text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"'{field}' must be a string, not {_json_type(value)}")
    return value


def _parse_date(value: object) -> date | None:
    if value is None:
        return None
    text = _expect_text(value, "today")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"'today' must be a date as YYYY-MM-DD, got {text[:40]!r}") from None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return "a string" if isinstance(value, str) else type(value).__name__


def error_kind(exc: BaseException) -> str:
    """A short, stable label for an error, by who must act."""
    kinds: tuple[tuple[type[BaseException], str], ...] = (
        (InputError, "invalid_input"),
        (SkillParseError, "skill_error"),
        (ConfigurationError, "configuration_error"),
        (BackendError, "backend_error"),
        (OutputValidationError, "output_invalid"),
        (RunAbortedError, "run_aborted"),
        (UnexpectedError, "internal_error"),
        (NetSkillError, "net_skill_error"),
    )
    for kind, label in kinds:
        if isinstance(exc, kind):
            return label
    return "internal_error"


def error_message(exc: BaseException) -> str:
    """One clear line (or a few) describing `exc`, never a traceback."""
    if isinstance(exc, NetSkillError):
        return redact(str(exc))
    return redact(f"unexpected {type(exc).__name__}: {exc}")


def _block_fields(block: object) -> tuple[str, str, object]:
    """(`id`, `name`, `input`) of an SDK `ToolUseBlock` or a dict of the same shape."""
    if isinstance(block, Mapping):
        block_type, block_id = block.get("type"), block.get("id")
        name, data = block.get("name"), block.get("input")
    else:
        block_type, block_id = getattr(block, "type", None), getattr(block, "id", None)
        name, data = getattr(block, "name", None), getattr(block, "input", None)
    if block_type != "tool_use" or not isinstance(block_id, str) or not block_id:
        raise InputError("expected a tool_use block with an 'id' (got no usable tool_use block)")
    return block_id, str(name or ""), data


def tool_result(
    tool_use_id: str, payload: Mapping[str, Any] | str, *, is_error: bool
) -> dict[str, Any]:
    """A `tool_result` content block whose content is JSON text."""
    content = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return {
        "type": "tool_result",
        "tool_use_id": tool_use_id,
        "content": content,
        "is_error": is_error,
    }


def error_result(tool_use_id: str, exc: BaseException) -> dict[str, Any]:
    return tool_result(
        tool_use_id,
        {"error": error_kind(exc), "message": error_message(exc)},
        is_error=True,
    )


async def ahandle_tool_use(
    block: object,
    *,
    backend: Backend | None = None,
    skill: Skill | str | Path | None = None,
    record: bool = True,
    output_dir: str | Path | None = None,
    strict: bool = False,
) -> dict[str, Any]:
    """Run the skill for one `tool_use` block and return its `tool_result` block.

    `backend` defaults to `create_backend("auto")`. Values the model could not answer are
    left empty and listed in the plan's `unanswered` (`strict=True`: an error result instead).
    Errors come back as `is_error: true` results; only a block without a `tool_use` id raises
    `InputError` (no result can name it).
    """
    tool_use_id, name, data = _block_fields(block)
    try:
        resolved = resolve_skill(skill)
        expected = tool_name(resolved)
        if name != expected:
            raise InputError(f"unknown tool {name!r}; this handler runs {expected!r}")
        declared = profile_for(resolved).input_schema(resolved)
        arguments = (
            ToolInput(situation=declared_input_text(declared, data))
            if declared is not None
            else parse_tool_input(data)
        )
        result = await arun_skill(
            arguments.situation,
            skill=resolved,
            backend=backend,
            today=arguments.today,
            contacts=arguments.contacts,
            record=record,
            output_dir=output_dir,
            strict=strict,
        )
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # every failure becomes an error result, never a traceback
        if not isinstance(exc, NetSkillError):
            logger.exception("tool %s failed unexpectedly", name)
        return error_result(tool_use_id, exc)
    return tool_result(tool_use_id, redact(result_json(result.plan)), is_error=False)


def result_json(plan: Plan) -> str:
    """What a tool returns: the declared output when the skill declares one, else the plan."""
    output = getattr(plan, "output", None)
    return (
        json.dumps(output, ensure_ascii=False)
        if isinstance(output, dict)
        else (plan.model_dump_json())
    )


handle_tool_use = synchronous(ahandle_tool_use)
