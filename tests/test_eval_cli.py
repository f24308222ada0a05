"""`net-skill eval`, `score`, `compare`, `calibrate` through typer's CliRunner, on FakeBackend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from net_skill.cli import app

CASES = [
    {"id": "teacher", "situation": "Maths teacher moving into UX research in Toronto."},
    {"id": "nurse", "situation": "ICU nurse moving into clinical informatics in Boston."},
]


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CASES))
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_eval_fail_under_sets_the_exit_code(cases_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    base = [
        "eval",
        str(cases_file),
        "--out",
        str(out),
        "--backend",
        "fake",
        "--no-judge",
        "--today",
        "2025-03-03",
    ]
    code, stdout, stderr = run(*base, "--fail-under", "0")
    assert code == 0, stderr
    assert "chain: plans meeting every criterion" in stdout and "share of criteria met" in stdout
    assert "report.html" in stderr
    code, _stdout, stderr = run(*base, "--fail-under", "0.999")
    assert code == 1
    assert "below --fail-under 0.999 by" in stderr and "share of criteria met" in stderr
    report = json.loads((out / "report.json").read_text())
    assert report["manifest"]["judge"] is None


def test_eval_json_output_and_bad_cases(cases_file: Path, tmp_path: Path) -> None:
    code, stdout, _ = run(
        "eval",
        str(cases_file),
        "--out",
        str(tmp_path / "o"),
        "--backend",
        "fake",
        "--judge-backend",
        "fake",
        "--json",
    )
    assert code == 0
    assert json.loads(stdout)["variants"]["chain"]["results"] == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"situation": "x"}\n')
    code, _, stderr = run("eval", str(bad), "--out", str(tmp_path / "b"), "--backend", "fake")
    assert code == 2
    assert "bad.jsonl:1" in stderr and "Traceback" not in stderr


def test_score_compare_and_calibrate(cases_file: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        code, _, stderr = run(
            "eval",
            str(cases_file),
            "--out",
            str(tmp_path / name),
            "--backend",
            "fake",
            "--no-judge",
        )
        assert code == 0, stderr
    code, stdout, _ = run("compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json")
    assert code == 0 and json.loads(stdout)["paired"] == 2
    code, stdout, _ = run("compare", str(tmp_path / "a"), str(tmp_path / "b"))
    assert code == 0 and "B − A" in stdout
    record = json.loads((tmp_path / "a" / "results.jsonl").read_text().splitlines()[0])
    plan_file = tmp_path / "plan.json"
    cached = json.loads((tmp_path / "a" / record["plan_path"]).read_text())
    plan_file.write_text(json.dumps(cached["plan"]))
    code, stdout, _ = run("score", str(plan_file), "--no-judge", "--json")
    assert code == 0
    assert json.loads(stdout)["score"] == pytest.approx(record["overall"])
    code, stdout, _ = run("score", str(plan_file), "--no-judge")
    assert code == 0 and "checks only" in stdout
    labeled = Path(__file__).resolve().parents[1] / "evals" / "labeled"
    code, stdout, _ = run("calibrate", str(labeled), "--no-judge")
    assert code == 0 and "| criterion |" in stdout
