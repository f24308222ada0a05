"""The text-quality module against labelled tables: real junk from local runs, good values from
local runs, the hand-labelled good plans and a hand-written table of must-not-flag values.

Each table row is one test, so a failure names its row. Junk the module does not catch yet is
labelled `"known_miss"` with the reason, and runs as an expected failure: the figures in
`test_figures` count it as missed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from net_skill.quality import Problem, inspect_output, inspect_text
from tests.quality_tables import LABELED, Row, parse_path, rows, step_context, step_outputs

JUNK = rows("junk")
GOOD = rows("good")


def _problems(row: Row) -> list[Problem]:
    context = step_context(row["step"], row["situation"])
    path = parse_path(row["path"])
    if "with" not in row:
        return inspect_text(row["value"], context, path)
    output: dict[str, Any] = {}
    for where, value in [[row["path"], row["value"]], *row["with"]]:
        _put(output, parse_path(where), value)
    return [p for p in inspect_output(output, context) if p.path == path]


def _put(tree: dict[str, Any], path: tuple[str | int, ...], value: str) -> None:
    node: Any = tree
    for part, after in zip(path, (*path[1:], None), strict=True):
        if after is None:
            break
        default: Any = [] if isinstance(after, int) else {}
        if isinstance(part, int):
            while len(node) <= part:
                node.append(default)
            node = node[part]
        else:
            node = node.setdefault(part, default)
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
    assert row["kind"] in kinds, f"expected {row['kind']}, found {sorted(kinds) or 'nothing'}"
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
    """Caught junk and flagged good values on the real rows (from local runs), printed."""
    real_junk = [r for r in JUNK if r["source"].startswith("run:")]
    real_good = [r for r in GOOD if r["source"].startswith("run:")]
    caught = sum(1 for r in real_junk if _problems(r))
    flagged = [r for r in real_good if _problems(r)]
    with capsys.disabled():
        print(
            f"\nquality on real values: junk caught {caught}/{len(real_junk)}, "
            f"good flagged {len(flagged)}/{len(real_good)}"
        )
    assert not flagged, [_row_id(r) for r in flagged]
    assert caught >= 0.85 * len(real_junk)
