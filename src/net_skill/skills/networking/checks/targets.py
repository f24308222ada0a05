"""Checks of the target list and its research (Step 4): `targets_researched`."""

from __future__ import annotations

from itertools import combinations

from net_skill.eval._text import (
    community_words,
    concrete_terms,
    is_blank,
    pair_ratios,
    proper_nouns,
    quote,
    similarity,
    specific_stems,
    word_count,
    words,
)
from net_skill.eval.checks import CheckOutcome, check, outcome_of, vacuous
from net_skill.skills.networking.checks.base import (
    MIN_RESEARCH_STEMS,
    MIN_RESEARCH_WORDS,
    NEAR_COPY_RATIO,
)
from net_skill.skills.networking.checks.people import (
    known_outcome,
    known_people,
    name_items,
    people_items,
)
from net_skill.skills.networking.checks.quality import quality_outcome
from net_skill.skills.networking.models import Target
from net_skill.skills.networking.plan import NetworkingPlan


@check(reads=(4,))
def targets_quality(plan: NetworkingPlan) -> CheckOutcome:
    """No value of the target list is junk or left unanswered."""
    return quality_outcome(plan, 4)


@check(reads=(4,))
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


def _where(target: Target, situation: str) -> set[str]:
    """What says where a described target can be found, in its profile or background: a named
    organisation, place or event (a proper noun: "a Toronto fintech such as Wealthsimple",
    "through Luis Romero's colleagues") or a community ("the local Rust meetup", "the dbt
    Slack"). A kind of company alone ("a large SaaS company", "a local car dealership") is a
    category, not a place to look."""
    text = f"{target.profile}\n{target.research.background}"
    return proper_nouns(text, known=situation) | community_words(text)


@check(reads=(4,))
def targets_findable(plan: NetworkingPlan) -> CheckOutcome:
    """Every target is a specific person: named, reached through a named mutual contact, or
    described by a role and where to find them (an organisation, community, event or place).

    The skill: "Aim for specific names, not just 'someone at Google'"; a profile such as "a
    customer education manager at a large SaaS company" names a role but nowhere to look.
    Whether a named niche is findable in practice is the judge's business.
    """
    items: list[tuple[bool, str]] = []
    for number, target in enumerate(plan.targets.targets, start=1):
        if target.name or target.via:
            items.append((True, ""))
            continue
        where = _where(target, plan.situation)
        items.append(
            (
                bool(where),
                f"target {number} names no organisation, community or place to find them: "
                f"{quote(target.profile)}",
            )
        )
    return outcome_of(items, "every target is named or can be found from its profile")


def _reference(plan: NetworkingPlan, target: Target) -> str:
    return "\n".join([plan.situation, target.profile, target.name or "", target.via or ""])


@check(reads=(4,))
def research_concrete(plan: NetworkingPlan) -> CheckOutcome:
    """Each target's research names something concrete and is not made of generic phrases.

    Each of background, common ground and value to offer names a concrete entity (a company,
    role, event, place, project or piece of work: a proper noun, or a specific term of the
    situation or the target's profile) or holds `MIN_RESEARCH_STEMS` specific words of its own;
    filler and vague words ("works in tech, likes innovation", "we both care about the
    environment") count for nothing. Whether the details are true or useful is the judge's.
    """
    items: list[tuple[bool, str]] = []
    for number, target in enumerate(plan.targets.targets, start=1):
        research = target.research
        reference = _reference(plan, target)
        for label, text in (
            ("background", research.background),
            ("common ground", research.common_ground),
            ("value to offer", research.value_to_offer),
        ):
            if is_blank(text):
                continue  # targets_complete reports it
            concrete = bool(concrete_terms(text, reference)) or (
                len(specific_stems(text)) >= MIN_RESEARCH_STEMS
            )
            items.append(
                (
                    concrete,
                    f"target {number} ({target.label}): {label} names nothing concrete: "
                    f"{quote(text)}",
                )
            )
    return outcome_of(items, "every target's research names concrete details")


@check(reads=(4,))
def target_research_distinct(plan: NetworkingPlan) -> CheckOutcome:
    """Research is not one text pasted for every target."""
    targets = plan.targets.targets
    texts = [
        words(
            " ".join([t.research.background, t.research.common_ground, t.research.value_to_offer])
        )
        for t in targets
    ]
    items = [
        (
            ratio < NEAR_COPY_RATIO,
            f"research of targets {i + 1} and {j + 1} is a near-copy (similarity {ratio:.2f}): "
            f"{quote(targets[i].research.background)}",
        )
        for i, j, ratio in pair_ratios(texts)
    ]
    if not items:
        return vacuous("a single target: nothing to compare", passed=bool(targets))
    return outcome_of(items, "each target has its own research")


@check(reads=(4,))
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


@check(reads=(4,))
def target_names_known(plan: NetworkingPlan) -> CheckOutcome:
    """Named targets, mutual contacts, and people a profile or research names appear in the
    situation: people are never invented."""
    targets = plan.targets.targets
    named = [("target", t.name) for t in targets if t.name]
    named += [("mutual contact", t.via) for t in targets if t.via]
    described = people_items(
        (
            (
                f"target {number}",
                "\n".join([t.profile, t.research.background, t.research.common_ground]),
            )
            for number, t in enumerate(targets, 1)
        ),
        known_people(plan),
    )
    return known_outcome(
        name_items(named, known_people(plan)) + [i for i in described if not i[0]],
        nobody="no target is named; targets are described profiles",
        what="names of targets and mutual contacts",
    )
