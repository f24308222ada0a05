"""Field-level repair and honest degradation.

Repair keeps the valid parts of an answer and asks again only for the failing values: the
re-ask's schema is an object whose keys are the failing paths (`"gaps[1]"`), each with the
sub-schema of that value, so even a constrained small model can only write those values.

Degradation, when the re-asks are used up: each failing value is left empty (a list item is
dropped; otherwise null, an empty text or an empty list, whichever the model accepts), and its
path is reported as unanswered. A step never fails for want of one good value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from net_skill.structured.answers import Problem, validate_model
from net_skill.structured.paths import (
    JsonPath,
    delete_at,
    has_path,
    outermost,
    set_at,
    show_path,
    sub_schema,
)

T = TypeVar("T", bound=BaseModel)

BLANKS: tuple[Any, ...] = (None, "", [], {})
"""Empty values to try, in order, for a value left unanswered."""
MAX_BLANK_ROUNDS = 12


def repair_targets(problems: Sequence[Problem]) -> list[JsonPath]:
    """The values to ask for again (extra keys are dropped, not asked for; the first of
    several copies is left for its copies to be rewritten, unless nothing else is wrong)."""
    wrong = [p for p in problems if p.kind != "extra"]
    copies = [p for p in wrong if not p.original] or wrong
    return outermost(p.path for p in copies)


def drop_extras(data: Any, problems: Sequence[Problem]) -> Any:
    for problem in sorted(
        (p for p in problems if p.kind == "extra"), key=lambda p: p.path, reverse=True
    ):
        if has_path(data, problem.path):
            data = delete_at(data, problem.path)
    return data


def repair_schema(schema: Mapping[str, Any], targets: Sequence[JsonPath]) -> dict[str, Any]:
    """An object schema with one property per target path (its sub-schema)."""
    properties: dict[str, Any] = {}
    for path in targets:
        sub = sub_schema(schema, path)
        if sub is not None:
            properties[show_path(path)] = sub
    repaired: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if "$defs" in schema:
        repaired["$defs"] = schema["$defs"]
    return repaired


def merge_repair(
    data: Any, answer: Any, targets: Sequence[JsonPath], schema: Mapping[str, Any]
) -> Any:
    """`data` with the repaired values put in place.

    An answer that is a whole object of the original schema (a model that rewrote everything)
    replaces `data` instead.
    """
    if not isinstance(answer, dict):
        return data
    required = set(schema.get("required", ()))
    if required and required <= set(answer):
        return answer
    for path in targets:
        key = show_path(path)
        if key in answer and (has_path(data, path[:-1]) or not path[:-1]):
            data = set_at(data, path, answer[key])
    return data


def degrade(
    data: Any,
    failing: Sequence[JsonPath],
    output_type: type[T],
    context: Mapping[str, Any] | None,
) -> tuple[T | None, list[JsonPath]]:
    """Leave each failing value empty; return the model and the paths left unanswered.

    Paths are blanked deepest first (list items from the end, so indexes stay right). A value
    the model accepts no empty form of is replaced by blanking its parent. Model errors that
    remain after that (for example a missing required value) are blanked the same way.
    """
    if not isinstance(data, dict):
        data = {}
    unanswered: list[JsonPath] = []
    pending = list(failing)
    for _ in range(MAX_BLANK_ROUNDS):
        for path in sorted(outermost(pending), key=_deepest_last_index_first):
            data, blanked = _blank(data, path, output_type, context)
            unanswered.append(blanked)
        value, problems = validate_model(data, output_type, context)
        if value is not None:
            return value, outermost(unanswered)
        pending = [p.path for p in problems if p.path]
        if not pending:
            break
    return None, outermost(unanswered)


def _deepest_last_index_first(path: JsonPath) -> tuple[int, tuple[int, ...]]:
    return (-len(path), tuple(-p if isinstance(p, int) else 0 for p in path))


def _blank(
    data: Any, path: JsonPath, output_type: type[T], context: Mapping[str, Any] | None
) -> tuple[Any, JsonPath]:
    """`data` with the value at `path` emptied, and the path actually emptied."""
    while path:
        if isinstance(path[-1], int) and has_path(data, path):
            return delete_at(data, path), path
        for blank in BLANKS:
            candidate = set_at(data, path, blank) if _parent_exists(data, path) else None
            if candidate is not None and _accepted_at(candidate, path, output_type, context):
                return candidate, path
        path = path[:-1]
    return {}, ()


def _parent_exists(data: Any, path: JsonPath) -> bool:
    return not path[:-1] or (has_path(data, path[:-1]) and isinstance(_get(data, path[:-1]), dict))


def _get(data: Any, path: JsonPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _accepted_at(
    data: Any, path: JsonPath, output_type: type[T], context: Mapping[str, Any] | None
) -> bool:
    _value, problems = validate_model(data, output_type, context)
    return not any(p.path[: len(path)] == path for p in problems)
