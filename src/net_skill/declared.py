"""Typed inputs and outputs a skill declares in its frontmatter (`input_schema`, `output_schema`).

Each is a JSON Schema, given one of three ways:

    output_schema: report.schema.json          # a sidecar file next to the skill
    output_schema: |                           # JSON text
      {"type": "object", "properties": {"verdict": {"type": "string"}}}
    output_schema:                             # YAML (numbers and booleans of JSON Schema's
      type: object                             #  own keywords are read as such)
      required: [verdict]

A declared output becomes the answer schema of the skill's last step and what the MCP tool and
the Anthropic tool advertise; a declared input is what those tools accept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from net_skill.errors import InputError, SkillParseError

DECLARED_KEYS = ("input_schema", "output_schema")
MAX_SCHEMA_BYTES = 64_000

_INTEGER_KEYWORDS = frozenset(
    {
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "minContains",
        "maxContains",
    }
)
_NUMBER_KEYWORDS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)
_BOOLEAN_KEYWORDS = frozenset({"uniqueItems", "additionalProperties", "unevaluatedProperties"})


def declared_schema(
    value: object, key: str, *, path: Path | None, line: int | None
) -> dict[str, Any] | None:
    """The JSON Schema a frontmatter `value` declares (None when absent).

    Raises `SkillParseError` naming the file and line for an unreadable or invalid schema.
    """
    if value is None or value == "":
        return None
    schema = _read(value, key, path=path, line=line)
    if not isinstance(schema, dict):
        raise SkillParseError(f"`{key}` must be a JSON Schema object", path=path, line=line)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "(top)"
        raise SkillParseError(
            f"`{key}` is not a valid JSON Schema at {where}: {exc.message}", path=path, line=line
        ) from None
    if schema.get("type", "object") != "object":
        raise SkillParseError(
            f"`{key}` must describe a JSON object (type: object)", path=path, line=line
        )
    return schema


def _read(value: object, key: str, *, path: Path | None, line: int | None) -> Any:
    if isinstance(value, Mapping):
        return _typed(value)
    text = str(value).strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SkillParseError(
                f"`{key}` is not valid JSON ({exc.msg}, column {exc.colno})", path=path, line=line
            ) from None
    return _sidecar(text, key, path=path, line=line)


def _sidecar(name: str, key: str, *, path: Path | None, line: int | None) -> Any:
    if path is None:
        raise SkillParseError(
            f"`{key}` names a file ({name}) but the skill has no file to find it beside",
            line=line,
        )
    file = (path.parent / name).resolve()
    if path.parent.resolve() not in file.parents:
        raise SkillParseError(f"`{key}` must name a file beside the skill", path=path, line=line)
    try:
        data = file.read_bytes()[: MAX_SCHEMA_BYTES + 1]
    except OSError as exc:
        raise SkillParseError(
            f"cannot read `{key}` file {name}: {exc.strerror or exc}", path=path, line=line
        ) from None
    if len(data) > MAX_SCHEMA_BYTES:
        raise SkillParseError(
            f"`{key}` file {name} is larger than {MAX_SCHEMA_BYTES:,} bytes", path=path, line=line
        )
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SkillParseError(
            f"`{key}` file {name} is not JSON: {exc}", path=path, line=line
        ) from None


def _typed(node: Any, key: str = "") -> Any:
    """YAML read as text (the loader keeps every scalar a string) with JSON Schema's numeric
    and boolean keywords turned back into numbers and booleans."""
    if isinstance(node, Mapping):
        return {str(k): _typed(v, str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_typed(v) for v in node]
    if isinstance(node, str):
        if key in _INTEGER_KEYWORDS and node.strip().lstrip("-").isdigit():
            return int(node)
        if key in _NUMBER_KEYWORDS:
            try:
                return float(node) if "." in node or "e" in node.lower() else int(node)
            except ValueError:
                return node
        if key in _BOOLEAN_KEYWORDS and node.strip().lower() in ("true", "false"):
            return node.strip().lower() == "true"
    return node


def declared_input_text(schema: Mapping[str, Any], data: object) -> str:
    """The situation text for a declared input: `data` checked against `schema`, as JSON.

    Raises `InputError` naming the first problem and where it is.
    """
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"this skill declares its input: give a JSON object ({exc.msg}, column {exc.colno})"
            ) from None
    error = next(iter(Draft202012Validator(dict(schema)).iter_errors(data)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(the input)"
        raise InputError(
            f"the input does not match the skill's input_schema at {where}: {error.message}"
        )
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
