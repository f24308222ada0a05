"""Values of an answer that code writes (`SkillProfile.code_values`).

`strip_code_owned(schema, values)` takes them out of the schema a small model is asked to
follow (fewer tokens to write, fewer chances of junk); `fill_code_values(data, values,
overwrite=...)` puts them into the parsed answer before it is inspected: always when they were
not asked for, and otherwise only where the model left the value missing or empty.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from net_skill.profile import CodeValue
from net_skill.structured.paths import resolve


def strip_code_owned(schema: dict[str, Any], values: Sequence[CodeValue]) -> dict[str, Any]:
    """A copy of `schema` without the properties code writes."""
    if not values:
        return schema
    stripped = copy.deepcopy(schema)
    for value in values:
        _strip(stripped, stripped, value.path)
    return stripped


def _strip(root: dict[str, Any], node: Any, path: tuple[str, ...]) -> None:
    found = _locate(root, node, path)
    if found is None:
        return
    owner, key = found
    del owner["properties"][key]
    if isinstance(owner.get("required"), list):
        owner["required"] = [r for r in owner["required"] if r != key]


def unlimit_code_owned(
    limited: dict[str, Any], original: dict[str, Any], values: Sequence[CodeValue]
) -> dict[str, Any]:
    """`limited` (a capped copy of `original`) with each code-written property as `original`
    has it: a style's caps are for what a model writes, not for what the skill prescribes."""
    if limited is original or not values:
        return limited
    for value in values:
        source = _locate(original, original, value.path)
        target = _locate(limited, limited, value.path)
        if source is not None and target is not None:
            (owner, key), (original_owner, _) = target, source
            owner["properties"][key] = copy.deepcopy(original_owner["properties"][key])
    return limited


def _locate(root: dict[str, Any], node: Any, path: tuple[str, ...]) -> tuple[Any, str] | None:
    """The object schema whose `properties` hold the last property of `path`, and its key."""
    node = resolve(node, root)
    head, rest = path[0], path[1:]
    if head == "*":
        items = node.get("items")
        return _locate(root, items, rest) if isinstance(items, dict) and rest else None
    properties = node.get("properties")
    if not isinstance(properties, dict) or head not in properties:
        return None
    return (node, head) if not rest else _locate(root, properties[head], rest)


def fill_code_values(data: Any, values: Sequence[CodeValue], *, overwrite: bool) -> Any:
    """`data` (parsed JSON) with the code-written values in place."""
    if not values or not isinstance(data, dict):
        return data
    filled = copy.deepcopy(data)
    for value in values:
        _fill(filled, value, value.path, overwrite)
    return filled


def _fill(node: Any, value: CodeValue, path: tuple[str, ...], overwrite: bool) -> None:
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for item in node:
                _fill(item, value, rest, overwrite)
        return
    if not isinstance(node, dict):
        return
    if rest:
        _fill(node.get(head), value, rest, overwrite)
        return
    if overwrite or _empty(node.get(head)):
        node[head] = value.for_item(node)


def _empty(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def owned_by_code(path: tuple[str | int, ...], values: Sequence[CodeValue]) -> bool:
    """Whether the value at `path` (or a value inside it) is one code writes."""
    for value in values:
        pattern = value.path
        if len(path) >= len(pattern) and all(
            (want == "*" and isinstance(got, int)) or want == got
            for want, got in zip(pattern, path, strict=False)
        ):
            return True
    return False
