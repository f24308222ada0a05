"""Checks of the network audit, the value offered and the target list."""

from __future__ import annotations

from itertools import combinations

from net_skill.eval._text import (
    content_stems,
    find_placeholders,
    is_blank,
    quote,
    similarity,
    word_count,
    words,
)
from net_skill.eval.checks import CheckOutcome, check, outcome_of, vacuous
from net_skill.names import appears_in
from net_skill.skills.networking.checks.base import (
    MIN_CONCRETE_WORDS,
    MIN_RESEARCH_WORDS,
    MIN_SPECIFIC_WORDS,
    MIN_VALUE_PROPOSITION_WORDS,
    NEAR_COPY_RATIO,
)
from net_skill.skills.networking.plan import NetworkingPlan

# --- network_audited -----------------------------------------------------------------------


@check
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


@check
def audit_gaps_named(plan: NetworkingPlan) -> CheckOutcome:
    """Gaps in the network and where to build are named."""
    gaps = [
        (not is_blank(g), f"gap is empty or a placeholder: {quote(g)}") for g in plan.audit.gaps
    ]
    build = [
        (not is_blank(w), f"where-to-build is empty or a placeholder: {quote(w)}")
        for w in plan.audit.where_to_build
    ]
    first = plan.audit.gaps[0] if plan.audit.gaps else ""
    return outcome_of(gaps + build, f"gaps named, e.g. {quote(first)}")


def _names_known(
    named: list[tuple[str, str]], plan: NetworkingPlan, *, nobody: str, what: str
) -> CheckOutcome:
    """Every (role, name) in `named` appears in the situation; `nobody` is the evidence for none."""
    if not named:
        return vacuous(nobody)
    items = [
        (
            appears_in(name, plan.situation),
            f"{role} {name!r} is not named in the situation (invented)",
        )
        for role, name in named
    ]
    return outcome_of(items, f"all {len(named)} {what} appear in the situation")


@check
def audit_names_known(plan: NetworkingPlan) -> CheckOutcome:
    """Every named contact appears in the situation: people are never invented."""
    named = [("contact", c.name) for c in plan.audit.contacts if c.name]
    return _names_known(
        named,
        plan,
        nobody="no contact is named; contacts are described",
        what="named contacts",
    )


# --- value_articulated ---------------------------------------------------------------------


@check
def value_offers_present(plan: NetworkingPlan) -> CheckOutcome:
    """What the person offers is listed, with a superpower."""
    value = plan.value
    items = [
        (not is_blank(o.detail), f"offer is a placeholder: {quote(o.detail)}") for o in value.offers
    ]
    items.append(
        (not is_blank(value.superpower), f"superpower is a placeholder: {quote(value.superpower)}")
    )
    return outcome_of(items, f"superpower: {quote(value.superpower)}")


@check
def value_proposition_specific(plan: NetworkingPlan) -> CheckOutcome:
    """The value proposition is a real sentence that uses details of this person's situation.

    Specific: at least `MIN_SPECIFIC_WORDS` distinctive stems shared with the situation, or one
    shared and `MIN_CONCRETE_WORDS` non-generic stems (terse situations give little to share).
    """
    proposition = plan.value.value_proposition
    shared = content_stems(proposition) & content_stems(plan.situation)
    items = [
        (
            not is_blank(proposition) and not find_placeholders(proposition),
            f"value proposition is empty or unfilled: {quote(proposition)}",
        ),
        (
            word_count(proposition) >= MIN_VALUE_PROPOSITION_WORDS,
            f"value proposition is too short to be specific: {quote(proposition)}",
        ),
        (
            len(shared) >= MIN_SPECIFIC_WORDS
            or (len(shared) >= 1 and len(content_stems(proposition)) >= MIN_CONCRETE_WORDS),
            f"value proposition is generic (shares {len(shared)} distinctive word(s) with the "
            f"situation): {quote(proposition)}",
        ),
    ]
    return outcome_of(items, f"value proposition: {quote(proposition)}")


# --- targets_researched --------------------------------------------------------------------


@check
def targets_complete(plan: NetworkingPlan) -> CheckOutcome:
    """Every target has a profile, a tier, a connection path and non-empty research."""
    items: list[tuple[bool, str]] = []
    for number, target in enumerate(plan.targets.targets, start=1):
        research = target.research
        fields = {
            "profile": target.profile,
            "background": research.background,
            "common_ground": research.common_ground,
            "value_to_offer": research.value_to_offer,
        }
        for field_name, text in fields.items():
            items.append(
                (
                    not is_blank(text) and word_count(text) >= MIN_RESEARCH_WORDS,
                    f"target {number} ({target.label}) has no real {field_name}: {quote(text)}",
                )
            )
    first = plan.targets.targets[0] if plan.targets.targets else None
    evidence = (
        f"{len(plan.targets.targets)} targets with tier, path and research, e.g. tier "
        f"{first.tier} {first.path}: {quote(first.research.background)}"
        if first
        else ""
    )
    return outcome_of(items, evidence)


@check
def target_research_distinct(plan: NetworkingPlan) -> CheckOutcome:
    """Research is not one text pasted for every target."""
    targets = plan.targets.targets
    texts = [
        words(
            " ".join([t.research.background, t.research.common_ground, t.research.value_to_offer])
        )
        for t in targets
    ]
    items = []
    for i, j in combinations(range(len(targets)), 2):
        ratio = similarity(texts[i], texts[j])
        items.append(
            (
                ratio < NEAR_COPY_RATIO,
                f"research of targets {i + 1} and {j + 1} is a near-copy (similarity "
                f"{ratio:.2f}): {quote(targets[i].research.background)}",
            )
        )
    if not items:
        return vacuous(
            "a single target: nothing to compare",
            passed=bool(targets),
        )
    return outcome_of(items, "each target has its own research")


@check
def research_parts_distinct(plan: NetworkingPlan) -> CheckOutcome:
    """Each target's background, common ground and value to offer are three different findings."""
    items = []
    for number, target in enumerate(plan.targets.targets, 1):
        research = target.research
        parts = [research.background, research.common_ground, research.value_to_offer]
        repeated = any(
            similarity(words(parts[i]), words(parts[j])) >= NEAR_COPY_RATIO
            for i, j in combinations(range(3), 2)
        )
        items.append(
            (
                not repeated,
                f"target {number} ({target.label}): the research repeats one text in its parts: "
                f"{quote(research.background)}",
            )
        )
    return outcome_of(items, "each target's research has three parts")


@check
def target_names_known(plan: NetworkingPlan) -> CheckOutcome:
    """Named targets and mutual contacts appear in the situation: people are never invented."""
    named = [("target", t.name) for t in plan.targets.targets if t.name]
    named += [("mutual contact", t.via) for t in plan.targets.targets if t.via]
    return _names_known(
        named,
        plan,
        nobody="no target is named; targets are described profiles",
        what="names of targets and mutual contacts",
    )
