"""The keep-in-touch tracker: plans in, the log, what is due, contacts, and the file's safety."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from net_skill.contacts import digest_contacts, read_contacts
from net_skill.skills.networking import _tracker_db
from net_skill.skills.networking.network import refine_strength
from net_skill.skills.networking.tracker import Tracker, TrackerError, default_tracker_path
from tests.contacts_factory import write_linkedin
from tests.plan_factory import good_plan

DATA = Path(__file__).parent / "data" / "contacts"
TODAY = date(2026, 11, 25)
PRICING_PM = "Senior PM on a pricing team at a large online retailer"


@pytest.fixture
def tracker(tmp_path: Path) -> Tracker:
    opened = Tracker.open(tmp_path / "tracker.db")
    yield opened  # type: ignore[misc]
    opened.close()


def dump(tracker: Tracker) -> dict[str, list[tuple[object, ...]]]:
    tables = ("person", "interaction", "plan", "action")
    return {
        t: [tuple(r) for r in tracker.conn.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in tables
    }


def test_default_file_is_in_the_data_folder(tmp_path: Path) -> None:
    assert default_tracker_path() == tmp_path / "net-skill-data" / "tracker.db"  # conftest
    with Tracker.open() as opened:
        assert opened.path == default_tracker_path()
    assert default_tracker_path().is_file()


def test_add_plan_fills_people_and_is_idempotent(tracker: Tracker) -> None:
    report = tracker.add_plan(good_plan(TODAY))
    assert report.added and report.people_added == 3 and report.actions_added == 5
    before = dump(tracker)
    again = tracker.add_plan(good_plan(TODAY))
    assert not again.added and again.plan_id == report.plan_id
    assert dump(tracker) == before
    people = {r["name"]: r for r in tracker.conn.execute("SELECT * FROM person")}
    assert people["Luis Romero"]["strength"] == "strong"
    assert people["Luis Romero"]["cadence_days"] == 30
    assert people["Dana Okafor"]["cadence_days"] == 90
    assert people["Dana Okafor"]["reason"] == "Share results"


def test_due_soonest_first_with_reasons(tracker: Tracker) -> None:
    tracker.add_plan(good_plan(TODAY))
    due = tracker.due(today=TODAY, within_days=0)
    assert [(i.kind, i.who) for i in due] == [
        ("send_outreach", "Dana Okafor"),
        ("send_outreach", PRICING_PM),
    ]
    later = tracker.due(today=TODAY, within_days=120)
    assert [(i.on, i.kind, i.who) for i in later] == [
        (TODAY, "send_outreach", "Dana Okafor"),
        (TODAY, "send_outreach", PRICING_PM),
        (date(2026, 11, 30), "follow_up", "Dana Okafor"),
        (date(2026, 11, 30), "follow_up", PRICING_PM),
        (date(2026, 12, 25), "keep_in_touch", "Luis Romero"),
        (date(2027, 2, 23), "keep_in_touch", "Dana Okafor"),
    ]
    luis = later[4]
    assert "strong tie" in luis.why and "Design news" in luis.why and luis.action_id is None
    assert later[2].latest == date(2026, 12, 2)
    assert later[0].in_days(TODAY + timedelta(days=3)) == -3


def test_log_resets_the_due_date(tracker: Tracker) -> None:
    tracker.add_plan(good_plan(TODAY))
    logged = tracker.log("Dana Okafor", "coffee", on=date(2026, 12, 10))
    assert logged.due_on == date(2026, 12, 10) + timedelta(days=90)  # medium: quarterly
    assert logged.strength == "medium" and logged.thank_you_due is None
    again = tracker.log("Dana", "call", on=date(2027, 1, 5))  # a part of the name is enough
    assert again.due_on == date(2027, 4, 5)
    keep = [
        i for i in tracker.due(today=date(2027, 1, 5), within_days=365) if i.who == "Dana Okafor"
    ]
    assert [i.on for i in keep if i.kind == "keep_in_touch"] == [date(2027, 4, 5)]


def test_an_older_interaction_does_not_move_the_due_date_back(tracker: Tracker) -> None:
    tracker.add_plan(good_plan(TODAY))
    tracker.log("Dana Okafor", "lunch", on=date(2026, 12, 10))
    late = tracker.log("Dana Okafor", "found an old note", on=date(2026, 11, 1))
    assert late.due_on == date(2027, 3, 10)


def test_frequent_contact_strengthens_the_tie(tracker: Tracker) -> None:
    tracker.add_plan(good_plan(TODAY))
    for day in (date(2026, 12, 1), date(2027, 1, 5), date(2027, 2, 2), date(2027, 3, 1)):
        logged = tracker.log("Dana Okafor", "chat", on=day)
    assert logged.strength == "strong" and logged.due_on == date(2027, 3, 31)


def test_conversation_dates_the_thank_you_and_closes_outreach(tracker: Tracker) -> None:
    tracker.add_plan(good_plan(TODAY))
    logged = tracker.log(
        "Dana Okafor", "informational interview", on=date(2026, 12, 3), conversation=True
    )
    assert logged.thank_you_due == date(2026, 12, 4)
    due = tracker.due(today=date(2026, 12, 3), within_days=0)
    dana = [(i.kind, i.on, i.latest) for i in due if i.who == "Dana Okafor"]
    assert dana == [
        ("thank_you", date(2026, 12, 3), date(2026, 12, 4))
    ]  # outreach, follow-up closed


def test_conversation_with_someone_outside_the_plan_still_asks_for_thanks(tracker: Tracker) -> None:
    logged = tracker.log("Sam Lee", "met at the PM meetup", on=TODAY, conversation=True, add=True)
    assert (
        logged.created
        and logged.strength == "weak"
        and logged.due_on == TODAY + timedelta(days=365)
    )
    (item,) = tracker.due(today=TODAY, within_days=1)
    assert (item.kind, item.who, item.latest) == ("thank_you", "Sam Lee", TODAY + timedelta(days=1))


def test_done_by_number_and_by_name(tracker: Tracker) -> None:
    tracker.add_plan(good_plan(TODAY))
    sent = tracker.done("Dana Okafor", today=date(2026, 11, 27))
    assert (sent.kind, sent.next_due) == ("send_outreach", date(2026, 12, 2))  # follow-up moves
    follow = [i for i in tracker.due(today=TODAY, within_days=30) if i.kind == "follow_up"]
    assert {(i.who, i.on, i.latest) for i in follow} == {
        ("Dana Okafor", date(2026, 12, 2), date(2026, 12, 4)),
        (PRICING_PM, date(2026, 11, 30), date(2026, 12, 2)),
    }
    number = next(i.action_id for i in follow if i.who == PRICING_PM)
    assert tracker.done(f"#{number}", today=TODAY).kind == "follow_up"
    with pytest.raises(TrackerError, match="was done on"):
        tracker.done(str(number), today=TODAY)
    touch = tracker.done("Luis", today=date(2026, 12, 20), kind="keep_in_touch")
    assert (touch.kind, touch.next_due) == ("keep_in_touch", date(2027, 1, 19))


def test_unknown_and_ambiguous_names(tracker: Tracker) -> None:
    tracker.import_contacts(read_contacts(DATA / "linkedin_connections.csv"), today=TODAY)
    tracker.log("Sam Okafor", "", on=TODAY, add=True)
    with pytest.raises(TrackerError, match="no one named 'Bartholomew'"):
        tracker.log("Bartholomew", "hi", on=TODAY)
    with pytest.raises(TrackerError, match="could be 2 people"):
        tracker.log("Okafor", "hi", on=TODAY)
    assert tracker.conn.execute("SELECT count(*) FROM interaction").fetchone()[0] == 1


def test_import_contacts_then_a_plan(tracker: Tracker) -> None:
    report = tracker.import_contacts(read_contacts(DATA / "linkedin_connections.csv"), today=TODAY)
    assert (report.read, report.added, report.updated, report.skipped) == (9, 9, 0, 1)
    again = tracker.import_contacts(read_contacts(DATA / "linkedin_connections.csv"), today=TODAY)
    assert (again.added, again.updated) == (0, 0)
    assert tracker.due(today=TODAY, within_days=365) == []  # imported people are not due
    google = tracker.import_contacts(read_contacts(DATA / "google_contacts.csv"), today=TODAY)
    assert google.updated == 2  # Dana and Luis gain emails and labels
    tracker.add_plan(good_plan(TODAY))
    dana = tracker.conn.execute("SELECT * FROM person WHERE key = 'dana okafor'").fetchone()
    assert (dana["company"], dana["strength"], dana["cadence_days"]) == ("Fabrikam", "medium", 90)
    assert "dana.okafor@fabrikam.example" in dana["emails"]


def test_contacts_for_runs_carry_strength_and_last_contact(tracker: Tracker) -> None:
    tracker.import_contacts(read_contacts(DATA / "linkedin_connections.csv"), today=TODAY)
    tracker.add_plan(good_plan(TODAY))
    tracker.log("Luis Romero", "design review", on=date(2026, 12, 1))
    found = tracker.contacts(today=date(2026, 12, 2))
    people = {c.name: c for c in found.contacts}
    assert found.format == "tracker" and found.goal.startswith("Learn how analysts")
    assert (people["Luis Romero"].tie, people["Luis Romero"].last_contact) == (
        "strong",
        date(2026, 12, 1),
    )
    assert people["Grace O'Neill"].tie == "dormant"  # connected 2012, never logged
    assert "reach out: Share results" in people["Dana Okafor"].note
    # Years later with no contact, the tie has gone dormant.
    assert {c.name: c.tie for c in tracker.contacts(today=date(2029, 6, 1)).contacts}[
        "Luis Romero"
    ] == "dormant"


def test_the_tracker_reads_as_a_contacts_source(tracker: Tracker) -> None:
    tracker.add_plan(good_plan(TODAY))
    tracker.log("Dana Okafor", "lunch", on=TODAY)
    found = read_contacts(tracker.path, today=TODAY)
    assert found.format == "tracker"
    digest = digest_contacts(
        [read_contacts(DATA / "linkedin_connections.csv"), found],
        "product at Fabrikam",
        today=TODAY,
    )
    dana = next(r for r in digest.listed if r.contact.name == "Dana Okafor")
    assert (dana.tie, dana.contact.last_contact, dana.contact.title) == (
        "medium",
        TODAY,
        "Group Product Manager",
    )
    assert "last contact 2026-11-25" in digest.text
    assert tracker.digest("product at Fabrikam", today=TODAY).read == 3


@pytest.mark.parametrize(
    ("base", "last", "in_year", "expected"),
    [
        ("strong", None, 0, "strong"),
        ("weak", date(2024, 1, 1), 0, "dormant"),
        ("strong", date(2025, 6, 1), 0, "weak"),
        ("dormant", date(2026, 11, 1), 1, "weak"),
        ("weak", date(2026, 11, 1), 2, "medium"),
        ("medium", date(2026, 11, 1), 5, "strong"),
        ("strong", date(2026, 11, 1), 1, "strong"),
    ],
)
def test_refine_strength(base: str, last: date | None, in_year: int, expected: str) -> None:
    assert refine_strength(base, last, in_year, TODAY) == expected  # type: ignore[arg-type]


# -- the file: foreign, broken, newer, migrated, shared ----------------------------------------


def digest_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_text_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my notes, not a database\n")
    before = digest_of(path)
    with pytest.raises(TrackerError, match=r"not an SQLite database\); nothing was changed"):
        Tracker.open(path)
    assert digest_of(path) == before


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE moz_places (url TEXT)")
        conn.execute("INSERT INTO moz_places VALUES ('https://example.com')")
    conn.close()
    before = digest_of(path)
    with pytest.raises(TrackerError, match="another program"):
        Tracker.open(path)
    assert digest_of(path) == before
    assert not (tmp_path / "places.sqlite-wal").exists()


def test_a_damaged_tracker_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    with Tracker.open(path) as opened:
        opened.add_plan(good_plan(TODAY))
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # scribble over the first page's content
    path.write_bytes(bytes(data))
    with pytest.raises(TrackerError, match="damaged or not a tracker"), Tracker.open(path) as t:
        t.due(today=TODAY)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    Tracker.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(TrackerError, match="newer net-skill"):
        Tracker.open(path)


def test_migration_keeps_data_and_a_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tracker.db"
    with Tracker.open(path) as opened:
        opened.add_plan(good_plan(TODAY))
    v2 = (2, ("ALTER TABLE person ADD COLUMN pronouns TEXT NOT NULL DEFAULT ''",))
    monkeypatch.setattr(_tracker_db, "MIGRATIONS", [*_tracker_db.MIGRATIONS, v2])
    with Tracker.open(path) as opened:
        assert opened.conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert (
            opened.conn.execute("SELECT count(*) FROM person WHERE pronouns = ''").fetchone()[0]
            == 3
        )
    backup = tmp_path / "tracker.db.v1.bak"
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == 3
    conn.close()


def test_a_failing_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tracker.db"
    with Tracker.open(path) as opened:
        opened.add_plan(good_plan(TODAY))
    broken = (2, ("ALTER TABLE person ADD COLUMN extra TEXT", "CREATE TABLE person (x)"))
    monkeypatch.setattr(_tracker_db, "MIGRATIONS", [*_tracker_db.MIGRATIONS, broken])
    with pytest.raises(TrackerError):
        Tracker.open(path)
    monkeypatch.undo()
    with Tracker.open(path) as opened:
        assert opened.conn.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = [r[1] for r in opened.conn.execute("PRAGMA table_info(person)")]
        assert "extra" not in columns
        assert len(opened.due(today=TODAY, within_days=365)) == 6


def _log_many(path: str, who: str, count: int) -> None:
    with Tracker.open(path) as opened:
        for n in range(count):
            opened.log(who, f"note {n}", on=TODAY + timedelta(days=n), add=True)


def test_concurrent_writers_never_corrupt_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    with Tracker.open(path) as opened:
        opened.add_plan(good_plan(TODAY))
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_log_many, args=(str(path), who, 40))
        for who in ("Dana Okafor", "Luis Romero", "New Person")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with Tracker.open(path) as opened:
        assert opened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert opened.conn.execute("SELECT count(*) FROM interaction").fetchone()[0] == 120
        last = opened.conn.execute("SELECT last_contact FROM person WHERE key = 'luis romero'")
        assert last.fetchone()[0] == (TODAY + timedelta(days=39)).isoformat()


def test_thirty_thousand_people(tmp_path: Path) -> None:
    export = write_linkedin(tmp_path / "Connections.csv", 30_000)
    with Tracker.open(tmp_path / "tracker.db") as opened:
        report = opened.import_contacts(read_contacts(export), today=TODAY)
        assert report.added == report.read > 29_000
        opened.add_plan(good_plan(TODAY))
        assert len(opened.due(today=TODAY, within_days=120)) == 6
        tracked = len(opened.contacts(today=TODAY).contacts)
        assert report.read < tracked <= report.read + 3  # the plan's people may be contacts
