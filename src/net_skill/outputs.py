"""The two base models every skill profile builds on: one step's answer, and a run's result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class StepModel(BaseModel):
    """The answer to one step: what a model returns as JSON, validated by Pydantic."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Plan(BaseModel):
    """A whole run's result. Each profile defines its own plan type on top of this."""

    model_config = ConfigDict(extra="forbid")

    skill_id: str
    situation: str
    today: date
    unanswered: list[str] = Field(
        default_factory=list,
        description="Paths of values left empty because no usable answer came within the re-asks",
    )

    derived_fields: ClassVar[frozenset[str]] = frozenset()
    """Fields computed in code (dates, rules), not written by the model."""

    code_written_paths: ClassVar[tuple[tuple[str, ...], ...]] = ()
    """Values inside step answers that code writes (`*` for every list item or key)."""

    def written(self) -> dict[str, Any]:
        """What the model wrote: the plan less its header, the fields code derived, and the
        values code wrote inside the step answers."""
        header = set(Plan.model_fields)
        dumped = self.model_dump(mode="json", exclude=header | set(self.derived_fields))
        for path in self.code_written_paths:
            _drop(dumped, path)
        return dumped


def _drop(node: Any, path: tuple[str, ...]) -> None:
    if not path:
        return
    head, rest = path[0], path[1:]
    children: list[Any]
    if isinstance(node, dict):
        if not rest:
            if head == "*":
                node.clear()
            else:
                node.pop(head, None)
            return
        children = list(node.values()) if head == "*" else [node.get(head)]
    elif isinstance(node, list) and head == "*":
        if not rest:
            node.clear()
            return
        children = node
    else:
        return
    for child in children:
        _drop(child, rest)


@cache
def schema_of(output_type: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema a model is *asked* to answer, built once (shared: read-only).

    This is the model's own schema with the `Asked` minimums applied; the plain
    `model_json_schema()` (what a saved plan follows, the MCP output schema) keeps them only
    as an `x-ask` note that JSON Schema validators ignore.
    """
    schema: dict[str, Any] = _apply_asks(output_type.model_json_schema())
    return schema


def _apply_asks(node: Any) -> Any:
    if isinstance(node, list):
        return [_apply_asks(item) for item in node]
    if not isinstance(node, dict):
        return node
    schema = {k: _apply_asks(v) for k, v in node.items() if k != ASK_KEY}
    ask = node.get(ASK_KEY)
    if not isinstance(ask, dict):
        return schema
    if ask.get("not_null") and isinstance(schema.get("anyOf"), list):
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        schema = {**options[0], **rest} if len(options) == 1 else {**rest, "anyOf": options}
    if isinstance(ask.get("min"), int):
        schema["minItems" if schema.get("type") == "array" else "minLength"] = ask["min"]
    return schema


@dataclass(frozen=True)
class Asked:
    """How a value is asked for, beyond what a saved value must be.

    A saved plan may hold an empty value (listed in `Plan.unanswered`), so step models accept
    empty texts and lists; the JSON schema sent to the model asks for at least `min` characters
    (texts) or items (lists), and `not_null` drops the null option of an optional value. The
    answer checks hold every fresh answer to that schema.

        Short = Annotated[str, Field(max_length=160), Asked(min=1)]
    """

    min: int | None = None
    not_null: bool = False

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        ask: dict[str, Any] = {}
        if self.min is not None:
            ask["min"] = self.min
        if self.not_null:
            ask["not_null"] = True
        return {**schema, ASK_KEY: ask}


ASK_KEY = "x-ask"
"""Where `Asked` notes its minimums in a model's own JSON schema (`schema_of` applies them)."""
