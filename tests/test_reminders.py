"""iCalendar reminders from a plan: every item, parsed back with the library, RFC 5545 shape."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from net_skill.cli import app
from net_skill.skills.networking.reminders import (
    PRODID,
    cadence_rule,
    calendar_bytes,
    item_uid,
    plan_reminders,
)
from tests.plan_factory import good_plan

TODAY = date(2026, 11, 25)
STAMP = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
PRICING_PM = "Senior PM on a pricing team at a large online retailer"
runner = CliRunner()


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def components(calendar: Calendar) -> list[object]:
    return [c for c in calendar.subcomponents if c.name in ("VEVENT", "VTODO")]


def test_calendar_header_and_every_component_is_complete() -> None:
    calendar = parse(calendar_bytes(plan_reminders(good_plan(TODAY)), stamp=STAMP))
    assert calendar["PRODID"] == PRODID and calendar["VERSION"] == "2.0"
    items = components(calendar)
    assert len(items) == 7  # 2 outreach, 2 follow-ups, 2 touch-points, 1 thank-you
    for item in items:
        assert item["UID"].endswith("@net-skill")
        assert item.decoded("DTSTAMP") == STAMP
        assert item["SUMMARY"]
        start = item.decoded("DTSTART")
        assert type(start) is date  # all-day: VALUE=DATE
        assert item["DTSTART"].params.get("VALUE") == "DATE"
        (alarm,) = item.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") > timedelta(0)
    assert len({item["UID"] for item in items}) == 7


def test_each_item_says_who_why_and_when() -> None:
    calendar = parse(calendar_bytes(plan_reminders(good_plan(TODAY)), stamp=STAMP))
    by_summary = {str(c["SUMMARY"]): c for c in components(calendar)}
    follow = by_summary["Follow up with Dana Okafor — once, if no reply since 2026-11-25"]
    assert follow.decoded("DTSTART") == date(2026, 11, 30)
    assert follow.decoded("DTEND") == date(2026, 12, 3)  # the 5-7 day window, end exclusive
    assert "gentle nudge" in str(follow["DESCRIPTION"])
    outreach = by_summary[
        "Send outreach to Dana Okafor — Could we talk for 20 minutes about how you made the switch?"
    ]
    assert outreach.decoded("DTSTART") == TODAY
    luis = by_summary["Keep in touch with Luis Romero — Design news"]
    assert luis.decoded("DTSTART") == date(2026, 12, 25)
    assert luis["RRULE"]["FREQ"] == ["MONTHLY"] and luis["RRULE"]["INTERVAL"] == [1]
    assert "monthly to quarterly" in str(luis["DESCRIPTION"])
    dana = by_summary["Keep in touch with Dana Okafor — Share results"]
    assert dana.decoded("DTSTART") == date(2027, 2, 23)
    assert dana["RRULE"]["FREQ"] == ["MONTHLY"] and dana["RRULE"]["INTERVAL"] == [3]
    assert str(dana["TRANSP"]) == "TRANSPARENT"
    (thanks,) = parse(calendar_bytes(plan_reminders(good_plan(TODAY)), stamp=STAMP)).walk("VTODO")
    assert "Dana Okafor" in str(thanks["SUMMARY"]) and "24 hours" in str(thanks["SUMMARY"])
    assert "DUE" not in thanks  # dated once the conversation is logged
    assert "Draft: Thank you, Dana" in str(thanks["DESCRIPTION"])


def test_every_scheduled_action_of_the_plan_is_exported() -> None:
    plan = good_plan(TODAY)
    uids = {item.uid for item in plan_reminders(plan)}
    for action in plan.schedule:
        assert item_uid(action.action, action.who, plan.today) in uids


def test_uids_are_stable_across_exports_and_days() -> None:
    first = [i.uid for i in plan_reminders(good_plan(TODAY))]
    assert first == [i.uid for i in plan_reminders(good_plan(TODAY))]
    later = {i.kind: i.uid for i in plan_reminders(good_plan(TODAY + timedelta(days=30)))}
    # A touch-point belongs to the person: a later plan updates the same recurring event.
    keep = {i.uid for i in plan_reminders(good_plan(TODAY)) if i.kind == "touch_point"}
    assert later["touch_point"] in keep
    assert later["follow_up"] not in first  # a new outreach has its own follow-up
    assert item_uid("touch_point", "Dana  Okafor") == item_uid("reactivate", "dana okafor")


@pytest.mark.parametrize(
    ("days", "rule"),
    [
        (30, {"freq": "monthly", "interval": 1}),
        (90, {"freq": "monthly", "interval": 3}),
        (180, {"freq": "monthly", "interval": 6}),
        (365, {"freq": "yearly", "interval": 1}),
        (14, {"freq": "weekly", "interval": 2}),
        (45, {"freq": "daily", "interval": 45}),
    ],
)
def test_cadence_rules(days: int, rule: dict[str, object]) -> None:
    assert cadence_rule(days) == rule


def test_lines_end_in_crlf_and_are_folded() -> None:
    data = calendar_bytes(plan_reminders(good_plan(TODAY)), stamp=STAMP)
    lines = data.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_remind_command_writes_the_file(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(good_plan(TODAY).model_dump_json())
    ics = tmp_path / "networking.ics"
    result = runner.invoke(app, ["remind", str(plan), "--ics", str(ics), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["items"] == 7 and report["by_kind"]["follow_up"] == 2
    assert len(components(parse(ics.read_bytes()))) == 7
    again = runner.invoke(app, ["remind", str(plan), "--ics", str(ics), "--json"])
    assert json.loads(again.stdout)["uids"] == report["uids"]  # re-export: the same items


def test_remind_to_standard_output(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(good_plan(TODAY).model_dump_json())
    result = runner.invoke(app, ["remind", str(plan), "--ics", "-"])
    assert result.exit_code == 0, result.stderr
    assert len(components(parse(result.stdout_bytes))) == 7


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"skill_id": "other", "situation": "x", "today": "2026-11-25", "steps": []}', "not a"),
        ("[]", "must be a JSON object"),
    ],
)
def test_remind_refuses_what_is_not_a_networking_plan(
    tmp_path: Path, content: str, message: str
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(content)
    result = runner.invoke(app, ["remind", str(plan), "--ics", str(tmp_path / "out.ics")])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.ics").exists()


def test_remind_binary_plan_is_a_clear_error(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(b"\xff\xfe\x00garbage")
    result = runner.invoke(app, ["remind", str(plan), "--ics", str(tmp_path / "out.ics")])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
