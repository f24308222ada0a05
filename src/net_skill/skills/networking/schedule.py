"""Dates come from code: follow-ups, thank-yous and touch-points from a `today` date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from net_skill.skills.networking.models import Strength

FOLLOW_UP_WAIT_DAYS = (5, 7)
"""Skill step 5: wait 5-7 days for a response, then one follow-up."""
MAX_FOLLOW_UPS = 1
THANK_YOU_WITHIN_HOURS = 24
"""Skill step 6: send a thank-you within 24 hours."""

CADENCE_DAYS: dict[Strength, tuple[int, int]] = {
    "strong": (30, 90),  # monthly or quarterly
    "medium": (90, 180),  # quarterly or twice a year
    "weak": (365, 365),  # yearly or opportunistic
    "dormant": (365, 365),  # reactivated once, then kept warm yearly like a weak tie
}
CADENCE_LABEL: dict[Strength, str] = {
    "strong": "monthly to quarterly",
    "medium": "quarterly to twice a year",
    "weak": "yearly or opportunistic",
    "dormant": "reactivate now, then yearly",
}


class FollowUpRule(BaseModel):
    model_config = ConfigDict(frozen=True)

    wait_days_min: int = FOLLOW_UP_WAIT_DAYS[0]
    wait_days_max: int = FOLLOW_UP_WAIT_DAYS[1]
    max_follow_ups: int = MAX_FOLLOW_UPS
    then: str = "If there is no reply to the follow-up, move on for now."


class Cadence(BaseModel):
    model_config = ConfigDict(frozen=True)

    strength: Strength
    every_days_min: int
    every_days_max: int
    label: str


def cadence_for(strength: Strength) -> Cadence:
    low, high = CADENCE_DAYS[strength]
    return Cadence(
        strength=strength, every_days_min=low, every_days_max=high, label=CADENCE_LABEL[strength]
    )


class ScheduledAction(BaseModel):
    model_config = ConfigDict(frozen=True)

    on: date
    latest: date | None = None
    who: str
    action: Literal["send_outreach", "follow_up", "thank_you", "touch_point", "reactivate"]
    note: str = ""


def outreach_schedule(today: date, who: str) -> list[ScheduledAction]:
    low, high = FOLLOW_UP_WAIT_DAYS
    return [
        ScheduledAction(on=today, who=who, action="send_outreach"),
        ScheduledAction(
            on=today + timedelta(days=low),
            latest=today + timedelta(days=high),
            who=who,
            action="follow_up",
            note=f"one follow-up if no reply after {low}-{high} days; then move on for now",
        ),
    ]


def thank_you_deadline(conversation_day: date) -> date:
    return conversation_day + timedelta(hours=THANK_YOU_WITHIN_HOURS)


def touch_point(today: date, who: str, strength: Strength) -> ScheduledAction:
    low, high = CADENCE_DAYS[strength]
    if strength == "dormant":
        return ScheduledAction(on=today, who=who, action="reactivate", note=CADENCE_LABEL[strength])
    return ScheduledAction(
        on=today + timedelta(days=low),
        latest=today + timedelta(days=high),
        who=who,
        action="touch_point",
        note=CADENCE_LABEL[strength],
    )
