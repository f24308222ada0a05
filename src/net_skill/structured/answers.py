"""Inspecting one answer: every problem with its path, from four checks in order.

1. JSON: the text must parse to an object.
2. The request's JSON schema (the *ask* schema: minimum lengths and item counts, enums,
   narrowed names and target numbers), checked with `jsonschema` so that a backend that could
   not apply the schema (Claude moves lengths into descriptions; some servers ignore schemas)
   is held to it all the same.
3. The Pydantic model, with the validation context (names must be known, targets must exist).
4. Answer checks on the parsed data (the text-quality floor, a profile's own checks).

Step models are *lenient* (a saved plan may hold an empty value that is listed as unanswered);
the ask schema is strict. So a fresh answer must pass 2 to 4, a repaired-and-degraded one only 3.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, Literal, TypeVar

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from pydantic import BaseModel, ValidationError

from net_skill.structured.paths import JsonPath, show_path

T = TypeVar("T", bound=BaseModel)

ProblemKind = Literal["unparseable", "schema", "model", "extra", "check"]


@dataclass(frozen=True)
class Problem:
    """Something wrong with an answer, at a path (`()` is the whole answer)."""

    path: JsonPath
    message: str
    kind: ProblemKind = "model"
    label: str = ""
    """A finer kind for records and counts (for example the text-quality kind)."""
    hint: str = field(default="", compare=False)
    """What is wrong and what to write, without the rejected value (a field repair shows
    this: a small model shown its rejected value writes it again); empty: `detail`."""
    original: bool = field(default=False, compare=False)
    """The first of several copies: a field repair rewrites only the copies."""

    @property
    def where(self) -> str:
        return show_path(self.path)

    @property
    def detail(self) -> str:
        """The message without the path it may start with (`gaps[0]: ...`), for showing after
        `where`."""
        where = self.where
        for prefix in (f"{where}: ", f"{where} "):
            if where and self.message.startswith(prefix):
                return self.message[len(prefix) :]
        return self.message

    def as_error(self) -> dict[str, str]:
        return {"loc": self.where, "msg": self.detail}


AnswerCheck = Callable[[Any], Sequence[Problem]]
"""A check of a parsed answer (JSON data) returning its problems."""


@dataclass
class Inspection(Generic[T]):
    data: Any
    """The parsed JSON (None when the text was not JSON)."""
    value: T | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.value is not None and not self.problems

    @property
    def root_failed(self) -> bool:
        """No field-level repair is possible: the answer as a whole is unusable."""
        return self.data is None or any(not p.path and p.kind != "check" for p in self.problems)


def inspect_text(
    text: str,
    output_type: type[T],
    *,
    schema: Mapping[str, Any] | None,
    context: Mapping[str, Any] | None,
    checks: Sequence[AnswerCheck] = (),
) -> Inspection[T]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        return Inspection(None, None, [Problem((), message, "unparseable")])
    return inspect_data(data, output_type, schema=schema, context=context, checks=checks)


def inspect_data(
    data: Any,
    output_type: type[T],
    *,
    schema: Mapping[str, Any] | None,
    context: Mapping[str, Any] | None,
    checks: Sequence[AnswerCheck] = (),
) -> Inspection[T]:
    """All problems of parsed `data` (schema, model, checks), at most one per path."""
    if not isinstance(data, dict):
        kind = type(data).__name__
        return Inspection(
            None, None, [Problem((), f"expected a JSON object, got {kind}", "schema")]
        )
    # The model's messages come first: they say why (a name must not be invented), where the
    # schema's would only say what (not one of the allowed values).
    value, problems = validate_model(data, output_type, context)
    if schema is not None:
        problems += schema_problems(data, schema)
    for check in checks:
        problems += check(data)
    return Inspection(data, value, _one_per_path(problems))


def validate_model(
    data: Any, output_type: type[T], context: Mapping[str, Any] | None
) -> tuple[T | None, list[Problem]]:
    try:
        return output_type.model_validate(data, context=dict(context or {})), []
    except ValidationError as exc:
        return None, [_from_pydantic(e) for e in exc.errors(include_url=False, include_input=False)]


def _from_pydantic(error: Mapping[str, Any]) -> Problem:
    path = tuple(part for part in error["loc"] if isinstance(part, str | int))
    kind: ProblemKind = "extra" if error["type"] == "extra_forbidden" else "model"
    message = "not a field of this answer: leave it out" if kind == "extra" else str(error["msg"])
    return Problem(path, message, kind)


@lru_cache(maxsize=128)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json))


def schema_problems(data: Any, schema: Mapping[str, Any]) -> list[Problem]:
    validator = _validator(json.dumps(schema, sort_keys=True))
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        problems.extend(_from_schema(error))
    return problems


def _from_schema(error: SchemaError) -> list[Problem]:
    path = tuple(error.absolute_path)
    value: Any = error.validator_value
    kind, instance = str(error.validator), error.instance
    if kind == "required" and isinstance(instance, dict) and isinstance(value, list):
        missing = [k for k in value if k not in instance]
        return [Problem((*path, k), "missing: give this value", "schema") for k in missing]
    if kind == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = set(schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed]
        message = "not a field of this answer: leave it out"
        return [Problem((*path, k), message, "extra") for k in extra]
    messages = {
        "minLength": "must not be empty",
        "maxLength": f"too long: at most {value} characters",
        "minItems": f"needs at least {value} item(s)",
        "maxItems": f"too many: at most {value} item(s)",
        "enum": "must be one of: " + ", ".join(json.dumps(v) for v in value)
        if isinstance(value, list)
        else "not an allowed value",
        "type": f"must be of type {value}",
        "anyOf": "not one of the allowed values",
    }
    return [Problem(path, messages.get(kind, error.message), "schema")]


def _one_per_path(problems: list[Problem]) -> list[Problem]:
    seen: dict[JsonPath, Problem] = {}
    for problem in problems:
        seen.setdefault(problem.path, problem)
    return list(seen.values())
