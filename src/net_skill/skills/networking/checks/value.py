"""Checks of the value on offer (Step 3): `value_articulated`."""

from __future__ import annotations

from net_skill.eval._text import content_stems, find_placeholders, is_blank, quote, word_count
from net_skill.eval.checks import CheckOutcome, check, outcome_of
from net_skill.skills.networking.checks.base import (
    MIN_CONCRETE_WORDS,
    MIN_SPECIFIC_WORDS,
    MIN_VALUE_PROPOSITION_WORDS,
)
from net_skill.skills.networking.checks.phrases import asks_instead_of_offers
from net_skill.skills.networking.checks.quality import quality_outcome
from net_skill.skills.networking.plan import NetworkingPlan


@check(reads=(3,))
def value_quality(plan: NetworkingPlan) -> CheckOutcome:
    """No value of Step 3 is junk or left unanswered."""
    return quality_outcome(plan, 3)


@check(reads=(3,))
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


@check(reads=(3,))
def value_proposition_specific(plan: NetworkingPlan) -> CheckOutcome:
    """The value proposition is a sentence that uses details of this person's situation.

    Specific: at least `MIN_SPECIFIC_WORDS` distinctive stems shared with the situation, or one
    shared and `MIN_CONCRETE_WORDS` of its own (terse situations give little to share). Filler
    and business jargon ("scalable growth", "synergy", "drive impact") never count.
    """
    proposition = plan.value.value_proposition
    own = content_stems(proposition)
    shared = own & content_stems(plan.situation)
    items = [
        (
            not is_blank(proposition) and not find_placeholders(proposition),
            f"value proposition is empty or unfilled: {quote(proposition)}",
        ),
        (
            word_count(proposition) >= MIN_VALUE_PROPOSITION_WORDS,
            f"value proposition is too short to be a sentence: {quote(proposition)}",
        ),
        (
            len(shared) >= MIN_SPECIFIC_WORDS
            or (len(shared) >= 1 and len(own) >= MIN_CONCRETE_WORDS),
            f"value proposition is generic (shares {len(shared)} distinctive word(s) with the "
            f"situation): {quote(proposition)}",
        ),
    ]
    return outcome_of(items, f"value proposition: {quote(proposition)}")


@check(reads=(3,))
def value_offers_not_asks(plan: NetworkingPlan) -> CheckOutcome:
    """The value proposition and superpower offer something; they do not ask for something.

    "Looking for a role where I can grow" says what the person wants, not what they give
    (the skill: "How can you help people in your target area?").
    """
    value = plan.value
    items = [
        (
            not asks_instead_of_offers(text),
            f"{label} asks for something instead of offering it: {quote(text)}",
        )
        for label, text in (
            ("value proposition", value.value_proposition),
            ("superpower", value.superpower),
        )
        if not is_blank(text)
    ]
    return outcome_of(items, f"offers: {quote(value.value_proposition)}")
