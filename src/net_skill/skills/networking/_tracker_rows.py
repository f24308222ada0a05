"""The tracker's records: what its commands report, and the rows they read and write."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from net_skill.contacts import Contact, name_key
from net_skill.contacts import estimate_tie as estimate_file_tie
from net_skill.skills.networking.models import Strength
from net_skill.skills.networking.network import refine_strength
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.skills.networking.reminders import KEEP_IN_TOUCH, Reminder

DueKind = Literal["keep_in_touch", "reactivate", "send_outreach", "follow_up", "thank_you"]


@dataclass(frozen=True)
class AddReport:
    plan_id: str
    added: bool
    """False: this plan was added before, and nothing changed."""
    people_added: int = 0
    people_updated: int = 0
    actions_added: int = 0


@dataclass(frozen=True)
class LogReport:
    who: str
    on: date
    strength: Strength
    due_on: date
    created: bool = False
    thank_you_due: date | None = None


@dataclass(frozen=True)
class DoneReport:
    who: str
    kind: DueKind
    on: date
    next_due: date | None = None
    """For a keep-in-touch item: the next due date; for an outreach: the follow-up's."""


@dataclass(frozen=True)
class ImportReport:
    source: str
    read: int
    added: int
    updated: int
    skipped: int


@dataclass(frozen=True)
class DueItem:
    """Something to do for someone, and why."""

    kind: DueKind
    who: str
    on: date
    why: str
    strength: Strength
    latest: date | None = None
    last_contact: date | None = None
    action_id: int | None = None

    def in_days(self, today: date) -> int:
        """Days until it is due (negative: overdue)."""
        return (self.on - today).days

    def to_json(self, today: date) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "who": self.who,
            "on": self.on.isoformat(),
            "latest": self.latest.isoformat() if self.latest else None,
            "in_days": self.in_days(today),
            "why": self.why,
            "strength": self.strength,
            "last_contact": self.last_contact.isoformat() if self.last_contact else None,
            "action_id": self.action_id,
        }


@dataclass
class PlanPerson:
    name: str
    about: str = ""
    strength: Strength = "weak"
    reason: str = ""
    kept: bool = False
    """In the plan's Step 7: kept in touch at a cadence."""
    planned_on: date | None = None


@dataclass(frozen=True)
class PersonRow:
    id: int
    key: str
    name: str
    base_strength: Strength
    strength: Strength
    cadence_days: int | None
    last_contact: date | None
    due_on: date | None
    planned_on: date | None
    about: str
    reason: str
    revision: int

    @classmethod
    def of(cls, row: sqlite3.Row) -> PersonRow:
        return cls(
            id=row["id"],
            key=row["key"],
            name=row["name"],
            base_strength=row["base_strength"],
            strength=row["strength"],
            cadence_days=row["cadence_days"],
            last_contact=parse_date(row["last_contact"]),
            due_on=parse_date(row["due_on"]),
            planned_on=parse_date(row["planned_on"]),
            about=row["about"],
            reason=row["reason"],
            revision=row["revision"],
        )


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def people_of(plan: NetworkingPlan) -> dict[str, PlanPerson]:
    """Everyone a plan names or describes: audited contacts, targets, tracked relationships."""
    people: dict[str, PlanPerson] = {}

    def person(name: str) -> PlanPerson:
        return people.setdefault(name_key(name), PlanPerson(name=" ".join(name.split())))

    for contact in plan.audit.contacts:
        if contact.name:
            found = person(contact.name)
            found.about, found.strength = contact.description, contact.strength
    for target in plan.targets.targets:
        found = person(target.label)
        found.about = found.about or target.profile
    for relationship in plan.maintenance.relationships:
        found = person(relationship.person)
        found.strength, found.reason = relationship.strength, relationship.reason_to_reach_out
        found.kept = True
    for action in plan.schedule:
        if action.action in KEEP_IN_TOUCH and name_key(action.who) in people:
            people[name_key(action.who)].planned_on = action.on
    return people


def due_date(last: date | None, cadence: int | None, planned: date | None) -> date | None:
    """Last interaction plus cadence; before any, the planned touch-point; not kept: none."""
    if cadence is None:
        return None
    return last + timedelta(days=cadence) if last else planned


def action_item(row: sqlite3.Row) -> DueItem:
    return DueItem(
        kind=row["kind"],
        who=row["name"],
        on=date.fromisoformat(row["on_date"]),
        why=row["note"] or row["kind"].replace("_", " "),
        strength=row["strength"],
        latest=parse_date(row["latest"]),
        last_contact=parse_date(row["last_contact"]),
        action_id=row["id"],
    )


def action_reminder(row: sqlite3.Row) -> Reminder:
    on = parse_date(row["on_date"])
    return Reminder(
        uid=row["uid"],
        kind=row["kind"],
        who=row["name"],
        reason=row["note"],
        start=on or date.fromisoformat(row["plan_day"]),
        end=parse_date(row["latest"]),
        details=row["draft"],
        done_on=parse_date(row["done_on"]),
        sequence=row["revision"],
    )


def _lines(values: Sequence[str]) -> str:
    return "\n".join(values)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split("\n") if v)


def import_row(key: str, contact: Contact, source: str, today: date) -> tuple[Any, ...]:
    tie = estimate_file_tie(contact, today)
    return (
        key,
        contact.name,
        contact.note,
        contact.company,
        contact.title,
        _lines(contact.emails),
        _lines(contact.labels),
        iso(contact.connected_on),
        tie,
        tie,
        source,
        today.isoformat(),
    )


def filled(row: sqlite3.Row, contact: Contact) -> tuple[Any, ...] | None:
    """The update that fills what `row` lacks from `contact`, or None when nothing is new."""
    emails = _lines(tuple(dict.fromkeys((*_split(row["emails"]), *contact.emails))))
    labels = _lines(tuple(dict.fromkeys((*_split(row["labels"]), *contact.labels))))
    values = (
        row["company"] or contact.company,
        row["title"] or contact.title,
        emails,
        labels,
        row["connected_on"] or iso(contact.connected_on),
    )
    current = (row["company"], row["title"], row["emails"], row["labels"], row["connected_on"])
    return (*values, row["id"]) if values != current else None


def as_contact(row: sqlite3.Row, today: date) -> Contact:
    connected = parse_date(row["connected_on"])
    last = parse_date(row["last_contact"])
    base: Strength = row["base_strength"]
    if row["strength_from"] == "file":  # what the file says, judged as of today
        base = estimate_file_tie(Contact(row["name"], connected_on=connected), today)
    about, reason = row["about"], row["reason"]
    note = "; ".join(p for p in (about, f"reach out: {reason}" if reason else "") if p)
    return Contact(
        name=row["name"],
        company=row["company"],
        title=row["title"],
        emails=_split(row["emails"]),
        labels=_split(row["labels"]),
        connected_on=connected,
        note=note,
        last_contact=last if last and last <= today else None,
        tie=refine_strength(base, last if last and last <= today else None, row["in_year"], today),
    )
