"""A JSON schema as a compact outline for prompts: field names, types, limits, descriptions.

Shorter than the JSON schema (about half the tokens) and easier for small models to follow;
backends still receive the exact schema in `CompletionRequest.schema`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel

from net_skill.outputs import schema_of


@cache
def schema_text(output_type: type[BaseModel]) -> str:
    """The outline of `output_type`'s schema (built once per type)."""
    return outline(schema_of(output_type))


def outline(schema: Mapping[str, Any]) -> str:
    return "\n".join(_outline(schema, schema.get("$defs", {}), ""))


def _outline(schema: Mapping[str, Any], defs: Mapping[str, Any], pad: str) -> list[str]:
    lines = [pad + "{"]
    required = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        kind, nested = _describe(sub, defs, pad + "  ")
        optional = "" if name in required else " (optional)"
        lines.append(f'{pad}  "{name}"{optional}: {kind}')
        lines.extend(nested)
    lines.append(pad + "}")
    return lines


def _describe(
    schema: Mapping[str, Any], defs: Mapping[str, Any], pad: str
) -> tuple[str, list[str]]:
    if "$ref" in schema:
        return _describe(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, pad)
    note = f" ({schema['description']})" if schema.get("description") else ""
    options = schema.get("anyOf")
    if options:
        kinds = [o for o in options if o.get("type") != "null"]
        kind, nested = _describe(kinds[0], defs, pad) if kinds else ("null", [])
        nullable = " or null" if len(kinds) < len(options) else ""
        return f"{kind}{nullable}{note}", nested
    if "enum" in schema:
        return "one of " + " | ".join(json.dumps(v) for v in schema["enum"]) + note, []
    kind = schema.get("type", "object")
    if kind == "object":
        return "object" + note, _outline(schema, defs, pad)
    if kind == "array":
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        size = f"{low} to {high}" if high is not None else f"at least {low}"
        item, nested = _describe(schema.get("items", {}), defs, pad)
        return f"list of {size}: {item}{note}", nested
    if kind == "string":
        limit = schema.get("maxLength")
        return ("text" + (f" (at most {limit} characters)" if limit else "") + note), []
    if kind == "integer" and "minimum" in schema and "maximum" in schema:
        return f"integer {schema['minimum']} to {schema['maximum']}{note}", []
    return str(kind) + note, []
