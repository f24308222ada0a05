"""`track due` on a tracker of 30,000 people (target: under 100 ms).

    python benchmarks/bench_tracker.py [--people 30000] [--repeats 20]

Builds a tracker from a generated LinkedIn export of 30,000 people (`track import`), then gives
every person a keep-in-touch cadence and a due date spread over the next year, as if each had been
logged once, and adds a plan. Printed: the import time, and the median time of `Tracker.due`
(open file, query, build the items) for a 14-day window and for everyone due within a year,
and the wall time of the whole `net-skill track due --json` command (Python start-up and
imports included) for information.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.contacts_factory import write_linkedin  # noqa: E402
from tests.plan_factory import good_plan  # noqa: E402

from net_skill.contacts import read_contacts  # noqa: E402
from net_skill.skills.networking.schedule import CADENCE_DAYS  # noqa: E402
from net_skill.skills.networking.tracker import Tracker  # noqa: E402

TODAY = date(2026, 11, 25)
TARGET_S = 0.100


def build(path: Path, people: int) -> tuple[float, int]:
    rows = int(people / 0.97) + 50  # about 3% of a LinkedIn export's rows have no name
    export = write_linkedin(path.with_name("Connections.csv"), rows)
    started = time.perf_counter()
    with Tracker.open(path) as tracker:
        report = tracker.import_contacts(read_contacts(export), today=TODAY)
    imported = time.perf_counter() - started
    rng = random.Random(3)
    with Tracker.open(path) as tracker:
        ids = [row[0] for row in tracker.conn.execute("SELECT id FROM person")]
        rows = []
        for person_id in ids:
            strength = rng.choice(("strong", "medium", "weak"))
            cadence = CADENCE_DAYS[strength][0]
            last = TODAY - timedelta(days=rng.randrange(cadence))
            due = last + timedelta(days=cadence)
            rows.append((strength, cadence, last.isoformat(), due.isoformat(), person_id))
        tracker.conn.execute("BEGIN")
        tracker.conn.executemany(
            "UPDATE person SET strength = ?, cadence_days = ?, last_contact = ?, due_on = ?"
            " WHERE id = ?",
            rows,
        )
        tracker.conn.execute("COMMIT")
        tracker.add_plan(good_plan(TODAY))
    return imported, report.added


def time_due(path: Path, within: int, repeats: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        with Tracker.open(path) as tracker:
            count = len(tracker.due(today=TODAY, within_days=within))
        times.append(time.perf_counter() - started)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-tracker-") as folder:
        path = Path(folder) / "tracker.db"
        imported, added = build(path, args.people)
        size = path.stat().st_size / 2**20
        print(f"tracker of {added:,} people ({size:.1f} MiB): `track import` took {imported:.3f} s")
        two_weeks, due = time_due(path, 14, args.repeats)
        year, everyone = time_due(path, 365, max(3, args.repeats // 4))
        print(f"Tracker.due, 14-day window: {two_weeks * 1000:.1f} ms median ({due:,} items)")
        print(f"Tracker.due, one year: {year * 1000:.1f} ms median ({everyone:,} items)")
        command = [sys.executable, "-c", "from net_skill.cli import main; main()"]
        command += ["track", "due", "--within", "14d"]
        command += ["--today", TODAY.isoformat(), "--db", str(path), "--json"]
        walls = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            walls.append(time.perf_counter() - started)
        print(
            f"`net-skill track due --within 14d --json` wall time: "
            f"{statistics.median(walls) * 1000:.0f} ms (Python start-up and imports included)"
        )
        verdict = "OK" if two_weeks < TARGET_S else "MISSED"
        print(f"target: Tracker.due < {TARGET_S * 1000:.0f} ms on {added:,} people: {verdict}")
    sys.exit(0 if two_weeks < TARGET_S else 1)


if __name__ == "__main__":
    main()
