"""A networking plan's dates as iCalendar (RFC 5545), for any calendar app.

    items = plan_reminders(plan)                 # follow-ups, thank-yous, touch-points
    data = calendar_bytes(items, stamp=now)      # the .ics file's bytes

Every follow-up window, outreach day and touch-point is an all-day event (`VALUE=DATE`,
transparent, so it never blocks time) with a display alarm; a touch-point repeats at its
cadence (`RRULE`). A thank-you is a to-do: it is due within 24 hours of a conversation, so it
gets a date once the tracker knows the conversation (`net-skill track log --conversation`).
UIDs are stable (the person, the kind of reminder and the plan's day), so importing a later
export updates the same items instead of adding copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from net_skill.contacts import name_key
from net_skill.errors import InputError
from net_skill.skills.networking.models import Strength
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.skills.networking.schedule import (
    CADENCE_DAYS,
    CADENCE_LABEL,
    THANK_YOU_WITHIN_HOURS,
    thank_you_deadline,
)

if TYPE_CHECKING:
    from icalendar import Alarm, Calendar, Event, Todo

PRODID = "-//net-skill//Networking reminders//EN"
CALENDAR_NAME = "Networking (net-skill)"
UID_DOMAIN = "net-skill"
MORNING = timedelta(hours=9)
"""Alarms ring at 9:00 on the day (relative to the all-day start)."""
EVENING = timedelta(hours=18)
"""A thank-you's alarm rings at 18:00 on the conversation day."""

ReminderKind = Literal["send_outreach", "follow_up", "thank_you", "touch_point", "reactivate"]

_VERB: dict[ReminderKind, str] = {
    "send_outreach": "Send outreach to",
    "follow_up": "Follow up with",
    "thank_you": "Send a thank-you to",
    "touch_point": "Keep in touch with",
    "reactivate": "Reconnect with",
}
KEEP_IN_TOUCH: frozenset[ReminderKind] = frozenset({"touch_point", "reactivate"})


@dataclass(frozen=True)
class Reminder:
    """One calendar item: what to do, for whom, when, and how often."""

    uid: str
    kind: ReminderKind
    who: str
    reason: str = ""
    start: date | None = None
    """The first day (None: not dated yet, a thank-you before the conversation)."""
    end: date | None = None
    """The last day of a window (inclusive); None: one day (or a to-do without a due date)."""
    every_days: int | None = None
    """Repeats every so many days (a touch-point's cadence)."""
    cadence: str = ""
    """The cadence in words (`monthly to quarterly`)."""
    details: str = ""
    done_on: date | None = None
    sequence: int = 0
    """Revision of the item: a calendar app replaces an item whose sequence went up."""

    @property
    def summary(self) -> str:
        reason = f" — {self.reason}" if self.reason else ""
        return f"{_VERB[self.kind]} {self.who}{reason}"


def item_uid(kind: ReminderKind, who: str, day: date | None = None) -> str:
    """A stable UID: keep-in-touch items by person alone (one recurring event per person),
    other items by person and the plan's day (one follow-up per outreach)."""
    if kind in KEEP_IN_TOUCH:
        basis, label = name_key(who), "keep-in-touch"
    else:
        basis, label = f"{name_key(who)}\0{day.isoformat() if day else ''}", kind.replace("_", "-")
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]
    return f"{label}-{digest}@{UID_DOMAIN}"


def plan_reminders(plan: NetworkingPlan) -> list[Reminder]:
    """Every dated item of `plan` (its schedule) and a thank-you per interview, from `plan.today`.

    Outreach and follow-up items carry the drafted messages; touch-points the reason to reach
    out and the cadence.
    """
    reasons = {name_key(r.person): r.reason_to_reach_out for r in plan.maintenance.relationships}
    targets = plan.targets.targets
    messages = {
        name_key(targets[m.target - 1].label): m
        for m in plan.outreach.messages
        if 1 <= m.target <= len(targets)
    }
    items: list[Reminder] = []
    for action in plan.schedule:
        kind: ReminderKind = action.action
        key = name_key(action.who)
        message = messages.get(key)
        strength = _strength_of(plan, action.who)
        keep = kind in KEEP_IN_TOUCH
        if keep:
            reason, details = reasons.get(key, ""), ""
        elif kind == "follow_up":
            reason = f"once, if no reply since {plan.today.isoformat()}"
            details = f"Draft: {message.follow_up_message}\n\n{action.note}" if message else ""
        else:
            reason = _short(message.ask) if message else ""
            details = f"Draft:\n{message.text}" if message else ""
        items.append(
            Reminder(
                uid=item_uid(kind, action.who, plan.today),
                kind=kind,
                who=action.who,
                reason=reason,
                start=action.on,
                end=action.latest if kind == "follow_up" else None,
                every_days=CADENCE_DAYS[strength][0] if keep else None,
                cadence=CADENCE_LABEL[strength] if keep else "",
                details=details,
            )
        )
    for prep in plan.interviews.preparations:
        if 1 <= prep.target <= len(targets):
            who = targets[prep.target - 1].label
            items.append(thank_you(who, plan.today, note=prep.thank_you_note))
    return items


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def thank_you(
    who: str,
    plan_day: date,
    *,
    conversation: date | None = None,
    note: str = "",
    done_on: date | None = None,
    sequence: int = 0,
) -> Reminder:
    """The thank-you to `who`: due the day after `conversation`; undated before it."""
    hours = THANK_YOU_WITHIN_HOURS
    details = f"Send it within {hours} hours of your conversation." + (
        f"\n\nDraft: {note}" if note else ""
    )
    return Reminder(
        uid=item_uid("thank_you", who, plan_day),
        kind="thank_you",
        who=who,
        reason=f"within {hours} hours of your conversation",
        start=conversation or plan_day,
        end=thank_you_deadline(conversation) if conversation else None,
        details=details,
        done_on=done_on,
        sequence=sequence,
    )


def _strength_of(plan: NetworkingPlan, who: str) -> Strength:
    key = name_key(who)
    for r in plan.relationship_cadences:
        if name_key(r.person) == key:
            return r.strength
    return "weak"


def cadence_rule(every_days: int) -> dict[str, object]:
    """An RRULE for a cadence in days: 30 -> monthly, 90 -> every 3 months, 365 -> yearly."""
    months, rest = divmod(every_days, 30)
    if every_days % 365 == 0:
        return {"freq": "yearly", "interval": every_days // 365}
    if rest == 0 and months:
        return {"freq": "monthly", "interval": months}
    if every_days % 7 == 0:
        return {"freq": "weekly", "interval": every_days // 7}
    return {"freq": "daily", "interval": every_days}


def build_calendar(items: Iterable[Reminder], *, stamp: datetime) -> Calendar:
    """The calendar of `items`; `stamp` (UTC) is every item's DTSTAMP."""
    from icalendar import Calendar  # imported when a calendar is made: it costs 65 ms

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    stamp = stamp.astimezone(UTC)
    for item in items:
        calendar.add_component(
            _todo(item, stamp) if item.kind == "thank_you" else _event(item, stamp)
        )
    return calendar


def calendar_bytes(items: Iterable[Reminder], *, stamp: datetime | None = None) -> bytes:
    """The .ics file's bytes (CRLF line ends, folded lines, as RFC 5545 requires)."""
    return bytes(build_calendar(items, stamp=stamp or datetime.now(UTC)).to_ical())


def write_ics(path: Path, items: Sequence[Reminder], *, stamp: datetime | None = None) -> int:
    """Write `items` to `path` atomically (a temporary file renamed); returns how many."""
    data = calendar_bytes(items, stamp=stamp)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(items)


def _common(component: Event | Todo, item: Reminder, stamp: datetime) -> None:
    component.add("uid", item.uid)
    component.add("dtstamp", stamp)
    component.add("sequence", item.sequence)
    done = "Done: " if item.done_on is not None and item.kind != "thank_you" else ""
    component.add("summary", done + item.summary)
    cadence = f"Cadence: {item.cadence}." if item.cadence else ""
    description = "\n".join(p for p in (item.details, cadence) if p)
    if description:
        component.add("description", description)
    component.add("categories", ["Networking"])


def _event(item: Reminder, stamp: datetime) -> Event:
    from icalendar import Event

    start = item.start or stamp.date()
    event = Event()
    _common(event, item, stamp)
    event.add("dtstart", start)
    event.add("dtend", (item.end or start) + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    if item.every_days:
        event.add("rrule", cadence_rule(item.every_days))
    if item.done_on is None:
        event.add_component(_alarm(item, MORNING))
    return event


def _todo(item: Reminder, stamp: datetime) -> Todo:
    from icalendar import Todo

    todo = Todo()
    _common(todo, item, stamp)
    todo.add("dtstart", item.start or stamp.date())
    if item.end is not None:
        todo.add("due", item.end)
    if item.done_on is not None:
        todo.add("status", "COMPLETED")
        todo.add("completed", datetime.combine(item.done_on, datetime.min.time(), tzinfo=UTC))
    else:
        todo.add("status", "NEEDS-ACTION")
        todo.add_component(_alarm(item, EVENING if item.end else MORNING))
    return todo


def _alarm(item: Reminder, at: timedelta) -> Alarm:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", item.summary)
    alarm.add("trigger", at)
    return alarm
