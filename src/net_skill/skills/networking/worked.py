"""Worked examples and digests of the networking steps, for compact prompts.

The examples (`examples/*.json`, written for this purpose, not taken from `evals/`) give every
step's answer for one person; a compact prompt shows the step's answer as an earlier chat
turn, after the digests of the example's own earlier steps. Digests are short texts of a
step's output: what later steps need, in a few lines a small model can hold.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pydantic import BaseModel

from net_skill.outputs import StepModel
from net_skill.profile import WorkedExample
from net_skill.skills.networking.models import (
    NETWORKING_STEP_DEPENDENCIES,
    NETWORKING_STEP_MODELS,
    Asks,
    Interviews,
    Maintenance,
    NetworkAudit,
    Outreach,
    Purpose,
    TargetList,
    ValueOffer,
)

EXAMPLE_FILES = ("pharmacist.json",)


@cache
def worked_examples() -> dict[int, tuple[WorkedExample, ...]]:
    """Every example, by step number (validated against the step models once)."""
    by_step: dict[int, list[WorkedExample]] = {n: [] for n in NETWORKING_STEP_MODELS}
    folder = resources.files("net_skill.skills.networking") / "examples"
    for name in EXAMPLE_FILES:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        situation = str(data["situation"])
        answers: dict[int, StepModel] = {}
        for number, model in NETWORKING_STEP_MODELS.items():
            context: dict[str, object] = {"source_text": situation}
            if 4 in answers and isinstance(answers[4], TargetList):
                context["target_count"] = len(answers[4].targets)
            answers[number] = model.model_validate(data["steps"][str(number)], context=context)
        for number, answer in answers.items():
            earlier = {n: answers[n] for n in NETWORKING_STEP_DEPENDENCIES[number]}
            by_step[number].append(WorkedExample(situation, answer, earlier))
    return {n: tuple(examples) for n, examples in by_step.items()}


def digest(output: BaseModel) -> str:
    """A step's output in a few short lines."""
    if isinstance(output, Purpose):
        needs = "; ".join(n.detail for n in output.needs if n.detail)
        return f"goal: {output.goal_statement} Needs: {needs}."
    if isinstance(output, NetworkAudit):
        people = "; ".join(
            f"{c.name or c.description} ({c.relationship.replace('_', ' ')}, {c.strength})"
            for c in output.contacts
        )
        return f"contacts: {people or 'none named'}. Gaps: {'; '.join(output.gaps)}."
    if isinstance(output, ValueOffer):
        return f"value proposition: {output.value_proposition}"
    if isinstance(output, TargetList):
        return " ".join(
            f"{number}. {t.name or 'to be identified'}: {t.profile} ({t.path} path)."
            for number, t in enumerate(output.targets, 1)
        )
    if isinstance(output, Outreach | Interviews | Maintenance | Asks):
        return output.model_dump_json()
    return output.model_dump_json()
