"""Checks of the outreach messages, the follow-up rule and the thank-you habit."""

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
from net_skill.skills.networking.checks.base import (
    MAX_OUTREACH_WORDS,
    MIN_OWN_WORDS,
    MIN_SPECIFIC_WORDS,
    MIN_THANK_YOU_WORDS,
    NEAR_COPY_RATIO,
)
from net_skill.skills.networking.models import OutreachMessage, Target
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.skills.networking.schedule import (
    FOLLOW_UP_WAIT_DAYS,
    MAX_FOLLOW_UPS,
    THANK_YOU_WITHIN_HOURS,
)


def _target_words(target: Target) -> str:
    research = target.research
    return " ".join(
        [
            target.name or "",
            target.via or "",
            target.profile,
            research.background,
            research.common_ground,
        ]
    )


# --- outreach_personalized -----------------------------------------------------------------


def _target_of(plan: NetworkingPlan, message: OutreachMessage) -> Target | None:
    targets = plan.targets.targets
    return targets[message.target - 1] if 1 <= message.target <= len(targets) else None


def _distinctive(plan: NetworkingPlan, target: Target) -> set[str]:
    """Stems of this target's text that say something about the target, not the sender.

    Words every other target shares are dropped.
    """
    own = content_stems(_target_words(target))
    others = [content_stems(_target_words(t)) for t in plan.targets.targets if t is not target]
    if others:
        shared_by_all: set[str] = set.intersection(*others)
        own -= shared_by_all
    return own


def _about_them(message: OutreachMessage) -> str:
    return " ".join([message.why_you, message.ask, message.make_it_easy])


@check
def outreach_mentions_target(plan: NetworkingPlan) -> CheckOutcome:
    """Each message mentions something specific to its target.

    A message is specific when it shares `MIN_SPECIFIC_WORDS` distinctive stems with its
    target's name, profile or research, or shares one and carries at least
    `MIN_OWN_WORDS` content stems that no other message of the plan uses (its own details,
    when the target's profile is too thin to match). Line 2 (credibility and context about the
    sender) is left out: it is about the sender, not the target.
    """
    messages = plan.outreach.messages
    stems = [content_stems(_about_them(m)) for m in messages]
    items: list[tuple[bool, str]] = []
    for index, message in enumerate(messages):
        target = _target_of(plan, message)
        if target is None:
            items.append((False, f"message to target {message.target}: no such target"))
            continue
        shared = stems[index] & _distinctive(plan, target)
        others = set().union(*(s for i, s in enumerate(stems) if i != index))
        own = stems[index] - others
        specific = len(shared) >= MIN_SPECIFIC_WORDS or (shared and len(own) >= MIN_OWN_WORDS)
        items.append(
            (
                bool(specific),
                f"message to target {message.target} ({target.label}) mentions nothing specific "
                f"to them: {quote(message.why_you)}",
            )
        )
    return outcome_of(items, f"e.g. {quote(messages[0].why_you)}" if messages else "")


@check
def outreach_no_placeholders(plan: NetworkingPlan) -> CheckOutcome:
    """No unfilled slots (`[Name]`, `{company}`, `<name>`, `XXX`, `TBD`) in messages or asks."""
    # A follow-up that is entirely "TBD" is a missing follow-up (the follow-up check's business),
    # not an unfilled slot inside a message, so only real follow-up texts are scanned here.
    texts = [
        (
            f"message to target {m.target}",
            m.text if is_blank(m.follow_up_message) else f"{m.text}\n{m.follow_up_message}",
        )
        for m in plan.outreach.messages
    ]
    texts += [(f"ask of {a.person}", a.message) for a in plan.asks.asks]
    items = []
    for where, text in texts:
        slots = find_placeholders(text)
        items.append((not slots, f"{where} has unfilled placeholder(s) {', '.join(slots[:3])}"))
    return outcome_of(items, f"no placeholders in {len(texts)} messages and asks")


@check
def outreach_brief(plan: NetworkingPlan) -> CheckOutcome:
    """The four lines of each message stay within `MAX_OUTREACH_WORDS` words."""
    items = []
    counts = []
    for message in plan.outreach.messages:
        count = word_count(message.text)
        counts.append(count)
        items.append(
            (
                count <= MAX_OUTREACH_WORDS,
                f"message to target {message.target} has {count} words "
                f"(limit {MAX_OUTREACH_WORDS}): {quote(message.why_you)}",
            )
        )
    return outcome_of(items, f"message lengths {counts} words (limit {MAX_OUTREACH_WORDS})")


@check
def outreach_distinct(plan: NetworkingPlan) -> CheckOutcome:
    """Messages are not near-copies once each target's own words are removed."""
    messages = plan.outreach.messages
    if len(messages) < 2:
        return vacuous("a single message: nothing to compare")
    stripped: list[list[str]] = []
    for message in messages:
        target = _target_of(plan, message)
        own = {w for w in words(_target_words(target))} if target else set()
        stripped.append([w for w in words(message.text) if w not in own])
    items = []
    for i, j in combinations(range(len(messages)), 2):
        ratio = similarity(stripped[i], stripped[j])
        items.append(
            (
                ratio < NEAR_COPY_RATIO,
                f"messages {i + 1} and {j + 1} are near-copies (similarity {ratio:.2f} "
                f">= {NEAR_COPY_RATIO}): {quote(messages[i].why_you)} / "
                f"{quote(messages[j].why_you)}",
            )
        )
    return outcome_of(items, f"{len(messages)} messages, no near-copies")


@check
def outreach_lines_distinct(plan: NetworkingPlan) -> CheckOutcome:
    """The four lines of a message say four different things.

    A message whose lines repeat one another (the same filler pasted into why-you, who-I-am,
    the ask and make-it-easy) is a template, not a message written for someone.
    """
    items = []
    for message in plan.outreach.messages:
        lines = [message.why_you, message.who_i_am, message.ask, message.make_it_easy]
        repeated = [
            (i + 1, j + 1)
            for i, j in combinations(range(4), 2)
            if similarity(words(lines[i]), words(lines[j])) >= NEAR_COPY_RATIO
        ]
        items.append(
            (
                not repeated,
                f"message to target {message.target} repeats itself (lines "
                f"{', '.join(f'{a} and {b}' for a, b in repeated)}): {quote(message.why_you)}",
            )
        )
    return outcome_of(items, "every message's four lines differ from each other")


# --- followup_thankyou ---------------------------------------------------------------------


@check
def follow_up_rule(plan: NetworkingPlan) -> CheckOutcome:
    """Wait 5-7 days, one follow-up, and each message has its follow-up text."""
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
    return outcome_of(
        items,
        f"wait {rule.wait_days_min}-{rule.wait_days_max} days, {rule.max_follow_ups} follow-up",
    )


@check
def thank_you_habit(plan: NetworkingPlan) -> CheckOutcome:
    """A thank-you within 24 hours, written for every planned conversation."""
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
    first = plan.interviews.preparations[0].thank_you_note if plan.interviews.preparations else ""
    return outcome_of(items, f"thank-you within {hours} hours, e.g. {quote(first)}")
