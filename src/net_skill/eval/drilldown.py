"""The drill-down of the reports: the worst results, read back one at a time by offset."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from net_skill.eval.compare import parse_record
from net_skill.eval.report_model import ResultRecord
from net_skill.eval.results import read_record_at

__all__ = ["MAX_DRILLDOWN", "drilldown_records"]

MAX_DRILLDOWN = 500
"""Cases shown in the drill-down of report.md / report.html: the worst first."""


def drilldown_records(
    results: Path, offsets: list[int]
) -> Iterator[tuple[ResultRecord, str | None]]:
    """The drill-down records (worst first) with their situation text, read one at a time."""
    with results.open("rb") as stream:
        for offset in offsets:
            data = read_record_at(stream, offset)
            record = parse_record(data) if data is not None else None
            if record is not None:
                yield record, _situation_of(results.parent, record.plan_path)


def _situation_of(folder: Path, plan_path: str | None) -> str | None:
    if plan_path is None:
        return None
    path = Path(plan_path)
    try:
        data = json.loads((path if path.is_absolute() else folder / path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    plan = data.get("plan") if isinstance(data, dict) else None
    situation = plan.get("situation") if isinstance(plan, dict) else None
    return situation if isinstance(situation, str) else None
