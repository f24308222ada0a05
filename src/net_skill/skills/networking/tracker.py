"""The keep-in-touch tracker: people, their strengths and cadences, the interaction log and the
plan's one-off actions, in one SQLite file.

    with Tracker.open() as tracker:                  # the user's data folder, or a path
        tracker.add_plan(plan)                       # idempotent
        tracker.log("Dana Okafor", "coffee", on=today)   # due again: today + cadence
        for item in tracker.due(today=today, within_days=14): ...

A person's keep-in-touch due date is their last logged interaction plus their cadence (as
personal CRMs such as Monica and Dex do), or, before anything is logged, the touch-point the
plan scheduled. The cadence follows the tie strength (`schedule.CADENCE_DAYS`), which starts
from the plan (or the contacts file) and is refined by the log (`network.refine_strength`).
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

from net_skill.contacts import ContactsDigest, ContactsFile, digest_contacts, name_key
from net_skill.contacts import merge_contacts as merge_sources
from net_skill.skills.networking._tracker_db import (
    TrackerError,
    broken,
    connect,
    default_tracker_path,
    transaction,
)
from net_skill.skills.networking._tracker_rows import (
    AddReport,
    DoneReport,
    DueItem,
    DueKind,
    ImportReport,
    LogReport,
    PersonRow,
    PlanPerson,
    action_item,
    action_reminder,
    as_contact,
    due_date,
    filled,
    import_row,
    iso,
    parse_date,
    people_of,
)
from net_skill.skills.networking.models import Strength
from net_skill.skills.networking.network import refine_strength
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.skills.networking.reminders import (
    KEEP_IN_TOUCH,
    Reminder,
    ReminderKind,
    item_uid,
    plan_reminders,
    thank_you,
)
from net_skill.skills.networking.schedule import (
    CADENCE_DAYS,
    CADENCE_LABEL,
    FOLLOW_UP_WAIT_DAYS,
    thank_you_deadline,
)

__all__ = [
    "AddReport",
    "DoneReport",
    "DueItem",
    "ImportReport",
    "LogReport",
    "Tracker",
    "TrackerError",
    "default_tracker_path",
]

KEEP_IN_TOUCH_KINDS = ("keep_in_touch", "touch_point", "reactivate")


P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[Concatenate[Tracker, P], R]) -> Callable[Concatenate[Tracker, P], R]:
    """SQLite failures of a tracker method become one clear `TrackerError`."""

    @functools.wraps(method)
    def wrapper(self: Tracker, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise broken(self.path, exc) from None

    return wrapper  # type: ignore[return-value]  # functools.wraps' type, same signature


@dataclass
class Tracker:
    """An open tracker file. Use as a context manager, or call `close()`."""

    path: Path
    conn: sqlite3.Connection = field(repr=False)

    @classmethod
    def open(cls, path: str | Path | None = None) -> Tracker:
        """Open (creating and migrating as needed) the tracker at `path`, by default
        `default_tracker_path()`. Raises `TrackerError` for a broken or foreign file."""
        where = Path(path) if path is not None else default_tracker_path()
        return cls(where, connect(where))

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- plans ----------------------------------------------------------------------------

    @_guarded
    def add_plan(self, plan: NetworkingPlan) -> AddReport:
        """Fill people, strengths, cadences and due actions from `plan`; a second time, nothing."""
        plan_id = hashlib.sha256(plan.model_dump_json().encode("utf-8")).hexdigest()[:16]
        with self._writing() as conn:
            if conn.execute("SELECT 1 FROM plan WHERE id = ?", (plan_id,)).fetchone():
                return AddReport(plan_id, added=False)
            conn.execute(
                "INSERT INTO plan (id, skill_id, today, goal, situation) VALUES (?, ?, ?, ?, ?)",
                (
                    plan_id,
                    plan.skill_id,
                    plan.today.isoformat(),
                    plan.purpose.goal_statement,
                    plan.situation,
                ),
            )
            added = updated = 0
            ids: dict[str, int] = {}
            for key, person in people_of(plan).items():
                person_id, state = self._upsert_plan_person(key, person, plan.today)
                ids[key] = person_id
                added += state == "added"
                updated += state == "updated"
            actions = self._add_plan_actions(plan, plan_id, ids)
        return AddReport(plan_id, True, added, updated, actions)

    def _upsert_plan_person(
        self, key: str, person: PlanPerson, today: date
    ) -> tuple[int, Literal["added", "updated", "same"]]:
        row = self._person_by_key(key)
        if row is None:
            cadence = CADENCE_DAYS[person.strength][0] if person.kept else None
            cursor = self.conn.execute(
                "INSERT INTO person (key, name, about, base_strength, strength_from, strength,"
                " cadence_days, reason, planned_on, due_on, source, added_on)"
                " VALUES (?, ?, ?, ?, 'plan', ?, ?, ?, ?, ?, 'plan', ?)",
                (
                    key,
                    person.name,
                    person.about,
                    person.strength,
                    person.strength,
                    cadence,
                    person.reason,
                    iso(person.planned_on),
                    iso(person.planned_on) if cadence else None,
                    today.isoformat(),
                ),
            )
            return int(cursor.lastrowid or 0), "added"
        last, in_year = self._log_facts(row.id, today)
        strength = refine_strength(person.strength, last, in_year, today)
        kept = person.kept or row.cadence_days is not None
        cadence = CADENCE_DAYS[strength][0] if kept else None
        planned = min((d for d in (row.planned_on, person.planned_on) if d), default=None)
        values = {
            "about": row.about or person.about,
            "base_strength": person.strength,
            "strength": strength,
            "cadence_days": cadence,
            "reason": person.reason or row.reason,
            "planned_on": iso(planned),
            "due_on": iso(due_date(last, cadence, planned)),
        }
        return row.id, "updated" if self._update_person(row, values, "plan") else "same"

    def _add_plan_actions(self, plan: NetworkingPlan, plan_id: str, ids: dict[str, int]) -> int:
        """The plan's outreach, follow-ups and thank-yous, worded as `plan_reminders` words
        them (so the tracker's calendar and the plan's are the same items)."""
        rows: list[tuple[Any, ...]] = []
        for item in plan_reminders(plan):
            person_id = ids.get(name_key(item.who))
            if item.kind in KEEP_IN_TOUCH or person_id is None:
                continue
            dated = item.kind != "thank_you" or item.end is not None
            rows.append(
                (
                    item.uid,
                    person_id,
                    plan_id,
                    item.kind,
                    plan.today.isoformat(),
                    iso(item.start) if dated else None,
                    iso(item.end),
                    item.reason,
                    item.details,
                )
            )
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO action (uid, person_id, plan_id, kind, plan_day, on_date,"
            " latest, note, draft) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return self.conn.total_changes - before

    # -- the log --------------------------------------------------------------------------

    @_guarded
    def log(
        self,
        name: str,
        note: str = "",
        *,
        on: date,
        conversation: bool = False,
        add: bool = False,
    ) -> LogReport:
        """Record an interaction with `name` on `on`; their due date becomes `on` + cadence.

        `conversation=True` (you talked, for example an informational interview) also dates
        the thank-you (due within 24 hours) and closes the outreach and follow-up to them.
        `add=True` adds a person the tracker does not know yet (as a weak tie).
        """
        with self._writing() as conn:
            row = self._find(name, missing_ok=add)
            created = row is None
            if row is None:
                row = self._add_person(name, on)
            conn.execute(
                "INSERT INTO interaction (person_id, on_date, note, conversation)"
                " VALUES (?, ?, ?, ?)",
                (row.id, on.isoformat(), note, int(conversation)),
            )
            as_of = max(on, row.last_contact or on)  # an older note does not move dates back
            last, in_year = self._log_facts(row.id, as_of)
            assert last is not None
            strength = refine_strength(row.base_strength, last, in_year, as_of)
            cadence = CADENCE_DAYS[strength][0]
            due = last + timedelta(days=cadence)
            values = {
                "last_contact": last.isoformat(),
                "strength": strength,
                "cadence_days": cadence,
                "due_on": due.isoformat(),
            }
            self._update_person(row, values, None)
            thank_you_due = self._conversation(row, on) if conversation else None
        return LogReport(row.name, on, strength, due, created, thank_you_due)

    def _conversation(self, row: PersonRow, on: date) -> date:
        """Date the thank-you to `row` (creating one if no plan asked for it), close outreach."""
        deadline = thank_you_deadline(on)
        updated = self.conn.execute(
            "UPDATE action SET on_date = ?, latest = ?, revision = revision + 1"
            " WHERE person_id = ? AND kind = 'thank_you' AND done_on IS NULL",
            (on.isoformat(), deadline.isoformat(), row.id),
        ).rowcount
        if not updated:
            item = thank_you(row.name, on, conversation=on)
            self.conn.execute(
                "INSERT OR IGNORE INTO action (uid, person_id, kind, plan_day, on_date, latest,"
                " note, draft) VALUES (?, ?, 'thank_you', ?, ?, ?, ?, ?)",
                (
                    item.uid,
                    row.id,
                    on.isoformat(),
                    on.isoformat(),
                    iso(item.end),
                    item.reason,
                    item.details,
                ),
            )
        self.conn.execute(
            "UPDATE action SET done_on = ?, revision = revision + 1 WHERE person_id = ?"
            " AND kind IN ('send_outreach', 'follow_up') AND done_on IS NULL",
            (on.isoformat(), row.id),
        )
        return deadline

    def _add_person(self, name: str, on: date) -> PersonRow:
        cursor = self.conn.execute(
            "INSERT INTO person (key, name, base_strength, strength_from, strength, source,"
            " added_on) VALUES (?, ?, 'weak', 'log', 'weak', 'log', ?)",
            (name_key(name), " ".join(name.split()), on.isoformat()),
        )
        row = self.conn.execute("SELECT * FROM person WHERE id = ?", (cursor.lastrowid,))
        return PersonRow.of(row.fetchone())

    def _log_facts(self, person_id: int, today: date) -> tuple[date | None, int]:
        """The last interaction on or before `today`, and how many in the year before it."""
        year_ago = (today - timedelta(days=365)).isoformat()
        last, count = self.conn.execute(
            "SELECT max(on_date), sum(on_date > ?) FROM interaction"
            " WHERE person_id = ? AND on_date <= ?",
            (year_ago, person_id, today.isoformat()),
        ).fetchone()
        return parse_date(last), int(count or 0)

    # -- what is due ----------------------------------------------------------------------

    @_guarded
    def due(self, *, today: date, within_days: int = 0) -> list[DueItem]:
        """Everything due on or before `today + within_days` (overdue included), soonest first."""
        until = (today + timedelta(days=within_days)).isoformat()
        items = [
            self._keep_in_touch_item(row)
            for row in self.conn.execute(
                "SELECT name, due_on, strength, last_contact, reason, cadence_days FROM person"
                " WHERE due_on IS NOT NULL AND due_on <= ? ORDER BY due_on",
                (until,),
            )
        ]
        items += [
            action_item(row)
            for row in self.conn.execute(
                "SELECT a.id, a.kind, a.on_date, a.latest, a.note, p.name, p.strength,"
                " p.last_contact FROM action a JOIN person p ON p.id = a.person_id"
                " WHERE a.done_on IS NULL AND a.on_date IS NOT NULL AND a.on_date <= ?",
                (until,),
            )
        ]
        items.sort(key=lambda item: (item.on, item.who, item.kind))
        return items

    @staticmethod
    def _keep_in_touch_item(row: sqlite3.Row) -> DueItem:
        strength: Strength = row["strength"]
        last = parse_date(row["last_contact"])
        kind: DueKind = "reactivate" if strength == "dormant" else "keep_in_touch"
        since = f"last contact {last.isoformat()}" if last else "nothing logged yet"
        reason = f"; {row['reason']}" if row["reason"] else ""
        why = f"{strength} tie, {CADENCE_LABEL[strength]}; {since}{reason}"
        return DueItem(
            kind, row["name"], date.fromisoformat(row["due_on"]), why, strength, None, last
        )

    @_guarded
    def done(self, what: str, *, today: date, kind: str | None = None) -> DoneReport:
        """Mark done the action numbered `what` (`12` or `#12`), or the soonest open item for
        the person named `what` (of `kind` if given). A keep-in-touch item is done by logging
        an interaction; a sent outreach moves its follow-up to 5-7 days after `today`."""
        number = what.lstrip("#")
        if number.isdigit():
            return self._done_action(int(number), today)
        row = self._find(what)
        assert row is not None
        if kind not in KEEP_IN_TOUCH_KINDS:
            action = self.conn.execute(
                "SELECT id FROM action WHERE person_id = ? AND done_on IS NULL"
                " AND (? IS NULL OR kind = ?) ORDER BY on_date IS NULL, on_date, id LIMIT 1",
                (row.id, kind, kind),
            ).fetchone()
            if action is not None:
                return self._done_action(int(action["id"]), today)
            if kind is not None:
                raise TrackerError(f"{row.name} has no open {kind.replace('_', ' ')}")
        if row.cadence_days is None:
            raise TrackerError(f"nothing is open for {row.name}")
        logged = self.log(row.name, "keep-in-touch done", on=today)
        done_kind: DueKind = "reactivate" if row.strength == "dormant" else "keep_in_touch"
        return DoneReport(row.name, done_kind, today, logged.due_on)

    def _done_action(self, action_id: int, today: date) -> DoneReport:
        with self._writing() as conn:
            row = conn.execute(
                "SELECT a.*, p.name FROM action a JOIN person p ON p.id = a.person_id"
                " WHERE a.id = ?",
                (action_id,),
            ).fetchone()
            if row is None:
                raise TrackerError(f"no action #{action_id} in the tracker (see `track due`)")
            if row["done_on"] is not None:
                raise TrackerError(f"action #{action_id} was done on {row['done_on']}")
            conn.execute(
                "UPDATE action SET done_on = ?, revision = revision + 1 WHERE id = ?",
                (today.isoformat(), action_id),
            )
            next_due = None
            if row["kind"] == "send_outreach":
                low, high = FOLLOW_UP_WAIT_DAYS
                next_due = today + timedelta(days=low)
                conn.execute(
                    "UPDATE action SET on_date = ?, latest = ?, revision = revision + 1"
                    " WHERE person_id = ? AND plan_day = ? AND kind = 'follow_up'"
                    " AND done_on IS NULL",
                    (
                        next_due.isoformat(),
                        (today + timedelta(days=high)).isoformat(),
                        row["person_id"],
                        row["plan_day"],
                    ),
                )
        return DoneReport(row["name"], row["kind"], today, next_due)

    # -- contacts in and out --------------------------------------------------------------

    @_guarded
    def import_contacts(self, found: ContactsFile, *, today: date) -> ImportReport:
        """Add the people of a contacts export (known people, not yet kept in touch); people
        already here keep what they have and gain the fields they lacked."""
        contacts = merge_sources([found])
        with self._writing() as conn:
            existing = {
                row["key"]: row
                for row in conn.execute(
                    "SELECT id, key, company, title, emails, labels, connected_on FROM person"
                )
            }
            new_rows: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            for contact in contacts:
                key = name_key(contact.name)
                row = existing.get(key)
                if row is None:
                    new_rows.append(import_row(key, contact, found.label, today))
                else:
                    update = filled(row, contact)
                    if update is not None:
                        updates.append(update)
            conn.executemany(
                "INSERT INTO person (key, name, about, company, title, emails, labels,"
                " connected_on, base_strength, strength_from, strength, source, added_on)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'file', ?, ?, ?)",
                new_rows,
            )
            conn.executemany(
                "UPDATE person SET company = ?, title = ?, emails = ?, labels = ?,"
                " connected_on = ?, revision = revision + 1 WHERE id = ?",
                updates,
            )
        return ImportReport(found.label, len(contacts), len(new_rows), len(updates), found.skipped)

    @_guarded
    def contacts(self, *, today: date) -> ContactsFile:
        """Everyone tracked, as contacts whose tie strength and last contact the log gives."""
        year_ago = (today - timedelta(days=365)).isoformat()
        rows = self.conn.execute(
            "SELECT p.*, (SELECT count(*) FROM interaction i WHERE i.person_id = p.id"
            " AND i.on_date > ? AND i.on_date <= ?) AS in_year FROM person p ORDER BY p.id",
            (year_ago, today.isoformat()),
        )
        people = tuple(as_contact(row, today) for row in rows)
        goal = self.conn.execute("SELECT goal FROM plan ORDER BY today DESC LIMIT 1").fetchone()
        return ContactsFile(self.path, "tracker", people, goal=goal["goal"] if goal else "")

    def digest(
        self,
        situation: str,
        *,
        today: date,
        files: Sequence[ContactsFile] = (),
        goal: str = "",
    ) -> ContactsDigest:
        """The bounded contacts text and known names for a run, from this tracker (and any
        contacts `files`, which it refines): the same as `net_skill.contacts.digest_contacts`."""
        return digest_contacts(
            [*files, self.contacts(today=today)], situation, today=today, goal=goal
        )

    @_guarded
    def reminders(self, *, today: date, within_days: int | None = None) -> list[Reminder]:
        """Calendar items for everything open (and the recently done, marked so): keep-in-touch
        items recur at their cadence. `within_days` limits them to those due by then."""
        until = (
            (today + timedelta(days=within_days)).isoformat() if within_days is not None else None
        )
        items: list[Reminder] = []
        for row in self.conn.execute(
            "SELECT name, strength, cadence_days, due_on, reason, revision FROM person"
            " WHERE due_on IS NOT NULL AND (? IS NULL OR due_on <= ?) ORDER BY due_on",
            (until, until),
        ):
            kind: ReminderKind = "reactivate" if row["strength"] == "dormant" else "touch_point"
            items.append(
                Reminder(
                    uid=item_uid(kind, row["name"]),
                    kind=kind,
                    who=row["name"],
                    reason=row["reason"],
                    start=date.fromisoformat(row["due_on"]),
                    every_days=row["cadence_days"],
                    cadence=CADENCE_LABEL[row["strength"]],
                    sequence=row["revision"],
                )
            )
        for row in self.conn.execute(
            "SELECT a.*, p.name FROM action a JOIN person p ON p.id = a.person_id"
            " WHERE (? IS NULL OR a.on_date IS NULL OR a.on_date <= ?)"
            " AND (a.done_on IS NULL OR a.done_on >= ?) ORDER BY a.on_date, a.id",
            (until, until, (today - timedelta(days=30)).isoformat()),
        ):
            items.append(action_reminder(row))
        return items

    # -- helpers --------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        try:
            with transaction(self.conn) as conn:
                yield conn
        except sqlite3.DatabaseError as exc:
            raise broken(self.path, exc) from None

    def _person_by_key(self, key: str) -> PersonRow | None:
        row = self.conn.execute("SELECT * FROM person WHERE key = ?", (key,)).fetchone()
        return PersonRow.of(row) if row else None

    def _find(self, name: str, *, missing_ok: bool = False) -> PersonRow | None:
        """The one person `name` means: the exact name, else the only one whose name has all
        its words (`Dana` for Dana Okafor). Several or none: `TrackerError` (or None)."""
        key = name_key(name)
        if not key:
            raise TrackerError("give the person's name")
        exact = self._person_by_key(key)
        if exact is not None:
            return exact
        words = key.split()
        rows = self.conn.execute(
            "SELECT * FROM person WHERE key LIKE ? ESCAPE '\\' LIMIT 200",
            ("%" + max(words, key=len).replace("%", "\\%").replace("_", "\\_") + "%",),
        ).fetchall()
        matches = [PersonRow.of(r) for r in rows if set(words) <= set(r["key"].split())]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(m.name for m in matches[:5])
            raise TrackerError(
                f"{name!r} could be {len(matches)} people ({names}): give the full name"
            )
        if missing_ok:
            return None
        raise TrackerError(
            f"no one named {name!r} in the tracker; `track add PLAN.json` or `track import "
            "CONTACTS_FILE` first, or `track log NAME NOTE --add` to add them"
        )

    def _update_person(
        self, row: PersonRow, values: dict[str, Any], strength_from: str | None
    ) -> bool:
        current = self.conn.execute(
            f"SELECT {', '.join(values)} FROM person WHERE id = ?", (row.id,)
        ).fetchone()
        if all(current[k] == v for k, v in values.items()):
            return False
        if strength_from is not None:
            values = {**values, "strength_from": strength_from}
        assignments = ", ".join(f"{k} = ?" for k in values)
        self.conn.execute(
            f"UPDATE person SET {assignments}, revision = revision + 1 WHERE id = ?",
            (*values.values(), row.id),
        )
        return True
