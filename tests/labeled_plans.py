"""The hand-labelled plans in `evals/labeled` and the six criterion ids of `skill.md`, for tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

EVALS = Path(__file__).resolve().parents[1] / "evals"
LABELED = EVALS / "labeled"

CRITERION_IDS = [
    "network_audited",
    "value_articulated",
    "targets_researched",
    "outreach_personalized",
    "followup_thankyou",
    "maintenance_cadence",
]
"""The stable criterion ids of the bundled skill, in checklist order."""


def labeled_document(name: str) -> dict[str, Any]:
    """The whole labelled file `evals/labeled/<name>.json` (`id`, `labels`, `plan`, ...)."""
    data: dict[str, Any] = json.loads((LABELED / f"{name}.json").read_text(encoding="utf-8"))
    return data


def setter(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation of plan data: `setter("audit.gaps.0", "N/A")` sets that value."""

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[int(key)] if key.isdigit() else node[key]
        last = keys[-1]
        node[int(last) if last.isdigit() else last] = value

    return mutate
