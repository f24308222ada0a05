"""Collect what the model wrote in local runs, for labelling by hand.

    python tests/data/quality/collect.py OUTPUTS_FILE RUN_FOLDER... > candidates.jsonl

Reads each run's `events.jsonl` and appends the JSON answer of every `response` (re-asked
attempts too) to OUTPUTS_FILE as `{"id", "run", "step", "attempt", "situation", "output"}`.
Prints one row per distinct (run, step, path, value) string, with the id of the first output it
came from; `junk.jsonl`, `weak.jsonl` and `good.jsonl` are these rows after reading them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from net_skill.quality import format_path
from net_skill.quality._context import strings_in as strings


def outputs(events_file: Path) -> Iterator[dict[str, Any]]:
    run = events_file.parent.parent.name
    situation = ""
    for line in events_file.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event["type"] == "run_started":
            situation = event["situation"]
        elif event["type"] == "response":
            step = int(str(event["tag"]).removeprefix("step-"))
            try:
                output = json.loads(event["text"])
            except json.JSONDecodeError:
                continue
            attempt = int(event["attempt"])
            yield {
                "id": f"{run}/{step}/{attempt}",
                "run": run,
                "step": step,
                "attempt": attempt,
                "situation": situation,
                "output": output,
            }


def main(outputs_file: str, folders: list[str]) -> None:
    seen: set[tuple[str, int, str, str]] = set()
    with open(outputs_file, "a", encoding="utf-8") as written:
        for folder in folders:
            for events_file in sorted(Path(folder).glob("**/events.jsonl")):
                for answer in outputs(events_file):
                    written.write(json.dumps(answer, ensure_ascii=False) + "\n")
                    for where, value in strings(answer["output"], ()):
                        path = format_path(where)
                        key = (answer["run"], answer["step"], path, value)
                        if key in seen:
                            continue
                        seen.add(key)
                        row = {"value": value, "path": path, "step": answer["step"]}
                        row |= {"situation": answer["situation"], "source": f"run:{answer['run']}"}
                        print(json.dumps({**row, "output": answer["id"]}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
