"""The two base models every skill profile builds on: one step's answer, and a run's result."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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


@cache
def schema_of(output_type: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of a model, built once (shared: treat it as read-only)."""
    return output_type.model_json_schema()
