"""What the networking skill itself prescribes, written by code (`SkillProfile.code_values`).

Steps 6 to 8 of `skill.md` spell out some values word for word or by rule: the two closing
questions of an informational interview, what to track, the habits that keep follow-ups and
thank-yous on time, how to take a no, how to follow up on help, and when an ask suits a
relationship's strength. A small model is not asked for them; a larger one may write them,
and code fills any it leaves empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from net_skill.profile import CodeValue
from net_skill.skills.networking.models import NetworkAudit, Strength, TargetList
from net_skill.skills.networking.schedule import FOLLOW_UP_WAIT_DAYS, THANK_YOU_WITHIN_HOURS

CLOSING_QUESTIONS = ["Who else should I talk to?", "How can I be helpful to you?"]
"""Step 6: the two closing questions, as the skill writes them."""

TRACKING_FIELDS = [
    "Name and how you know them",
    "Last contact date",
    "Conversation notes",
    "Personal details they shared",
    "Relationship strength",
    "Next follow-up",
]
"""Step 7, "Tracking system": log contacts, note details, set reminders, track strength."""

HABITS = [
    "Log every meaningful conversation the same day",
    f"Follow up once after {FOLLOW_UP_WAIT_DAYS[0]}-{FOLLOW_UP_WAIT_DAYS[1]} days without a "
    "reply, then move on",
    f"Send a thank-you within {THANK_YOU_WITHIN_HOURS} hours of every conversation",
    "Keep touch-points few and steady rather than many and sporadic",
]
"""Step 7, "Don't over-engineer", with the follow-up and thank-you rules of Steps 5 and 6."""

IF_THEY_SAY_NO = "Thank them for considering it, do not push, and keep the relationship going."
AFTER_HELP = "Tell them how it turned out, thank them again, and look for a way to reciprocate."

TIMING: dict[Strength, str] = {
    "strong": "Now: the relationship is strong enough for this ask",
    "medium": "After a catch-up conversation, not in the first message",
    "weak": "Only after a few friendly touch-points have rebuilt the connection",
    "dormant": "Only after reconnecting first and hearing back",
}
"""Step 8, "Timing": when the ask is reasonable for the relationship's strength."""


PRESCRIBED_PATHS: dict[int, tuple[tuple[str, ...], ...]] = {
    6: (("preparations", "*", "closing_questions"),),
    7: (("tracking_fields",), ("habits",)),
    8: (("if_they_say_no",), ("after_help",), ("asks", "*", "timing")),
}
"""Where in each step's answer `prescribed_values` writes."""


def prescribed_values(number: int, outputs: Mapping[int, BaseModel]) -> Sequence[CodeValue]:
    if number == 6:
        return (CodeValue(PRESCRIBED_PATHS[6][0], CLOSING_QUESTIONS),)
    if number == 7:
        tracking, habits = PRESCRIBED_PATHS[7]
        return (CodeValue(tracking, TRACKING_FIELDS), CodeValue(habits, HABITS))
    if number == 8:
        strengths = strengths_of(outputs)

        def timing(ask: Mapping[str, Any]) -> str:
            return TIMING[strengths.get(str(ask.get("person", "")), "weak")]

        if_no, after_help, timings = PRESCRIBED_PATHS[8]
        return (
            CodeValue(if_no, IF_THEY_SAY_NO),
            CodeValue(after_help, AFTER_HELP),
            CodeValue(timings, compute=timing),
        )
    return ()


def strengths_of(outputs: Mapping[int, BaseModel]) -> dict[str, Strength]:
    """Each Step 2 contact's strength, and a Step 4 target's from its path (warm: medium)."""
    strengths: dict[str, Strength] = {}
    targets, audit = outputs.get(4), outputs.get(2)
    if isinstance(targets, TargetList):
        for target in targets.targets:
            strengths[target.label] = "medium" if target.path == "warm" else "weak"
    if isinstance(audit, NetworkAudit):
        for contact in audit.contacts:
            strengths[contact.name or contact.description] = contact.strength
    return strengths
