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
    """The outline; a length limit that every text shares is said once, after it (said per
    field, it costs tokens on every field and small models copy it as an answer)."""
    defs = schema.get("$defs", {})
    limits = {limit for s in _subschemas(schema, defs) if (limit := _string_limit(s)) is not None}
    shared = limits.pop() if len(limits) == 1 else None
    lines = _outline(schema, defs, "", shared)
    if shared is not None:
        lines.append(f"Each text is at most {shared} characters.")
    return "\n".join(lines)


def _string_limit(schema: Mapping[str, Any]) -> int | None:
    limit = schema.get("maxLength") if schema.get("type") == "string" else None
    return limit if isinstance(limit, int) else None


def _subschemas(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """`schema` and every schema inside it, references followed."""
    if "$ref" in schema:
        return _subschemas(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    found = [schema]
    inner = [*schema.get("properties", {}).values(), *schema.get("anyOf", ())]
    if isinstance(schema.get("items"), Mapping):
        inner.append(schema["items"])
    for sub in inner:
        found += _subschemas(sub, defs)
    return found


def _outline(
    schema: Mapping[str, Any], defs: Mapping[str, Any], pad: str, shared: int | None
) -> list[str]:
    lines = [pad + "{"]
    required = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        kind, nested = _describe(sub, defs, pad + "  ", shared)
        optional = "" if name in required else " (optional)"
        lines.append(f'{pad}  "{name}"{optional}: {kind}')
        lines.extend(nested)
    lines.append(pad + "}")
    return lines


def _describe(
    schema: Mapping[str, Any], defs: Mapping[str, Any], pad: str, shared: int | None
) -> tuple[str, list[str]]:
    if "$ref" in schema:
        return _describe(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, pad, shared)
    note = f" ({schema['description']})" if schema.get("description") else ""
    options = schema.get("anyOf")
    if options:
        kinds = [o for o in options if o.get("type") != "null"]
        kind, nested = _describe(kinds[0], defs, pad, shared) if kinds else ("null", [])
        nullable = " or null" if len(kinds) < len(options) else ""
        return f"{kind}{nullable}{note}", nested
    if "enum" in schema:
        return "one of " + " | ".join(json.dumps(v) for v in schema["enum"]) + note, []
    kind = schema.get("type", "object")
    if kind == "object":
        return "object" + note, _outline(schema, defs, pad, shared)
    if kind == "array":
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        size = (
            str(low)
            if low == high
            else f"{low} to {high}"
            if high is not None
            else f"at least {low}"
        )
        item, nested = _describe(schema.get("items", {}), defs, pad, shared)
        return f"list of {size}: {item}{note}", nested
    if kind == "string":
        limit = schema.get("maxLength") if schema.get("maxLength") != shared else None
        return ("text" + (f" (at most {limit} characters)" if limit else "") + note), []
    if kind == "integer" and "minimum" in schema and "maximum" in schema:
        return f"integer {schema['minimum']} to {schema['maximum']}{note}", []
    return str(kind) + note, []
