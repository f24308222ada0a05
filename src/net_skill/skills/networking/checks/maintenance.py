"""Checks of the relationship maintenance cadence and tracking (Step 7): `maintenance_cadence`."""

from __future__ import annotations

from net_skill.eval._text import is_blank, quote, words
from net_skill.eval.checks import CheckOutcome, check, outcome_of, vacuous
from net_skill.names import appears_in
from net_skill.skills.networking.checks.base import MIN_TRACKING_FIELDS
from net_skill.skills.networking.checks.people import known_text, people_outcome
from net_skill.skills.networking.checks.quality import quality_outcome
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.skills.networking.schedule import CADENCE_DAYS


def _same_person(first: str, second: str) -> bool:
    return " ".join(words(first)) == " ".join(words(second))


@check(reads=(7,))
def maintenance_quality(plan: NetworkingPlan) -> CheckOutcome:
    """No value of the maintenance plan is junk or left unanswered."""
    return quality_outcome(plan, 7)


@check(reads=(7,))
def cadence_matches_strength(plan: NetworkingPlan) -> CheckOutcome:
    """Every tracked relationship has a stored cadence, and it matches its strength's rule."""
    items: list[tuple[bool, str]] = []
    for strength, cadence in plan.cadences.items():
        rule = CADENCE_DAYS[strength]
        items.append(
            (
                (cadence.every_days_min, cadence.every_days_max) == rule,
                f"{strength} cadence is every {cadence.every_days_min}-"
                f"{cadence.every_days_max} days (rule: {rule[0]}-{rule[1]})",
            )
        )
    for tracked in plan.maintenance.relationships:
        stored = [c for c in plan.relationship_cadences if _same_person(c.person, tracked.person)]
        if not stored:
            items.append((False, f"{tracked.person!r} is tracked with no cadence"))
            continue
        entry = stored[0]
        rule = CADENCE_DAYS[tracked.strength]
        ok = (
            entry.strength == tracked.strength
            and (entry.cadence.every_days_min, entry.cadence.every_days_max) == rule
        )
        items.append(
            (
                ok,
                f"{tracked.person!r} ({tracked.strength}) has cadence "
                f"{entry.cadence.label!r} for {entry.strength} "
                f"(rule: every {rule[0]}-{rule[1]} days)",
            )
        )
    first = plan.relationship_cadences[0] if plan.relationship_cadences else None
    evidence = (
        f"{len(plan.relationship_cadences)} cadences, e.g. {first.person}: {first.cadence.label}"
        if first
        else ""
    )
    return outcome_of(items, evidence)


@check(reads=(2, 7))
def tracked_strength_consistent(plan: NetworkingPlan) -> CheckOutcome:
    """A tracked person who is in the audit keeps the strength the audit gave them."""
    items: list[tuple[bool, str]] = []
    for tracked in plan.maintenance.relationships:
        for contact in plan.audit.contacts:
            if contact.name and appears_in(contact.name, tracked.person):
                items.append(
                    (
                        contact.strength == tracked.strength,
                        f"{tracked.person!r} is tracked as {tracked.strength} but the "
                        f"audit says {contact.strength}",
                    )
                )
                break
    if not items:
        return vacuous(
            "no tracked person is a named audit contact: nothing to compare",
        )
    return outcome_of(
        items,
        f"{len(items)} tracked contacts keep their audited strength",
    )


@check(reads=(7,))
def tracking_in_place(plan: NetworkingPlan) -> CheckOutcome:
    """A tracking system (at least three fields), relationships with reasons, and habits."""
    maintenance = plan.maintenance
    fields = [f for f in maintenance.tracking_fields if not is_blank(f)]
    items = [
        (
            len(fields) >= MIN_TRACKING_FIELDS,
            f"only {len(fields)} real tracking fields (need {MIN_TRACKING_FIELDS})",
        )
    ]
    items += [
        (
            not is_blank(r.reason_to_reach_out),
            f"{r.person!r} has no reason to reach out: {quote(r.reason_to_reach_out)}",
        )
        for r in maintenance.relationships
    ]
    items += [(not is_blank(h), f"habit is a placeholder: {quote(h)}") for h in maintenance.habits]
    return outcome_of(
        items,
        f"tracks {', '.join(fields[:4])}; habit {quote(next(iter(maintenance.habits), ''))}",
    )


@check(reads=(7,))
def tracked_people_known(plan: NetworkingPlan) -> CheckOutcome:
    """Every person a tracked relationship names is in the situation: a cadence for an
    invented person maintains nothing. (Described people, "PhD advisor", name nobody.)"""
    return people_outcome(
        ((f"tracked person {r.person!r}", r.person) for r in plan.maintenance.relationships),
        known_text(plan),
        nobody="every tracked person is in the situation or described",
        what="tracked people",
    )
