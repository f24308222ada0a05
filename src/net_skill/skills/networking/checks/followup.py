"""Checks of the follow-up and thank-you habits (Steps 5 to 8): `followup_thankyou`.

The stored rule (`follow_up_rule`, `thank_you_within_hours`) is computed in code; the free
text is not: habits, messages and notes that chase three times, or thank a week later, contradict
the rule the plan stores, and the plan then does not establish the skill's habit.
"""

from __future__ import annotations

from collections.abc import Iterable

from net_skill.eval._text import find_placeholders, is_blank, quote, word_count
from net_skill.eval.checks import CheckOutcome, check, outcome_of
from net_skill.skills.networking.checks.base import MIN_THANK_YOU_WORDS
from net_skill.skills.networking.checks.phrases import (
    stated_follow_ups,
    stated_thank_you_delays,
    thanks,
)
from net_skill.skills.networking.checks.quality import quality_items
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.skills.networking.schedule import (
    FOLLOW_UP_WAIT_DAYS,
    MAX_FOLLOW_UPS,
    THANK_YOU_WITHIN_HOURS,
)


def stated_items(texts: Iterable[tuple[str, str]]) -> list[tuple[bool, str]]:
    """A failing item per sentence of `texts` ((where, text) pairs) that states a follow-up or
    thank-you timing against the rules."""
    items: list[tuple[bool, str]] = []
    for where, text in texts:
        for statement in [*stated_follow_ups(text), *stated_thank_you_delays(text)]:
            items.append((False, f"{where} {statement.problem}: {quote(statement.sentence)}"))
    return items


_SLOTS = frozenset({"template_debris"})
"""Unfilled slots in a follow-up are a templated message: `outreach_no_placeholders` counts them."""


def _with_pass(items: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    return items or [(True, "")]


@check(reads=(5,))
def follow_up_rule(plan: NetworkingPlan) -> CheckOutcome:
    """Wait 5-7 days, one follow-up: the stored rule says so, every message has a real
    follow-up (not junk, not unanswered), and no message or follow-up says otherwise (a
    follow-up that announces another one is a second follow-up)."""
    rule = plan.follow_up_rule
    low, high = FOLLOW_UP_WAIT_DAYS
    items = [
        (
            low <= rule.wait_days_min <= rule.wait_days_max <= high,
            f"follow-up wait is {rule.wait_days_min}-{rule.wait_days_max} days "
            f"(rule: {low}-{high})",
        ),
        (
            rule.max_follow_ups == MAX_FOLLOW_UPS,
            f"{rule.max_follow_ups} follow-ups planned (rule: {MAX_FOLLOW_UPS})",
        ),
    ]
    items += [
        (
            not is_blank(m.follow_up_message),
            f"message to target {m.target} has no real follow-up: {quote(m.follow_up_message)}",
        )
        for m in plan.outreach.messages
    ]
    items += [
        item
        for item in quality_items(
            plan, 5, keep=lambda p: p[-1:] == ("follow_up_message",), skip=_SLOTS
        )
        if not item[0]
    ]
    for m in plan.outreach.messages:
        items += stated_items([(f"message to target {m.target}", m.text)])
        items += [
            (False, f"follow-up to target {m.target} {s.problem}: {quote(s.sentence)}")
            for s in stated_follow_ups(m.follow_up_message, follow_up_message=True)
        ]
    return outcome_of(
        items,
        f"wait {rule.wait_days_min}-{rule.wait_days_max} days, {rule.max_follow_ups} follow-up",
    )


@check(reads=(6,))
def thank_you_habit(plan: NetworkingPlan) -> CheckOutcome:
    """A thank-you within 24 hours, written for every planned conversation (a real note that
    thanks them: not junk, not unanswered, not a note that thanks nobody), and no preparation
    says it comes later."""
    hours = plan.thank_you_within_hours
    items = [
        (
            0 < hours <= THANK_YOU_WITHIN_HOURS,
            f"thank-you planned within {hours} hours (rule: {THANK_YOU_WITHIN_HOURS})",
        )
    ]
    for prep in plan.interviews.preparations:
        note = prep.thank_you_note
        items.append(
            (
                not is_blank(note)
                and word_count(note) >= MIN_THANK_YOU_WORDS
                and not find_placeholders(note),
                f"conversation with target {prep.target} has no real thank-you note: {quote(note)}",
            )
        )
        if not is_blank(note):
            items.append(
                (
                    thanks(note),
                    f"the thank-you note to target {prep.target} thanks nobody: {quote(note)}",
                )
            )
        items += stated_items(
            [(f"preparation for target {prep.target}", f"{prep.hope_to_learn}\n{note}")]
        )
    items += [
        item
        for item in quality_items(plan, 6, keep=lambda p: p[-1:] == ("thank_you_note",))
        if not item[0]
    ]
    first = plan.interviews.preparations[0].thank_you_note if plan.interviews.preparations else ""
    return outcome_of(items, f"thank-you within {hours} hours, e.g. {quote(first)}")


@check(reads=(7,))
def habits_match_rules(plan: NetworkingPlan) -> CheckOutcome:
    """The habits, tracking fields and reasons to reach out state no follow-up wait or count
    and no thank-you delay that contradicts the rules (one follow-up after 5-7 days, thanks
    within 24 hours): "chase three times" is not the skill's habit."""
    maintenance = plan.maintenance
    texts = [(f"habit {quote(h)}", h) for h in maintenance.habits]
    texts += [(f"tracking field {quote(f)}", f) for f in maintenance.tracking_fields]
    texts += [
        (f"reason for {r.person!r}", r.reason_to_reach_out) for r in maintenance.relationships
    ]
    return outcome_of(
        _with_pass(stated_items(texts)),
        "habits state no other follow-up or thank-you timing",
    )


@check(reads=(8,))
def asks_match_rules(plan: NetworkingPlan) -> CheckOutcome:
    """The asks, their timing and what to do after a no or after help state no follow-up or
    thank-you timing that contradicts the rules."""
    asks = plan.asks
    texts = [(f"ask of {a.person!r}", f"{a.message}\n{a.timing}") for a in asks.asks]
    texts += [("if they say no", asks.if_they_say_no), ("after help", asks.after_help)]
    return outcome_of(
        _with_pass(stated_items(texts)),
        "asks state no other follow-up or thank-you timing",
    )
