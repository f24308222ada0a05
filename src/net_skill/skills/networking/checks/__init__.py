"""Deterministic checks of a `NetworkingPlan`, by the Verification item they cover.

One module per criterion group (`audit`, `value`, `targets`, `outreach` with the asks,
`followup`, `maintenance`); what they share: `quality` (junk and unanswered values of a step,
through `net_skill.quality`), `people` (people named in free text), `phrases` (what free text
says against the rules: gaps that deny themselves, asks instead of offers, stated follow-up and
thank-you timing). Thresholds are in `base` and documented in docs/eval-scoring.md.

Every check says which steps it reads (`Check.reads`); `rank_step` scores one step's answer by
the checks it completes, for verifier-guided sampling.
"""

from __future__ import annotations

from typing import Any

from net_skill.eval.checks import Check
from net_skill.profile import CriterionSpec
from net_skill.skills.networking.checks.audit import (
    audit_contacts_mapped,
    audit_gaps_named,
    audit_names_known,
    audit_quality,
)
from net_skill.skills.networking.checks.followup import (
    asks_match_rules,
    follow_up_rule,
    habits_match_rules,
    thank_you_habit,
)
from net_skill.skills.networking.checks.maintenance import (
    cadence_matches_strength,
    maintenance_quality,
    tracked_people_known,
    tracked_strength_consistent,
    tracking_in_place,
)
from net_skill.skills.networking.checks.outreach import (
    asks_no_placeholders,
    asks_people_known,
    asks_quality,
    outreach_brief,
    outreach_distinct,
    outreach_lines_distinct,
    outreach_mentions_target,
    outreach_names_known,
    outreach_no_placeholders,
    outreach_quality,
)
from net_skill.skills.networking.checks.targets import (
    research_concrete,
    research_parts_distinct,
    target_names_known,
    target_research_distinct,
    targets_complete,
    targets_findable,
    targets_quality,
)
from net_skill.skills.networking.checks.value import (
    value_offers_not_asks,
    value_offers_present,
    value_proposition_specific,
    value_quality,
)

NETWORKING_CRITERIA: dict[str, CriterionSpec] = {
    "network audited and mapped": CriterionSpec(
        "network_audited",
        (audit_quality, audit_contacts_mapped, audit_gaps_named, audit_names_known),
    ),
    "value you offer articulated clearly": CriterionSpec(
        "value_articulated",
        (value_quality, value_offers_present, value_proposition_specific, value_offers_not_asks),
    ),
    "target list created with research": CriterionSpec(
        "targets_researched",
        (
            targets_quality,
            targets_complete,
            targets_findable,
            research_concrete,
            target_research_distinct,
            research_parts_distinct,
            target_names_known,
        ),
    ),
    "outreach is personalized, not templated mass-send": CriterionSpec(
        "outreach_personalized",
        (
            outreach_quality,
            outreach_mentions_target,
            outreach_no_placeholders,
            outreach_brief,
            outreach_distinct,
            outreach_lines_distinct,
            outreach_names_known,
            asks_quality,
            asks_no_placeholders,
            asks_people_known,
        ),
    ),
    "follow-up and thank-you habits established": CriterionSpec(
        "followup_thankyou",
        (follow_up_rule, thank_you_habit, habits_match_rules, asks_match_rules),
    ),
    "regular maintenance cadence in place": CriterionSpec(
        "maintenance_cadence",
        (
            maintenance_quality,
            cadence_matches_strength,
            tracked_strength_consistent,
            tracking_in_place,
            tracked_people_known,
        ),
    ),
}
"""Normalised checklist text of `skill.md` -> its stable criterion id and checks."""

CHECKS: dict[str, Check[Any]] = {
    c.id: c for spec in NETWORKING_CRITERIA.values() for c in spec.checks
}
"""Every networking check, by id."""

from net_skill.skills.networking.checks.rank import rank_step, step_checks  # noqa: E402

__all__ = ["CHECKS", "NETWORKING_CRITERIA", "rank_step", "step_checks"]
