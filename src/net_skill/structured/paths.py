"""Paths into a JSON answer (`("needs", 2, "detail")`, shown as `needs[2].detail`), the
sub-schema at a path, and editing a JSON value at a path."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

JsonPath = tuple[str | int, ...]

_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def show_path(path: JsonPath) -> str:
    """`("needs", 2, "detail")` -> `needs[2].detail`; the root is `(root)`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(root)"


def parse_path(text: str) -> JsonPath:
    if text in ("", "(root)"):
        return ()
    return tuple(int(i) if i else name for i, name in _PART.findall(text))


def prefixed(prefix: str, path: str) -> str:
    """A step-relative path shown under its plan field: `audit` + `gaps[1]` -> `audit.gaps[1]`."""
    if path in ("", "(root)"):
        return prefix
    return prefix + (path if path.startswith("[") else "." + path)


def outermost(paths: Iterable[JsonPath]) -> list[JsonPath]:
    """The paths that are not inside another path of the set, in order, without repeats."""
    unique = list(dict.fromkeys(paths))
    return [p for p in unique if not any(q != p and p[: len(q)] == q for q in unique)]


def resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a `$ref` into `root`'s `$defs`."""
    while "$ref" in schema:
        schema = root.get("$defs", {})[str(schema["$ref"]).rsplit("/", 1)[-1]]
    return schema


def _non_null(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    schema = resolve(schema, root)
    options = schema.get("anyOf")
    if isinstance(options, list):
        real = [o for o in options if resolve(o, root).get("type") != "null"]
        if len(real) == 1:
            return resolve(real[0], root)
    return schema


def sub_schema(root: Mapping[str, Any], path: JsonPath) -> dict[str, Any] | None:
    """The schema of the value at `path` (None when the path leaves the schema)."""
    node: Mapping[str, Any] = resolve(root, root)
    for part in path:
        node = _non_null(node, root)
        if isinstance(part, int):
            items = node.get("items")
            if not isinstance(items, Mapping):
                return None
            node = items
        else:
            properties = node.get("properties")
            if not isinstance(properties, Mapping) or part not in properties:
                return None
            node = properties[part]
    return dict(resolve(node, root))


def is_nullable(root: Mapping[str, Any], schema: Mapping[str, Any]) -> bool:
    schema = resolve(schema, root)
    if schema.get("type") == "null":
        return True
    options = schema.get("anyOf")
    return isinstance(options, list) and any(
        resolve(o, root).get("type") == "null" for o in options
    )


def get_at(data: Any, path: JsonPath) -> Any:
    for part in path:
        data = data[part]
    return data


def has_path(data: Any, path: JsonPath) -> bool:
    try:
        get_at(data, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def set_at(data: Any, path: JsonPath, value: Any) -> Any:
    """A copy of `data` with `value` at `path` (missing dict keys are created)."""
    if not path:
        return copy.deepcopy(value)
    result = copy.deepcopy(data)
    node = result
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = copy.deepcopy(value)
    return result


def delete_at(data: Any, path: JsonPath) -> Any:
    """A copy of `data` without the value at `path` (a list item, or a dict key)."""
    result = copy.deepcopy(data)
    node = get_at(result, path[:-1])
    del node[path[-1]]
    return result
