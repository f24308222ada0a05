"""Paired comparison of two evaluation folders, per criterion and per case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from net_skill.errors import InputError
from net_skill.eval.compare import compare_runs, comparison_markdown


def record(case: str, epoch: int, passes: dict[str, bool], *, status: str = "ok") -> dict[str, Any]:
    criteria = [
        {
            "criterion_id": cid,
            "text": cid,
            "weight": 1.0,
            "status": "passed" if ok else "failed",
            "passed": ok,
            "score": 1.0 if ok else 0.0,
        }
        for cid, ok in passes.items()
    ]
    overall = sum(passes.values()) / len(passes)
    score = {
        "skill_id": "net",
        "score": overall,
        "passed": all(passes.values()),
        "passed_count": sum(passes.values()),
        "scored_count": len(passes),
        "criteria": criteria,
    }
    return {
        "case_id": case,
        "epoch": epoch,
        "variant": "chain",
        "status": status,
        "overall": overall if status == "ok" else None,
        "score": score if status == "ok" else None,
    }


def write(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir()
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


def test_paired_differences_wins_losses_and_cases(tmp_path: Path) -> None:
    a = write(
        tmp_path / "a",
        [
            record("c1", 1, {"x": False, "y": True}),
            record("c2", 1, {"x": True, "y": True}),
            record("c3", 1, {"x": False, "y": False}),
            record("c4", 1, {"x": True, "y": True}),
            record("only-a", 1, {"x": True, "y": True}),
        ],
    )
    b = write(
        tmp_path / "b",
        [
            record("c1", 1, {"x": True, "y": True}),  # gains x
            record("c2", 1, {"x": True, "y": False}),  # loses y
            record("c3", 1, {"x": True, "y": True}),  # gains both
            record("c4", 1, {"x": True, "y": True}, status="error"),  # not compared
        ],
    )
    result = compare_runs(a, b)
    assert result.paired == 3
    assert result.only_a.count == 2  # c4 errored in B, only-a missing in B
    assert result.errors_b == 1
    x, y = result.criteria["x"], result.criteria["y"]
    assert (x.wins, x.losses, x.ties) == (2, 0, 1)
    assert (y.wins, y.losses, y.ties) == (1, 1, 1)
    assert x.a == pytest.approx(1 / 3) and x.b == pytest.approx(1.0)
    assert x.difference.mean == pytest.approx(2 / 3, abs=1e-6)
    overall = result.overall
    assert overall.difference.mean == pytest.approx((0.5 - 0.5 + 1.0) / 3, abs=1e-6)
    # plans meeting every criterion: A c2 only; B c1 and c3
    passing = result.plans_passed
    assert passing.a == pytest.approx(1 / 3) and passing.b == pytest.approx(2 / 3)
    assert (passing.wins, passing.losses, passing.ties) == (2, 1, 0)
    cases = {row.case_id: row for row in result.cases}
    assert cases["c1"].gained == ["x"] and cases["c1"].lost == []
    assert cases["c1"].passed_a is False and cases["c1"].passed_b is True
    assert cases["c2"].lost == ["y"]
    assert result.cases[0].case_id == "c2"  # regressions first
    text = comparison_markdown(result)
    assert text.index("plans meeting every criterion") < text.index("score (share")
    assert "| **plans meeting every criterion** | 0.333 | 0.667 |" in text
    assert "| `x` pass rate | 0.333 | 1.000 | +0.667" in text
    assert "| c1 | +0.500 | no → yes | x | – |" in text


def test_epochs_pair_by_case_and_epoch(tmp_path: Path) -> None:
    a = write(tmp_path / "a", [record("c", e, {"x": False}) for e in (1, 2)])
    b = write(tmp_path / "b", [record("c", 1, {"x": True}), record("c", 2, {"x": False})])
    result = compare_runs(a, b)
    assert result.paired == 2
    assert result.criteria["x"].difference.mean == pytest.approx(0.5)
    assert result.criteria["x"].difference.n == 1  # one case


def test_compare_needs_results(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no results\.jsonl"):
        compare_runs(tmp_path / "empty", tmp_path / "empty")
