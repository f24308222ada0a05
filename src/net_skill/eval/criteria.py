"""Criteria: one per item of a skill's `## Verification` checklist.

Items the skill's profile knows (`SkillProfile.criteria`, by normalised text) get its stable
id and the deterministic checks that cover them; any other item gets a slug id and no checks:
it is scored by the judge alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from net_skill.errors import InputError
from net_skill.eval.checks import Check
from net_skill.profile import profile_for
from net_skill.skill import Skill


@dataclass(frozen=True)
class Criterion:
    """One checklist item to score."""

    id: str
    text: str
    weight: float = 1.0
    checks: tuple[Check[Any], ...] = field(default=())
    """The deterministic checks that cover it (empty: judge only)."""

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.checks)


_SLUG_MAX = 48


def normalise(text: str) -> str:
    """Lower-case, accents and markdown emphasis removed, whitespace collapsed."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"[*_`]+", "", folded)
    return " ".join(folded.split()).strip(" .")


def slugify(text: str) -> str:
    """`Value you offer articulated clearly` -> `value_you_offer_articulated_clearly`."""
    slug = re.sub(r"[^a-z0-9]+", "_", normalise(text)).strip("_")
    if len(slug) > _SLUG_MAX:
        slug = slug[:_SLUG_MAX].rsplit("_", 1)[0] or slug[:_SLUG_MAX]
    return slug or "criterion"


def criteria_for(skill: Skill, *, weights: Mapping[str, float] | None = None) -> list[Criterion]:
    """One criterion per Verification item, in checklist order.

    `weights` overrides the default weight (1.0) by criterion id; ids are made unique with a
    numeric suffix when two items slug to the same id.
    """
    chosen = weights or {}
    criteria: list[Criterion] = []
    seen: set[str] = set()
    known = profile_for(skill).criteria()
    for item in skill.verification:
        spec = known.get(normalise(item))
        base_id, checks = (spec.id, spec.checks) if spec else (slugify(item), ())
        criterion_id, number = base_id, 2
        while criterion_id in seen:
            criterion_id, number = f"{base_id}_{number}", number + 1
        seen.add(criterion_id)
        weight = float(chosen.get(criterion_id, 1.0))
        if weight < 0:
            raise InputError(f"weight of {criterion_id!r} must not be negative")
        criteria.append(Criterion(criterion_id, item.strip(), weight, checks))
    unknown = sorted(set(chosen) - seen)
    if unknown:
        raise InputError(
            f"weights name unknown criteria {unknown}; the criteria are {sorted(seen)}"
        )
    return criteria
