"""The text-quality module against labelled tables: real junk from local runs, good values from
local runs, the hand-labelled good plans and a hand-written table of must-not-flag values.

Each table row is one test, so a failure names its row. A row from a local run is inspected
with the whole answer it came from (`outputs.jsonl`), as a validator would see it, so values
pasted across fields count. Junk the module does not catch is labelled `"known_miss"` with the
reason and runs as an expected failure; `test_figures` prints the counts.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from net_skill.quality import Problem, inspect_output, inspect_text
from tests.quality_tables import LABELED, Row, parse_path, rows, step_context, step_outputs

JUNK = rows("junk")
GOOD = rows("good")
WEAK = rows("weak")
OUTPUTS = {answer["id"]: answer for answer in rows("outputs")}


def _prompt(source: str) -> str:
    return "compact" if source.startswith("run:compact") else "chain"


def _problems(row: Row) -> list[Problem]:
    context = step_context(row["step"], row["situation"], _prompt(row["source"]))
    path = parse_path(row["path"])
    if "output" in row:
        return [p for p in _output_problems(row["output"]) if p.path == path]
    if "with" not in row:
        return inspect_text(row["value"], context, path)
    output: dict[str, Any] = {}
    for where, value in [[row["path"], row["value"]], *row["with"]]:
        _put(output, parse_path(where), value)
    return [p for p in inspect_output(output, context) if p.path == path]


@cache
def _output_problems(output_id: str) -> tuple[Problem, ...]:
    answer = OUTPUTS[output_id]
    context = step_context(answer["step"], answer["situation"], _prompt(f"run:{answer['run']}"))
    return tuple(inspect_output(answer["output"], context))


def _put(tree: dict[str, Any], path: tuple[str | int, ...], value: str) -> None:
    node: Any = tree
    for part, after in zip(path, (*path[1:], None), strict=True):
        if after is None:
            break
        container = list if isinstance(after, int) else dict  # new each time: items must not alias
        if isinstance(part, int):
            while len(node) <= part:
                node.append(container())
            node = node[part]
        else:
            node = node.setdefault(part, container())
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append("")
        node[last] = value
    else:
        node[last] = value


def _row_id(row: Row) -> str:
    return f"{row['source']}:{row['path']}:{row['value'][:40]}"


def _junk_param(row: Row) -> Any:
    missed = "known_miss" in row
    marks = [pytest.mark.xfail(reason=row["known_miss"], strict=True)] if missed else []
    return pytest.param(row, id=_row_id(row), marks=marks)


@pytest.mark.parametrize("row", [_junk_param(r) for r in JUNK])
def test_junk_is_caught(row: Row) -> None:
    problems = _problems(row)
    kinds = {p.kind for p in problems}
    wanted = {row["kind"]} if isinstance(row["kind"], str) else set(row["kind"])
    assert wanted & kinds, f"expected {sorted(wanted)}, found {sorted(kinds) or 'nothing'}"
    for problem in problems:
        assert problem.message.startswith(row["path"]), problem.message


@pytest.mark.parametrize("row", [pytest.param(r, id=_row_id(r)) for r in GOOD])
def test_good_value_is_not_flagged(row: Row) -> None:
    assert _problems(row) == []


@pytest.mark.parametrize("name", sorted(p.stem for p in LABELED.glob("good-*.json")))
def test_hand_labelled_good_plans_have_no_problem(name: str) -> None:
    plan = json.loads((LABELED / f"{name}.json").read_text(encoding="utf-8"))["plan"]
    for step, output in step_outputs(plan).items():
        found = inspect_output(output, step_context(step, plan["situation"]))
        assert found == [], [p.message for p in found]


def test_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """Junk caught and good values flagged on the values of local runs, printed."""
    real = [r for r in JUNK + GOOD + WEAK if r["source"].startswith("run:")]
    flagged = {id(r) for r in real if _problems(r)}

    def share(table: list[Row]) -> tuple[int, int]:
        mine = [r for r in table if r["source"].startswith("run:")]
        return sum(1 for r in mine if id(r) in flagged), len(mine)

    (caught, junk), (false, good), (weak_flagged, weak) = share(JUNK), share(GOOD), share(WEAK)
    with capsys.disabled():
        print(
            f"\nquality on {len(real)} values from local runs: junk caught {caught}/{junk}, "
            f"good flagged {false}/{good}, weak (real words, wrong answer) flagged "
            f"{weak_flagged}/{weak}"
        )
    assert false == 0
    assert caught >= 0.85 * junk
