"""`net-skill track ...`: the keep-in-touch tracker (wiring to `skills.networking.tracker`)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from net_skill.cli._common import TodayOpt, handle_errors, parse_today, stdout
from net_skill.cli.remind import export, load_networking_plan, summary
from net_skill.contacts import read_contacts, skipped_rows
from net_skill.errors import InputError
from net_skill.skills.networking.tracker import DueItem, Tracker

track_app = typer.Typer(
    name="track",
    help="The keep-in-touch tracker: people from plans and contacts, a log, what is due.",
    no_args_is_help=True,
)

DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="The tracker file (default: tracker.db in the user data folder)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")]
WithinOpt = Annotated[
    str, typer.Option("--within", help="How far ahead: 14d, 2w or a number of days.")
]


def register(app: typer.Typer) -> None:
    app.add_typer(track_app)


@contextmanager
def _tracker(db: Path | None) -> Iterator[Tracker]:
    with Tracker.open(db) as tracker:
        yield tracker


def _today(value: str | None) -> date:
    return parse_today(value) or date.today()


_DURATION = re.compile(r"^\s*(\d{1,5})\s*([dw]?)\s*$", re.IGNORECASE)


def parse_within(value: str) -> int:
    """`14d`, `2w` or `14` as a number of days."""
    match = _DURATION.match(value)
    if not match:
        raise InputError(f"--within must be days like 14d, 2w or 14, not {value!r}")
    days = int(match.group(1))
    return days * 7 if match.group(2).lower() == "w" else days


def _emit(data: dict[str, Any], text: str, *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    else:
        stdout.print(text, markup=False, highlight=False, soft_wrap=True)


@track_app.command("add")
@handle_errors
def add_command(
    plan: Annotated[Path, typer.Argument(help="A plan.json written by `net-skill run --json`.")],
    db: DbOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Add a plan's people, strengths, cadences and actions (adding it again changes nothing)."""
    parsed = load_networking_plan(plan)
    with _tracker(db) as tracker:
        report = tracker.add_plan(parsed)
        where = tracker.path
    text = (
        f"added {plan}: {report.people_added} people new, {report.people_updated} updated, "
        f"{report.actions_added} actions ({where})"
        if report.added
        else f"{plan} was already in the tracker: nothing changed ({where})"
    )
    _emit({"db": str(where), **asdict(report)}, text, as_json=json_output)


@track_app.command("log")
@handle_errors
def log_command(
    name: Annotated[str, typer.Argument(help="Who (a full name, or a part only one has).")],
    note: Annotated[str, typer.Argument(help="What happened.")] = "",
    today: TodayOpt = None,
    conversation: Annotated[
        bool,
        typer.Option("--conversation", help="You talked: the thank-you is due within 24 hours."),
    ] = False,
    add: Annotated[bool, typer.Option("--add", help="Add the person if not tracked yet.")] = False,
    db: DbOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Log an interaction (dated --today): the person is next due after their cadence."""
    with _tracker(db) as tracker:
        report = tracker.log(name, note, on=_today(today), conversation=conversation, add=add)
    thanks = (
        f"; thank-you due by {report.thank_you_due.isoformat()}" if report.thank_you_due else ""
    )
    new = " (added)" if report.created else ""
    text = (
        f"logged {report.who}{new} on {report.on.isoformat()}: {report.strength} tie, next "
        f"due {report.due_on.isoformat()}{thanks}"
    )
    _emit(asdict(report), text, as_json=json_output)


@track_app.command("due")
@handle_errors
def due_command(
    within: WithinOpt = "7d",
    today: TodayOpt = None,
    db: DbOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Who is due (or overdue) within the window, and why, soonest first."""
    day, days = _today(today), parse_within(within)
    with _tracker(db) as tracker:
        items = tracker.due(today=day, within_days=days)
    if json_output:
        data = {
            "today": day.isoformat(),
            "within_days": days,
            "items": [item.to_json(day) for item in items],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    if not items:
        stdout.print(
            f"nothing due by {day.isoformat()} + {days} days", markup=False, soft_wrap=True
        )
        return
    lines = "\n".join(_due_line(item, day) for item in items)
    stdout.print(lines, markup=False, highlight=False, soft_wrap=True)


def _due_line(item: DueItem, today: date) -> str:
    days = item.in_days(today)
    when = "today" if days == 0 else f"in {days} d" if days > 0 else f"{-days} d late"
    number = f"#{item.action_id}" if item.action_id is not None else ""
    what = item.kind.replace("_", " ")
    return f"{item.on.isoformat()}  {when:>9}  {number:>5}  {what:<13}  {item.who}: {item.why}"


@track_app.command("done")
@handle_errors
def done_command(
    what: Annotated[str, typer.Argument(help="An action number (#12) or a person's name.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="send_outreach, follow_up, thank_you or keep_in_touch (default: the soonest).",
        ),
    ] = None,
    today: TodayOpt = None,
    db: DbOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Mark an action done (a keep-in-touch item is done by logging an interaction)."""
    with _tracker(db) as tracker:
        report = tracker.done(what, today=_today(today), kind=kind)
    follow = f"; next due {report.next_due.isoformat()}" if report.next_due else ""
    text = f"done: {report.kind.replace('_', ' ')} for {report.who}{follow}"
    _emit(asdict(report), text, as_json=json_output)


@track_app.command("import")
@handle_errors
def import_command(
    contacts: Annotated[
        Path, typer.Argument(help="LinkedIn, Google Contacts, vCard or plain-list export.")
    ],
    today: TodayOpt = None,
    db: DbOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Load a contacts export: everyone becomes a known person for later plans."""
    day = _today(today)
    found = read_contacts(contacts, today=day)
    with _tracker(db) as tracker:
        report = tracker.import_contacts(found, today=day)
    skipped = f", {skipped_rows(report.skipped)}" if report.skipped else ""
    text = (
        f"imported {contacts} ({found.format}): {report.read} people, {report.added} new, "
        f"{report.updated} updated{skipped}"
    )
    _emit({"format": found.format, **asdict(report)}, text, as_json=json_output)


@track_app.command("export")
@handle_errors
def export_command(
    ics: Annotated[
        Path, typer.Option("--ics", help='The iCalendar file to write ("-": standard output).')
    ],
    within: Annotated[
        str | None, typer.Option("--within", help="Only what is due by then (14d, 2w).")
    ] = None,
    today: TodayOpt = None,
    db: DbOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Write reminders for everything open (keep-in-touch items recur at their cadence)."""
    day = _today(today)
    days = parse_within(within) if within is not None else None
    with _tracker(db) as tracker:
        items = tracker.reminders(today=day, within_days=days)
    export(items, ics, as_json=json_output)
    if json_output:
        sys.stdout.write(json.dumps(summary(items, ics)) + "\n")
    elif str(ics) != "-":
        stdout.print(
            f"wrote {len(items)} reminders to {ics}", markup=False, highlight=False, soft_wrap=True
        )
