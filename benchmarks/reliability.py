"""The reliability suites, measured: faults, crashes and hostile input, in one table.

    python benchmarks/reliability.py            # the full suites (about 5 minutes on 2 cores)
    python benchmarks/reliability.py --quick    # a fifth of the sizes (under 2 minutes)
    python benchmarks/reliability.py --json     # the figures as JSON

The same drivers run in the test suite (tests/reliability, asserted there):

- faults: `net-skill eval` over 50 cases at concurrency 8 while the fake API (net_skill.testing,
  its own process, reached by the real SDKs) faults 30% of the calls with every transient kind,
  through the Anthropic backend and through the OpenAI-compatible one; a burst of 200 cases at
  concurrency 32 against 429 on half the calls. A fault survived: the case it hit has exactly
  one record, a result or an error naming its cause.
- crashes: kill -9 of `net-skill eval` at random moments (10 trials), then `--resume`; kill -9 of
  `net-skill run` in the middle of the chain (5 trials), then `net-skill resume`. Recovered: the
  results (or the plan) equal an uninterrupted run's, each key once, only missing steps rerun.
- hostile: situations, contacts, tool and MCP calls, damaged run folders, inputs that used to
  fail after paying, a key typed into a situation (tests/reliability/hostile.py).

Target: 0 lost, 0 duplicated, every fault survived, every kill recovered, every input handled.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.crashes import KillFigures, eval_kills, run_kills
from tests.reliability.faults import (
    FaultFigures,
    burst_of_rate_limits,
    eval_under_faults,
)
from tests.reliability.hostile import hostile_suite


@dataclass
class Row:
    suite: str
    faults: str = "–"
    cases: str = "–"
    kills: str = "–"
    hostile: str = "–"
    detail: str = ""
    seconds: float = 0.0


def fault_row(figures: FaultFigures) -> Row:
    unread = figures.tokens_billed - figures.tokens_recorded
    tokens = (
        f"all {figures.tokens_billed:,} billed tokens recorded"
        if unread == 0
        else f"{figures.tokens_recorded:,} of {figures.tokens_billed:,} billed tokens recorded "
        f"({unread:,} in answers sent as {figures.timeouts} call(s) hit their deadline)"
    )
    detail = (
        f"{figures.requests:,} requests; errors {figures.first_pass_errors} on the first pass, "
        f"{figures.final_errors} final; {tokens}; longest wait {figures.max_wait_s:.1f} s "
        f"(bound {figures.wait_cap_s:g} s)"
    )
    if figures.lowest_concurrency is not None:
        detail += f"; concurrency down to {figures.lowest_concurrency}"
    return Row(
        figures.name,
        faults=f"{figures.faults:,} / {figures.survived:,}",
        cases=f"{figures.lost} / {figures.duplicated} (of {figures.cases})",
        detail=detail,
        seconds=figures.wall_s,
    )


def kill_row(figures: KillFigures) -> Row:
    detail = f"{figures.torn_lines} torn line(s) met"
    if figures.failures:
        detail += f"; FAILED: {figures.failures[:2]}"
    return Row(
        figures.name,
        kills=f"{figures.kills} / {figures.recovered}",
        cases="0 / 0" if not figures.failures else "see detail",
        detail=detail,
        seconds=figures.wall_s,
    )


def measure(folder: Path, *, quick: bool) -> list[Row]:
    scale = 5 if quick else 1
    rows = []
    for dialect in ("anthropic", "openai"):
        where = folder / f"faults-{dialect}"
        where.mkdir()
        rows.append(fault_row(eval_under_faults(where, cases=50 // scale, dialect=dialect)))
    (folder / "burst").mkdir()
    rows.append(fault_row(burst_of_rate_limits(folder / "burst", cases=200 // scale)))
    (folder / "eval-kills").mkdir()
    rows.append(kill_row(eval_kills(folder / "eval-kills", trials=10 // scale)))
    (folder / "run-kills").mkdir()
    rows.append(kill_row(run_kills(folder / "run-kills", trials=max(1, 5 // scale))))
    (folder / "hostile").mkdir()
    started = time.perf_counter()
    hostile = hostile_suite(folder / "hostile")
    surfaces = ", ".join(f"{name} {n}" for name, n in hostile.by_surface.items())
    rows.append(
        Row(
            "hostile inputs",
            hostile=f"{hostile.tried} / {hostile.handled}",
            detail=surfaces + (f"; FAILED: {hostile.failures[:3]}" if hostile.failures else ""),
            seconds=time.perf_counter() - started,
        )
    )
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| suite | faults injected / survived | cases lost / duplicated | kills / recovered "
        "| hostile inputs tried / handled | time |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.suite} | {row.faults} | {row.cases} | {row.kills} | {row.hostile} "
            f"| {row.seconds:.0f} s |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the sizes")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="net-skill-reliability-") as folder:
        os.environ["NET_SKILL_DATA_DIR"] = str(Path(folder) / "data")
        for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY"):
            os.environ.pop(name, None)
        started = time.perf_counter()
        rows = measure(Path(folder), quick=args.quick)
    if args.json:
        data: dict[str, Any] = {"rows": [asdict(row) for row in rows]}
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    print(table(rows))
    print()
    for row in rows:
        print(f"- {row.suite}: {row.detail}")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    print(
        "target: 0 lost, 0 duplicated, every fault survived, every kill recovered, "
        "every hostile input handled"
    )


if __name__ == "__main__":
    main()
