"""`net-skill show`, through the real typer app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from net_skill.cli import app

runner = CliRunner()


def invoke(*args: str) -> Result:
    return runner.invoke(app, ["show", *args])


def test_json_of_the_bundled_skill_is_one_object() -> None:
    result = invoke("--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    assert {"id", "name", "description", "steps", "verification", "when_to_use"} <= set(data)
    assert data["id"] == "net"
    assert data["name"] == "net - Professional Networking"
    assert [s["number"] for s in data["steps"]] == list(range(1, 9))
    assert data["steps"][0]["title"] == "Define your networking purpose"
    assert set(data["steps"][0]) >= {"number", "title", "items"}
    assert data["steps"][0]["items"][0]["text"] == "Primary goal:"
    assert data["verification"][0] == "Network audited and mapped"
    assert len(data["when_to_use"]) == 6


def test_json_of_a_corpus_file_with_warnings_stays_one_object(corpus_dir: Path) -> None:
    result = invoke(str(corpus_dir / "satrda.SKILL.md"), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "satrda"
    assert data["verification"] == []
    assert data["warnings"] == ["no '## Verification' section: the checklist is empty"]
    assert "no '## Verification' section" in result.stderr


def test_json_does_not_wrap_long_lines(corpus_dir: Path) -> None:
    result = invoke(str(corpus_dir / "pefs.SKILL.md"), "--json")
    data = json.loads(result.stdout)
    assert data["description"].startswith("Meta-procedure for extracting implicit procedures")
    assert len(data["steps"]) == 12


def test_human_view_lists_steps_items_and_checklist() -> None:
    result = invoke()
    assert result.exit_code == 0
    out = result.stdout
    assert "net - Professional Networking" in out
    assert "Step 1: Define your networking purpose" in out
    assert "Step 8: Leverage network appropriately" in out
    assert "Career exploration (learning about options)" in out
    assert "Verification checklist (6)" in out
    assert "☐ Network audited and mapped" in out
    assert "• Building long-term professional relationships" in out
    # Square brackets in skill text are text, not rich markup.
    assert "[Name]" in out


def test_human_view_of_a_skill_without_steps(corpus_dir: Path) -> None:
    result = invoke(str(corpus_dir / "qaf.SKILL.md"))
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())  # the console wraps at 80 columns
    assert "a run treats the whole skill as one step" in out
    assert "Warnings (1)" in out


def test_parse_error_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.SKILL.md"
    bad.write_text("---\nname: x - y\n---\n## Steps\n### Step 1: a\n### Step 1: b\n")
    result = invoke(str(bad))
    assert result.exit_code == 2
    assert f"{bad}:6" in result.stderr
    assert "Step 1 repeats" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "missing.md"), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "cannot read skill file" in result.stderr


# --------------------------------------------------------------------------- warnings


WARNED = (
    "---\nname: warned - Warned\n---\n# Warned\n\n## Steps\n\n### Step 1: Only\n- one\n\n"
    "## Step 2: Stray\n"
)


def test_each_warning_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "warned.SKILL.md"
    path.write_text(WARNED, encoding="utf-8")
    result = invoke(str(path), "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {path}: frontmatter has no `description`",
        f"warning: {path}:11: '## Step 2: Stray' is an H2 section, not a step under '## Steps': "
        "it is kept as a section",
        f"warning: {path}: no '## Verification' section: the checklist is empty",
    ]


def test_run_shows_loader_warnings_once_as_lines_not_python_warnings(tmp_path: Path) -> None:
    path = tmp_path / "warned.SKILL.md"
    path.write_text(WARNED, encoding="utf-8")
    result = runner.invoke(app, ["run", "--dry-run", "--skill", str(path), "I am a nurse"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [line for line in lines if line.startswith(f"warning: {path}")]
    assert len(lines) == len(set(lines)) == 3
    assert "SkillWarning" not in result.stderr and "load_skill" not in result.stderr


def test_the_readable_view_lists_warnings_and_does_not_repeat_them_on_stderr(
    tmp_path: Path,
) -> None:
    path = tmp_path / "warned.SKILL.md"
    path.write_text(WARNED, encoding="utf-8")
    result = invoke(str(path))
    assert result.exit_code == 0, result.output
    assert "Warnings (3)" in result.stdout
    assert result.stderr == ""
