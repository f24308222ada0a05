"""Deterministic checks over a typed `NetworkingPlan`, one small pure function each.

A check returns a `CheckResult`: passed, a score (share of checked items that passed) and the
evidence it found, quoted from the plan. Checks work on any structurally valid plan, including
saved plans that break the generator's own rules (invented names, missing cadences), because
that is what they are for.

The checks live in private modules by criterion group (`_checks_profile`: audit, value,
targets; `_checks_outreach`: outreach, follow-up, thank-you; `_checks_maintenance`: cadence);
this module is their registry.

Thresholds (documented in docs/eval-scoring.md):
- `NEAR_COPY_RATIO`: two messages (or two research texts) whose word sequences have a difflib
  ratio of 0.8 or more, after removing each target's own words, are near-copies.
- `MIN_SPECIFIC_WORDS`: a message must share at least two distinctive word stems with its
  target's name, profile or research; a value proposition at least two with the situation.
- `MAX_OUTREACH_WORDS`: the four lines of a message stay within 120 words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from net_skill.eval._checks_base import (
    CHECK_CRITERION,
    MAX_OUTREACH_WORDS,
    MIN_CONCRETE_WORDS,
    MIN_OWN_WORDS,
    MIN_RESEARCH_WORDS,
    MIN_SPECIFIC_WORDS,
    MIN_THANK_YOU_WORDS,
    MIN_TRACKING_FIELDS,
    MIN_VALUE_PROPOSITION_WORDS,
    NEAR_COPY_RATIO,
    CheckResult,
)
from net_skill.eval._checks_maintenance import (
    cadence_matches_strength,
    tracked_strength_consistent,
    tracking_in_place,
)
from net_skill.eval._checks_outreach import (
    follow_up_rule,
    outreach_brief,
    outreach_distinct,
    outreach_lines_distinct,
    outreach_mentions_target,
    outreach_no_placeholders,
    thank_you_habit,
)
from net_skill.eval._checks_profile import (
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
from net_skill.plan import NetworkingPlan

__all__ = [
    "CHECKS",
    "CHECK_CRITERION",
    "MAX_OUTREACH_WORDS",
    "MIN_CONCRETE_WORDS",
    "MIN_OWN_WORDS",
    "MIN_RESEARCH_WORDS",
    "MIN_SPECIFIC_WORDS",
    "MIN_THANK_YOU_WORDS",
    "MIN_TRACKING_FIELDS",
    "MIN_VALUE_PROPOSITION_WORDS",
    "NEAR_COPY_RATIO",
    "CheckResult",
    "audit_contacts_mapped",
    "audit_gaps_named",
    "audit_names_known",
    "cadence_matches_strength",
    "follow_up_rule",
    "outreach_brief",
    "outreach_distinct",
    "outreach_lines_distinct",
    "outreach_mentions_target",
    "outreach_no_placeholders",
    "research_parts_distinct",
    "run_checks",
    "target_names_known",
    "target_research_distinct",
    "targets_complete",
    "thank_you_habit",
    "tracked_strength_consistent",
    "tracking_in_place",
    "value_offers_present",
    "value_proposition_specific",
]

# --- registry ------------------------------------------------------------------------------

CHECKS: dict[str, Callable[[NetworkingPlan], CheckResult]] = {
    "audit_contacts_mapped": audit_contacts_mapped,
    "audit_gaps_named": audit_gaps_named,
    "audit_names_known": audit_names_known,
    "value_offers_present": value_offers_present,
    "value_proposition_specific": value_proposition_specific,
    "targets_complete": targets_complete,
    "target_research_distinct": target_research_distinct,
    "research_parts_distinct": research_parts_distinct,
    "target_names_known": target_names_known,
    "outreach_mentions_target": outreach_mentions_target,
    "outreach_no_placeholders": outreach_no_placeholders,
    "outreach_brief": outreach_brief,
    "outreach_distinct": outreach_distinct,
    "outreach_lines_distinct": outreach_lines_distinct,
    "follow_up_rule": follow_up_rule,
    "thank_you_habit": thank_you_habit,
    "cadence_matches_strength": cadence_matches_strength,
    "tracked_strength_consistent": tracked_strength_consistent,
    "tracking_in_place": tracking_in_place,
}
"""Every deterministic check, by id."""


def run_checks(plan: NetworkingPlan, check_ids: Iterable[str]) -> list[CheckResult]:
    """Run the named checks on `plan`, in order."""
    results = []
    for check_id in check_ids:
        if check_id not in CHECKS:
            raise KeyError(f"unknown check {check_id!r}")
        results.append(CHECKS[check_id](plan))
    return results
