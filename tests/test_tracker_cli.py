"""`net-skill track ...`, `remind` and `run --contacts/--tracker` from the command line, and the
whole loop: plan -> track add -> track log -> track due -> remind/export -> parse back."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from net_skill.backends.base import Backend
from net_skill.backends.fake import FakeBackend
from net_skill.backends.registry import BackendOptions
from net_skill.cli import app
from net_skill.cli.track import parse_within
from net_skill.errors import InputError
from tests.contacts_factory import write_linkedin
from tests.plan_factory import good_plan
from tests.test_runner_fakes import SITUATION, networking_responder

DATA = Path(__file__).parent / "data" / "contacts"
TODAY = date(2026, 11, 25)
runner = CliRunner()


def track(*args: str, db: Path | None = None) -> dict[str, Any]:
    """Run `net-skill track ... --json` and return its one JSON object."""
    extra = ["--db", str(db)] if db is not None else []
    result = runner.invoke(app, ["track", *args, *extra, "--json"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(good_plan(TODAY).model_dump_json())
    return path


def events(path: Path) -> list[Any]:
    calendar = Calendar.from_ical(path.read_bytes())
    return [c for c in calendar.subcomponents if c.name in ("VEVENT", "VTODO")]


def test_parse_within() -> None:
    assert (parse_within("14d"), parse_within("2w"), parse_within("10")) == (14, 14, 10)
    with pytest.raises(InputError, match="--within"):
        parse_within("soon")


def test_the_whole_loop(tmp_path: Path, plan_file: Path) -> None:
    db = tmp_path / "tracker.db"
    added = track("add", str(plan_file), db=db)
    assert added["added"] and added["people_added"] == 3
    assert not track("add", str(plan_file), db=db)["added"]  # idempotent

    due = track("due", "--within", "7d", "--today", "2026-11-25", db=db)
    assert [(i["kind"], i["who"], i["on"]) for i in due["items"]][:3] == [
        ("send_outreach", "Dana Okafor", "2026-11-25"),
        ("send_outreach", "Senior PM on a pricing team at a large online retailer", "2026-11-25"),
        ("follow_up", "Dana Okafor", "2026-11-30"),
    ]

    # Dana answered: they talk on Dec 2; Luis is kept in touch on Dec 20.
    logged = track(
        "log", "Dana", "informational interview", "--conversation", "--today", "2026-12-02", db=db
    )
    assert (logged["who"], logged["due_on"], logged["thank_you_due"]) == (
        "Dana Okafor",
        "2027-03-02",
        "2026-12-03",
    )
    track("log", "Luis Romero", "coffee", "--today", "2026-12-20", db=db)
    due = track("due", "--within", "14d", "--today", "2026-12-20", db=db)
    assert [(i["kind"], i["who"], i["on"], i["in_days"]) for i in due["items"]] == [
        (
            "send_outreach",
            "Senior PM on a pricing team at a large online retailer",
            "2026-11-25",
            -25,
        ),
        ("follow_up", "Senior PM on a pricing team at a large online retailer", "2026-11-30", -20),
        ("thank_you", "Dana Okafor", "2026-12-02", -18),
    ]
    thank_you = due["items"][2]["action_id"]
    assert track("done", f"#{thank_you}", "--today", "2026-12-03", db=db)["kind"] == "thank_you"
    later = track("due", "--within", "120d", "--today", "2026-12-20", db=db)
    keep = {i["who"]: i["on"] for i in later["items"] if i["kind"] == "keep_in_touch"}
    assert keep == {"Luis Romero": "2027-01-19", "Dana Okafor": "2027-03-02"}

    # The tracker's calendar: the same people on the same dates, parsed back.
    ics = tmp_path / "tracker.ics"
    exported = track("export", "--ics", str(ics), "--today", "2026-12-20", db=db)
    items = {str(c["SUMMARY"]): c for c in events(ics)}
    assert exported["items"] == len(items)
    luis = items["Keep in touch with Luis Romero — Design news"]
    assert luis.decoded("DTSTART") == date(2027, 1, 19) and luis["RRULE"]["FREQ"] == ["MONTHLY"]
    dana = items["Keep in touch with Dana Okafor — Share results"]
    assert dana.decoded("DTSTART") == date(2027, 3, 2) and dana["RRULE"]["INTERVAL"] == [3]
    thanks = next(c for c in events(ics) if c.name == "VTODO")
    assert thanks.decoded("DUE") == date(2026, 12, 3) and str(thanks["STATUS"]) == "COMPLETED"

    # The plan's own calendar shares the UIDs: importing the tracker's later updates it.
    plan_ics = tmp_path / "plan.ics"
    result = runner.invoke(app, ["remind", str(plan_file), "--ics", str(plan_ics)])
    assert result.exit_code == 0, result.stderr
    plan_uids = {str(c["UID"]) for c in events(plan_ics)}
    tracker_uids = {str(c["UID"]) for c in events(ics)}
    assert plan_uids == tracker_uids
    by_uid = {str(c["UID"]): c for c in events(plan_ics)}
    assert by_uid[str(luis["UID"])].decoded("DTSTART") == date(2026, 12, 25)  # before the log
    assert luis["SEQUENCE"] > by_uid[str(luis["UID"])]["SEQUENCE"]  # the update wins


def test_import_and_run_builds_on_the_tracker(
    tmp_path: Path, plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []
    responder = networking_responder()

    def capture(request: Any) -> Any:
        prompts.append(request.system)
        return responder(request)

    def select(name: str = "auto", options: BackendOptions | None = None) -> Backend:
        return FakeBackend(responder=capture)

    monkeypatch.setattr("net_skill.cli._common.create_backend", select)
    imported = track("import", str(DATA / "linkedin_connections.csv"), "--today", "2026-11-25")
    assert (imported["format"], imported["added"], imported["skipped"]) == ("linkedin", 9, 1)
    track("add", str(plan_file))
    track("log", "Luis", "coffee", "--today", "2026-12-01")
    result = runner.invoke(
        app, ["run", SITUATION, "--tracker", "--today", "2026-12-02", "--no-record", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    assert "contacts: 10 read" in result.stderr
    assert "- Luis Romero" in prompts[0] and "last contact 2026-12-01" in prompts[0]
    assert "tie strong" in prompts[0]


def test_run_reads_an_export_through_the_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "net_skill.cli._common.create_backend",
        lambda name="auto", options=None: FakeBackend(responder=networking_responder()),
    )
    export = write_linkedin(tmp_path / "Connections.csv", 5_000)
    result = runner.invoke(app, ["run", SITUATION, "--contacts", str(export), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert "(LinkedIn export)" in result.stdout
    assert "contacts: " in result.stderr and "shown to the model" in result.stderr


def test_run_with_a_bad_contacts_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "Connections.csv"
    bad.write_bytes("First Name,Last Name\nJosé,García\n".encode("cp1252"))
    result = runner.invoke(app, ["run", SITUATION, "--contacts", str(bad), "--dry-run"])
    assert result.exit_code == 2
    assert f"{bad}:2:" in result.stderr and "not UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_db_must_be_a_tracker(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Dana Okafor - group PM at Fabrikam\n")
    result = runner.invoke(app, ["run", SITUATION, "--db", str(notes), "--dry-run"])
    assert result.exit_code == 2 and "not a tracker file" in result.stderr


def test_run_without_a_tracker_says_how_to_start_one() -> None:
    result = runner.invoke(app, ["run", SITUATION, "--tracker", "--dry-run"])
    assert result.exit_code == 2 and "track add" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "Nobody", "hi"], "no one named"),
        (["done", "#99"], "no action #99"),
        (["due", "--within", "soon"], "--within"),
        (["import", "missing.csv"], "no such file"),
        (["add", "missing.json"], "cannot read plan"),
    ],
)
def test_track_errors_are_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["track", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr


def test_track_refuses_a_foreign_file_without_touching_it(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a tracker")
    result = runner.invoke(app, ["track", "due", "--db", str(foreign)])
    assert result.exit_code == 2 and "not a net-skill tracker" in result.stderr
    assert foreign.read_text() == "not a tracker"


def test_track_due_text_output(tmp_path: Path, plan_file: Path) -> None:
    db = tmp_path / "t.db"
    track("add", str(plan_file), db=db)
    result = runner.invoke(app, ["track", "due", "--today", "2026-11-28", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("2026-11-25") and "3 d late" in first and "Dana Okafor" in first
    nothing = runner.invoke(app, ["track", "due", "--today", "2020-01-01", "--db", str(db)])
    assert "nothing due" in nothing.stdout


def test_dates_follow_today_not_the_clock(tmp_path: Path, plan_file: Path) -> None:
    db = tmp_path / "t.db"
    track("add", str(plan_file), db=db)
    logged = track("log", "Luis Romero", "call", "--today", "2030-01-01", db=db)
    assert logged["on"] == "2030-01-01"
    assert logged["due_on"] == (date(2030, 1, 1) + timedelta(days=30)).isoformat()
