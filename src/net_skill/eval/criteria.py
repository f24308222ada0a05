"""Criteria: one per item of a skill's `## Verification` checklist.

For `skill.md` the six items map to stable ids and to the deterministic checks of
`net_skill.eval.checks` that cover them. Any other skill's items get a slug id and no checks:
they are scored by the judge alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from net_skill.errors import InputError
from net_skill.skill import Skill


@dataclass(frozen=True)
class Criterion:
    """One checklist item to score."""

    id: str
    text: str
    weight: float = 1.0
    checks: tuple[str, ...] = field(default=())
    """Ids of the deterministic checks that cover it (empty: judge only)."""


NETWORKING_CRITERIA: dict[str, tuple[str, tuple[str, ...]]] = {
    "network audited and mapped": (
        "network_audited",
        ("audit_contacts_mapped", "audit_gaps_named", "audit_names_known"),
    ),
    "value you offer articulated clearly": (
        "value_articulated",
        ("value_offers_present", "value_proposition_specific"),
    ),
    "target list created with research": (
        "targets_researched",
        (
            "targets_complete",
            "target_research_distinct",
            "research_parts_distinct",
            "target_names_known",
        ),
    ),
    "outreach is personalized, not templated mass-send": (
        "outreach_personalized",
        (
            "outreach_mentions_target",
            "outreach_no_placeholders",
            "outreach_brief",
            "outreach_distinct",
            "outreach_lines_distinct",
        ),
    ),
    "follow-up and thank-you habits established": (
        "followup_thankyou",
        ("follow_up_rule", "thank_you_habit"),
    ),
    "regular maintenance cadence in place": (
        "maintenance_cadence",
        ("cadence_matches_strength", "tracked_strength_consistent", "tracking_in_place"),
    ),
}
"""Normalised checklist text of `skill.md` -> (stable criterion id, check ids)."""

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
    for item in skill.verification:
        known = NETWORKING_CRITERIA.get(normalise(item))
        base_id, checks = known if known else (slugify(item), ())
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
