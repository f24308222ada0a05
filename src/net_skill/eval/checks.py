"""Deterministic checks over a typed `NetworkingPlan`, one small pure function each.

A check returns a `CheckResult`: passed, a score (share of checked items that passed) and the
evidence it found, quoted from the plan. Checks work on any structurally valid plan, including
saved plans that break the generator's own rules (invented names, missing cadences), because
that is what they are for.

Thresholds (documented in docs/eval-scoring.md):
- `NEAR_COPY_RATIO`: two messages (or two research texts) whose word sequences have a difflib
  ratio of 0.8 or more, after removing each target's own words, are near-copies.
- `MIN_SPECIFIC_WORDS`: a message must share at least two distinctive word stems with its
  target's name, profile or research; a value proposition at least two with the situation.
- `MAX_OUTREACH_WORDS`: the four lines of a message stay within 120 words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import combinations

from pydantic import BaseModel, ConfigDict, Field

from net_skill.eval._text import (
    content_stems,
    find_placeholders,
    is_blank,
    quote,
    similarity,
    word_count,
    words,
)
from net_skill.eval.criteria import NETWORKING_CRITERIA
from net_skill.names import appears_in
from net_skill.networking import OutreachMessage, Target
from net_skill.plan import NetworkingPlan
from net_skill.schedule import (
    CADENCE_DAYS,
    FOLLOW_UP_WAIT_DAYS,
    MAX_FOLLOW_UPS,
    THANK_YOU_WITHIN_HOURS,
)

NEAR_COPY_RATIO = 0.8
MIN_SPECIFIC_WORDS = 2
MIN_OWN_WORDS = 3
MIN_CONCRETE_WORDS = 6
MAX_OUTREACH_WORDS = 120
MIN_VALUE_PROPOSITION_WORDS = 8
MIN_RESEARCH_WORDS = 3
MIN_THANK_YOU_WORDS = 5
MIN_TRACKING_FIELDS = 3

CHECK_CRITERION: dict[str, str] = {
    check: criterion for criterion, checks in NETWORKING_CRITERIA.values() for check in checks
}
"""Check id -> the id of the criterion it covers."""

# --- results -------------------------------------------------------------------------------


class CheckResult(BaseModel):
    """The outcome of one deterministic check on one plan."""

    model_config = ConfigDict(extra="forbid")

    check_id: str
    criterion_id: str
    passed: bool
    score: float = Field(ge=0.0, le=1.0, description="Share of the checked items that passed")
    evidence: str = Field(description="What was found, quoting the plan")
    details: list[str] = Field(default_factory=list, description="One line per failing item")


_NOTHING = "nothing to check: the plan has no items for this check"


def _result(check_id: str, items: list[tuple[bool, str]], evidence_ok: str) -> CheckResult:
    """Build a result from (passed, problem) per checked item; no items counts as a failure."""
    criterion_id = CHECK_CRITERION[check_id]
    if not items:
        return CheckResult(
            check_id=check_id,
            criterion_id=criterion_id,
            passed=False,
            score=0.0,
            evidence=_NOTHING,
            details=[_NOTHING],
        )
    problems = [problem for ok, problem in items if not ok]
    score = (len(items) - len(problems)) / len(items)
    evidence = evidence_ok if not problems else problems[0]
    return CheckResult(
        check_id=check_id,
        criterion_id=criterion_id,
        passed=not problems,
        score=round(score, 4),
        evidence=evidence,
        details=problems,
    )


# --- network_audited -----------------------------------------------------------------------


def audit_contacts_mapped(plan: NetworkingPlan) -> CheckResult:
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
    return _result(
        "audit_contacts_mapped",
        items,
        f"{len(contacts)} contacts categorised by strength ({', '.join(strengths)})",
    )


def audit_gaps_named(plan: NetworkingPlan) -> CheckResult:
    """Gaps in the network and where to build are named."""
    gaps = [
        (not is_blank(g), f"gap is empty or a placeholder: {quote(g)}") for g in plan.audit.gaps
    ]
    build = [
        (not is_blank(w), f"where-to-build is empty or a placeholder: {quote(w)}")
        for w in plan.audit.where_to_build
    ]
    first = plan.audit.gaps[0] if plan.audit.gaps else ""
    return _result("audit_gaps_named", gaps + build, f"gaps named, e.g. {quote(first)}")


def _name_items(names: list[tuple[str, str]], situation: str) -> list[tuple[bool, str]]:
    return [
        (appears_in(name, situation), f"{role} {name!r} is not named in the situation (invented)")
        for role, name in names
    ]


def audit_names_known(plan: NetworkingPlan) -> CheckResult:
    """Every named contact appears in the situation: people are never invented."""
    named = [("contact", c.name) for c in plan.audit.contacts if c.name]
    if not named:
        return CheckResult(
            check_id="audit_names_known",
            criterion_id=CHECK_CRITERION["audit_names_known"],
            passed=True,
            score=1.0,
            evidence="no contact is named; contacts are described",
        )
    return _result(
        "audit_names_known",
        _name_items(named, plan.situation),
        f"all {len(named)} named contacts appear in the situation",
    )


# --- value_articulated ---------------------------------------------------------------------


def value_offers_present(plan: NetworkingPlan) -> CheckResult:
    """What the person offers is listed, with a superpower."""
    value = plan.value
    items = [
        (not is_blank(o.detail), f"offer is a placeholder: {quote(o.detail)}") for o in value.offers
    ]
    items.append(
        (not is_blank(value.superpower), f"superpower is a placeholder: {quote(value.superpower)}")
    )
    return _result("value_offers_present", items, f"superpower: {quote(value.superpower)}")


def value_proposition_specific(plan: NetworkingPlan) -> CheckResult:
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
    return _result("value_proposition_specific", items, f"value proposition: {quote(proposition)}")


# --- targets_researched --------------------------------------------------------------------


def targets_complete(plan: NetworkingPlan) -> CheckResult:
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
    return _result("targets_complete", items, evidence)


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


def target_research_distinct(plan: NetworkingPlan) -> CheckResult:
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
        return CheckResult(
            check_id="target_research_distinct",
            criterion_id=CHECK_CRITERION["target_research_distinct"],
            passed=bool(targets),
            score=1.0 if targets else 0.0,
            evidence="a single target: nothing to compare",
        )
    return _result("target_research_distinct", items, "each target has its own research")


def target_names_known(plan: NetworkingPlan) -> CheckResult:
    """Named targets and mutual contacts appear in the situation: people are never invented."""
    named = [("target", t.name) for t in plan.targets.targets if t.name]
    named += [("mutual contact", t.via) for t in plan.targets.targets if t.via]
    if not named:
        return CheckResult(
            check_id="target_names_known",
            criterion_id=CHECK_CRITERION["target_names_known"],
            passed=True,
            score=1.0,
            evidence="no target is named; targets are described profiles",
        )
    return _result(
        "target_names_known",
        _name_items(named, plan.situation),
        f"all {len(named)} names of targets and mutual contacts appear in the situation",
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


def outreach_mentions_target(plan: NetworkingPlan) -> CheckResult:
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
    return _result("outreach_mentions_target", items, f"e.g. {quote(messages[0].why_you)}")


def outreach_no_placeholders(plan: NetworkingPlan) -> CheckResult:
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
    return _result(
        "outreach_no_placeholders", items, f"no placeholders in {len(texts)} messages and asks"
    )


def outreach_brief(plan: NetworkingPlan) -> CheckResult:
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
    return _result(
        "outreach_brief", items, f"message lengths {counts} words (limit {MAX_OUTREACH_WORDS})"
    )


def outreach_distinct(plan: NetworkingPlan) -> CheckResult:
    """Messages are not near-copies once each target's own words are removed."""
    messages = plan.outreach.messages
    if len(messages) < 2:
        return CheckResult(
            check_id="outreach_distinct",
            criterion_id=CHECK_CRITERION["outreach_distinct"],
            passed=True,
            score=1.0,
            evidence="a single message: nothing to compare",
        )
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
    return _result("outreach_distinct", items, f"{len(messages)} messages, no near-copies")


# --- followup_thankyou ---------------------------------------------------------------------


def follow_up_rule(plan: NetworkingPlan) -> CheckResult:
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
    return _result(
        "follow_up_rule",
        items,
        f"wait {rule.wait_days_min}-{rule.wait_days_max} days, {rule.max_follow_ups} follow-up",
    )


def thank_you_habit(plan: NetworkingPlan) -> CheckResult:
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
    return _result("thank_you_habit", items, f"thank-you within {hours} hours, e.g. {quote(first)}")


# --- maintenance_cadence -------------------------------------------------------------------


def _same_person(first: str, second: str) -> bool:
    return " ".join(words(first)) == " ".join(words(second))


def cadence_matches_strength(plan: NetworkingPlan) -> CheckResult:
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
    return _result("cadence_matches_strength", items, evidence)


def tracked_strength_consistent(plan: NetworkingPlan) -> CheckResult:
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
        return CheckResult(
            check_id="tracked_strength_consistent",
            criterion_id=CHECK_CRITERION["tracked_strength_consistent"],
            passed=True,
            score=1.0,
            evidence="no tracked person is a named audit contact: nothing to compare",
        )
    return _result(
        "tracked_strength_consistent",
        items,
        f"{len(items)} tracked contacts keep their audited strength",
    )


def tracking_in_place(plan: NetworkingPlan) -> CheckResult:
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
    return _result(
        "tracking_in_place",
        items,
        f"tracks {', '.join(fields[:4])}; habit {quote(maintenance.habits[0])}",
    )


# --- registry ------------------------------------------------------------------------------

CHECKS: dict[str, Callable[[NetworkingPlan], CheckResult]] = {
    "audit_contacts_mapped": audit_contacts_mapped,
    "audit_gaps_named": audit_gaps_named,
    "audit_names_known": audit_names_known,
    "value_offers_present": value_offers_present,
    "value_proposition_specific": value_proposition_specific,
    "targets_complete": targets_complete,
    "target_research_distinct": target_research_distinct,
    "target_names_known": target_names_known,
    "outreach_mentions_target": outreach_mentions_target,
    "outreach_no_placeholders": outreach_no_placeholders,
    "outreach_brief": outreach_brief,
    "outreach_distinct": outreach_distinct,
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
