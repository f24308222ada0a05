"""Checks of the outreach messages (Step 5) and the asks (Step 8): `outreach_personalized`."""

from __future__ import annotations

from itertools import combinations

from net_skill.eval._text import (
    content_stems,
    find_placeholders,
    is_blank,
    pair_ratios,
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
    NEAR_COPY_RATIO,
)
from net_skill.skills.networking.checks.people import known_text, people_outcome
from net_skill.skills.networking.checks.quality import quality_outcome
from net_skill.skills.networking.models import OutreachMessage, Target
from net_skill.skills.networking.plan import NetworkingPlan


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


def _target_of(plan: NetworkingPlan, message: OutreachMessage) -> Target | None:
    targets = plan.targets.targets
    return targets[message.target - 1] if 1 <= message.target <= len(targets) else None


def _distinctive(plan: NetworkingPlan, target: Target) -> set[str]:
    """Stems of this target's text that say something about the target, not the sender.

    Words every other target shares are dropped, except the target's own name and its mutual
    contact's (a second target reached through the first shares the first's name and company,
    and naming the mutual contact is the skill's warm outreach).
    """
    own = content_stems(_target_words(target))
    others = [content_stems(_target_words(t)) for t in plan.targets.targets if t is not target]
    if others:
        shared_by_all: set[str] = set.intersection(*others)
        own -= shared_by_all - content_stems(f"{target.name or ''} {target.via or ''}")
    return own


def _about_them(message: OutreachMessage) -> str:
    return " ".join([message.why_you, message.ask, message.make_it_easy])


@check(reads=(5,))
def outreach_quality(plan: NetworkingPlan) -> CheckOutcome:
    """No value of the outreach messages is junk or left unanswered (the follow-up texts are
    the follow-up check's business)."""
    return quality_outcome(plan, 5, keep=lambda path: path[-1:] != ("follow_up_message",))


@check(reads=(4, 5))
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


def _placeholder_items(texts: list[tuple[str, str]]) -> list[tuple[bool, str]]:
    items = []
    for where, text in texts:
        slots = find_placeholders(text)
        items.append((not slots, f"{where} has unfilled placeholder(s) {', '.join(slots[:3])}"))
    return items


@check(reads=(5,))
def outreach_no_placeholders(plan: NetworkingPlan) -> CheckOutcome:
    """No unfilled slots (`[Name]`, `{company}`, `<name>`, `XXX`, `TBD`) in the messages."""
    # A follow-up that is entirely "TBD" is a missing follow-up (the follow-up check's business),
    # not an unfilled slot inside a message, so only real follow-up texts are scanned here.
    texts = [
        (
            f"message to target {m.target}",
            m.text if is_blank(m.follow_up_message) else f"{m.text}\n{m.follow_up_message}",
        )
        for m in plan.outreach.messages
    ]
    return outcome_of(_placeholder_items(texts), f"no placeholders in {len(texts)} messages")


@check(reads=(5,))
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


@check(reads=(4, 5))
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
    items = [
        (
            ratio < NEAR_COPY_RATIO,
            f"messages {i + 1} and {j + 1} are near-copies (similarity {ratio:.2f} "
            f">= {NEAR_COPY_RATIO}): {quote(messages[i].why_you)} / {quote(messages[j].why_you)}",
        )
        for i, j, ratio in pair_ratios(stripped)
    ]
    return outcome_of(items, f"{len(messages)} messages, no near-copies")


@check(reads=(5,))
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


@check(reads=(4, 5))
def outreach_names_known(plan: NetworkingPlan) -> CheckOutcome:
    """Everyone a message names (a mutual contact, a colleague) is in the situation or a
    target's profile: a message must not invent the people it leans on."""
    targets = [t.name for t in plan.targets.targets if t.name]
    return people_outcome(
        (
            (f"message to target {m.target}", f"{m.text}\n{m.follow_up_message}")
            for m in plan.outreach.messages
        ),
        # a message greets its target ("Sarah, your work on..."): an invented target is the
        # business of `target_names_known`, not a second invention of the message
        "\n".join([known_text(plan), *targets]),
        nobody=f"the {len(plan.outreach.messages)} messages name nobody outside the situation",
        what="people named in messages",
    )


# --- the asks of Step 8 ----------------------------------------------------------------------


def _ask_paths(path: tuple[str | int, ...]) -> bool:
    return len(path) >= 3 and path[0] == "asks" and path[2] in ("person", "why_them", "message")


@check(reads=(8,))
def asks_quality(plan: NetworkingPlan) -> CheckOutcome:
    """No ask (person, why them, message) is junk or left unanswered. The skill gives ask
    templates to fill in: a filled-in template is applied, not echoed (its unfilled slots are
    template debris and still count)."""
    return quality_outcome(plan, 8, keep=_ask_paths, skip=frozenset({"skill_text_echo"}))


@check(reads=(8,))
def asks_no_placeholders(plan: NetworkingPlan) -> CheckOutcome:
    """No unfilled slots in the drafted asks (the skill's templates filled in)."""
    texts = [(f"ask of {a.person}", a.message) for a in plan.asks.asks]
    return outcome_of(_placeholder_items(texts), f"no placeholders in {len(texts)} asks")


@check(reads=(4, 8))
def asks_people_known(plan: NetworkingPlan) -> CheckOutcome:
    """Everyone an ask names (who is asked, who they are asked to introduce) is in the
    situation: an ask must not lean on invented people."""
    return people_outcome(
        (
            (f"ask of {a.person!r}", f"{a.person}\n{a.message}\n{a.why_them}")
            for a in plan.asks.asks
        ),
        known_text(plan),
        nobody=f"the {len(plan.asks.asks)} asks name nobody who is not in the situation",
        what="people named in asks",
    )
