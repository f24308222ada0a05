"""`net-skill remind PLAN.json --ics FILE`: a networking plan's dates as a calendar file."""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from net_skill.cli._common import handle_errors, stdout
from net_skill.errors import InputError
from net_skill.skills.networking.plan import NetworkingPlan
from net_skill.skills.networking.reminders import (
    Reminder,
    calendar_bytes,
    plan_reminders,
    write_ics,
)

PlanArg = Annotated[Path, typer.Argument(help="A plan.json written by `net-skill run --json`.")]
IcsOpt = Annotated[
    Path,
    typer.Option("--ics", help='The iCalendar file to write ("-": standard output).'),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print what was written as one JSON object.")]


def register(app: typer.Typer) -> None:
    app.command("remind")(remind_command)


def load_networking_plan(path: Path) -> NetworkingPlan:
    """A saved networking plan, or `InputError` saying why not."""
    from net_skill.eval.scoring import load_plan

    try:
        plan = load_plan(path)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not a plan (not UTF-8 text: {exc.reason})") from None
    if not isinstance(plan, NetworkingPlan):
        raise InputError(
            f"{path}: a plan of skill {plan.skill_id!r}, not a networking plan: it has no "
            "follow-ups or touch-points"
        )
    return plan


def export(items: list[Reminder], ics: Path, *, as_json: bool = False) -> None:
    """Write `items` to `ics` (or standard output for `-`), stamped now."""
    if as_json and str(ics) == "-":
        raise InputError("--json and --ics - would both write to standard output: name a file")
    stamp = datetime.now(UTC)
    if str(ics) == "-":
        sys.stdout.buffer.write(calendar_bytes(items, stamp=stamp))
        sys.stdout.flush()
    else:
        write_ics(ics, items, stamp=stamp)


def summary(items: list[Reminder], ics: Path) -> dict[str, object]:
    return {
        "ics": str(ics),
        "items": len(items),
        "by_kind": dict(Counter(item.kind for item in items)),
        "uids": [item.uid for item in items],
    }


@handle_errors
def remind_command(plan: PlanArg, ics: IcsOpt, json_output: JsonOpt = False) -> None:
    """Write every follow-up, thank-you and touch-point of a plan to an iCalendar file.

    Events have an alarm, touch-points repeat at their cadence, and UIDs are stable: importing
    the file again updates the same items instead of adding copies.
    """
    items = plan_reminders(load_networking_plan(plan))
    export(items, ics, as_json=json_output)
    if json_output:
        sys.stdout.write(json.dumps(summary(items, ics)) + "\n")
    elif str(ics) != "-":
        kinds = ", ".join(
            f"{n} {k.replace('_', ' ')}" for k, n in Counter(i.kind for i in items).items()
        )
        stdout.print(
            f"wrote {len(items)} reminders to {ics} ({kinds})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
