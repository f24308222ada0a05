"""Checks of the network audit (Step 2): `network_audited`."""

from __future__ import annotations

from net_skill.eval._text import is_blank, quote
from net_skill.eval.checks import CheckOutcome, check, outcome_of
from net_skill.skills.networking.checks.people import (
    known_outcome,
    known_people,
    name_items,
    people_items,
)
from net_skill.skills.networking.checks.phrases import gap_denies_itself
from net_skill.skills.networking.checks.quality import quality_outcome
from net_skill.skills.networking.plan import NetworkingPlan


@check(reads=(2,))
def audit_quality(plan: NetworkingPlan) -> CheckOutcome:
    """No value of the audit is junk (debris, echoes, pasted text) or left unanswered."""
    return quality_outcome(plan, 2)


@check(reads=(2,))
def audit_contacts_mapped(plan: NetworkingPlan) -> CheckOutcome:
    """Contacts are listed, each with a strength, a description and its relevance to the goal."""
    contacts = plan.audit.contacts
    items = [
        (
            not is_blank(c.description) and not is_blank(c.relevance),
            f"contact {c.name or c.description!r} lacks a description or relevance "
            f"({quote(c.relevance)})",
        )
        for c in contacts
    ]
    strengths = sorted({c.strength for c in contacts})
    return outcome_of(
        items,
        f"{len(contacts)} contacts categorised by strength ({', '.join(strengths)})",
    )


@check(reads=(2,))
def audit_gaps_named(plan: NetworkingPlan) -> CheckOutcome:
    """Gaps in the network and where to build are named, and no gap says there is none.

    "None - my network already covers this" fills the field but identifies no gap: the skill
    asks "What types of people are underrepresented?".
    """
    gaps = [
        (not is_blank(g), f"gap is empty or a placeholder: {quote(g)}") for g in plan.audit.gaps
    ]
    gaps += [
        (not gap_denies_itself(g), f"gap denies there is a gap: {quote(g)}")
        for g in plan.audit.gaps
        if not is_blank(g)
    ]
    build = [
        (not is_blank(w), f"where-to-build is empty or a placeholder: {quote(w)}")
        for w in plan.audit.where_to_build
    ]
    first = plan.audit.gaps[0] if plan.audit.gaps else ""
    return outcome_of(gaps + build, f"gaps named, e.g. {quote(first)}")


@check(reads=(2,))
def audit_names_known(plan: NetworkingPlan) -> CheckOutcome:
    """Every named contact, and every person a contact's description names, appears in the
    situation: people are never invented."""
    named = [("contact", c.name) for c in plan.audit.contacts if c.name]
    described = people_items(
        (
            (f"contact {c.name or number}", f"{c.description}\n{c.relevance}")
            for number, c in enumerate(plan.audit.contacts, 1)
        ),
        known_people(plan),
    )
    return known_outcome(
        name_items(named, known_people(plan)) + [i for i in described if not i[0]],
        nobody="no contact is named; contacts are described",
        what="named contacts",
    )
