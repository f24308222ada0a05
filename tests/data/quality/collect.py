"""Collect every string value the model wrote in local runs, for labelling by hand.

    python tests/data/quality/collect.py RUN_FOLDER... > candidates.jsonl

Reads each run's `events.jsonl`: the JSON text of every `response` (re-asked attempts too) and
every `step_finished` output. Prints one row per distinct (run, step, path, value), with the
situation it came from; `junk.jsonl` and `good.jsonl` are these rows after reading them, with
`kind` added to junk rows.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from net_skill.quality import format_path


def strings(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield format_path(path), node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, (*path, index))


def rows(events_file: Path) -> Iterator[dict[str, Any]]:
    situation = ""
    seen: set[tuple[int, str, str]] = set()
    for line in events_file.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event["type"] == "run_started":
            situation = event["situation"]
            continue
        if event["type"] == "response":
            step = int(str(event["tag"]).removeprefix("step-"))
            try:
                data = json.loads(event["text"])
            except json.JSONDecodeError:
                continue
        elif event["type"] == "step_finished":
            step, data = int(event["step"]), event["output"]
        else:
            continue
        for path, value in strings(data):
            if (step, path, value) not in seen:
                seen.add((step, path, value))
                yield {"step": step, "path": path, "value": value, "situation": situation}


def main(folders: list[str]) -> None:
    for folder in folders:
        for events_file in sorted(Path(folder).glob("**/events.jsonl")):
            run = events_file.parent.parent.name
            for row in rows(events_file):
                print(json.dumps({"run": run, **row}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
