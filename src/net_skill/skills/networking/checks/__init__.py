"""Deterministic checks of a `NetworkingPlan`, by the Verification item they cover.

The checks live in modules by criterion group (`profile`: audit, value, targets; `outreach`:
outreach, follow-up, thank-you; `maintenance`: cadence); thresholds are in `base` and
documented in docs/eval-scoring.md:

- `NEAR_COPY_RATIO`: two messages (or two research texts) whose word sequences have a difflib
  ratio of 0.8 or more, after removing each target's own words, are near-copies.
- `MIN_SPECIFIC_WORDS`: a message must share at least two distinctive word stems with its
  target's name, profile or research; a value proposition at least two with the situation.
- `MAX_OUTREACH_WORDS`: the four lines of a message stay within 120 words.
"""

from __future__ import annotations

from typing import Any

from net_skill.eval.checks import Check
from net_skill.profile import CriterionSpec
from net_skill.skills.networking.checks.maintenance import (
    cadence_matches_strength,
    tracked_strength_consistent,
    tracking_in_place,
)
from net_skill.skills.networking.checks.outreach import (
    follow_up_rule,
    outreach_brief,
    outreach_distinct,
    outreach_lines_distinct,
    outreach_mentions_target,
    outreach_no_placeholders,
    thank_you_habit,
)
from net_skill.skills.networking.checks.profile import (
    audit_contacts_mapped,
    audit_gaps_named,
    audit_names_known,
    research_parts_distinct,
    target_names_known,
    target_research_distinct,
    targets_complete,
    value_offers_present,
    value_proposition_specific,
)

NETWORKING_CRITERIA: dict[str, CriterionSpec] = {
    "network audited and mapped": CriterionSpec(
        "network_audited", (audit_contacts_mapped, audit_gaps_named, audit_names_known)
    ),
    "value you offer articulated clearly": CriterionSpec(
        "value_articulated", (value_offers_present, value_proposition_specific)
    ),
    "target list created with research": CriterionSpec(
        "targets_researched",
        (targets_complete, target_research_distinct, research_parts_distinct, target_names_known),
    ),
    "outreach is personalized, not templated mass-send": CriterionSpec(
        "outreach_personalized",
        (
            outreach_mentions_target,
            outreach_no_placeholders,
            outreach_brief,
            outreach_distinct,
            outreach_lines_distinct,
        ),
    ),
    "follow-up and thank-you habits established": CriterionSpec(
        "followup_thankyou", (follow_up_rule, thank_you_habit)
    ),
    "regular maintenance cadence in place": CriterionSpec(
        "maintenance_cadence",
        (cadence_matches_strength, tracked_strength_consistent, tracking_in_place),
    ),
}
"""Normalised checklist text of `skill.md` -> its stable criterion id and checks."""

CHECKS: dict[str, Check[Any]] = {
    c.id: c for spec in NETWORKING_CRITERIA.values() for c in spec.checks
}
"""Every networking check, by id."""

__all__ = ["CHECKS", "NETWORKING_CRITERIA"]
