"""`net-skill run` / `net-skill resume` through typer's CliRunner, on FakeBackend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from net_skill.backends.base import Backend
from net_skill.backends.fake import FakeBackend
from net_skill.backends.registry import BackendOptions
from net_skill.cli import app
from tests.plan_factory import GOOD_STEP_OUTPUTS
from tests.test_runner_fakes import SITUATION, networking_responder

runner = CliRunner()


@pytest.fixture
def fake_backends(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """Every backend the CLI selects is a FakeBackend with valid answers; records the choices."""
    chosen: list[tuple[str, str | None]] = []

    def select(name: str = "auto", options: BackendOptions | None = None) -> Backend:
        chosen.append((name, options.model if options else None))
        return FakeBackend(responder=networking_responder())

    monkeypatch.setattr("net_skill.cli._common.create_backend", select)
    return chosen


def data_runs(tmp_path: Path) -> list[Path]:
    runs = tmp_path / "net-skill-data" / "runs"
    return sorted(runs.iterdir()) if runs.is_dir() else []


@pytest.mark.parametrize("args", [["run", ""], ["run", "   "], ["run", "-"]])
def test_empty_situation_exits_2(args: list[str], fake_backends: list[object]) -> None:
    result = runner.invoke(app, args, input="  \n")
    assert result.exit_code == 2, result.output
    assert "empty" in result.stderr
    assert fake_backends == []


def test_json_prints_exactly_one_object(fake_backends: list[object], tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", SITUATION, "--json", "--today", "2026-05-04"])
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert plan["today"] == "2026-05-04"
    assert plan["targets"]["targets"][0]["name"] == GOOD_STEP_OUTPUTS[4]["targets"][0]["name"]
    assert result.stdout.count("\n") == 1
    (run_dir,) = data_runs(tmp_path)
    assert json.loads((run_dir / "plan.json").read_text())["today"] == "2026-05-04"


def test_markdown_plan_on_stdout_progress_on_stderr(fake_backends: list[object]) -> None:
    result = runner.invoke(app, ["run", SITUATION, "--no-record"])
    assert result.exit_code == 0, result.stderr
    assert "Networking plan" in result.stdout
    assert "step 8" in result.stderr and "tokens" in result.stderr
    assert "step 8" not in result.stdout


def test_a_terse_situation_gets_a_tip_on_stderr(fake_backends: list[object]) -> None:
    terse = runner.invoke(app, ["run", "need a job in sales", "--no-record"])
    assert terse.exit_code == 0, terse.stderr
    assert "tip: the situation has only 5 words" in terse.stderr
    assert "tip:" not in terse.stdout
    full = runner.invoke(app, ["run", SITUATION, "--no-record"])
    assert "tip:" not in full.stderr


def test_stdin_dash_reads_the_situation(fake_backends: list[object]) -> None:
    result = runner.invoke(app, ["run", "-", "--json", "--no-record"], input=SITUATION + "\n")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["situation"] == SITUATION


def test_auto_without_key_says_so_in_one_line(
    fake_backends: list[tuple[str, str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    result = runner.invoke(app, ["run", SITUATION, "--json", "--no-record"])
    assert result.exit_code == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "ANTHROPIC_API_KEY" in line]
    assert notices == [
        "net-skill: no ANTHROPIC_API_KEY set; using the embedded SmolLM2-135M-Instruct model "
        "(small: plans will be weak). Set the key for Claude."
    ]
    assert fake_backends == [("auto", None)]


def test_auto_with_key_prints_no_notice(
    fake_backends: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-api03-test")
    result = runner.invoke(app, ["run", SITUATION, "--json", "--no-record"])
    assert result.exit_code == 0, result.stderr
    assert "ANTHROPIC_API_KEY" not in result.stderr


def test_no_record_writes_nothing(fake_backends: list[object], tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", SITUATION, "--no-record", "--json"])
    assert result.exit_code == 0, result.stderr
    assert data_runs(tmp_path) == []


def test_output_dir_and_contacts(fake_backends: list[object], tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.txt"
    contacts.write_text("Bartholomew Quince - recruiter\n", encoding="utf-8")
    out = tmp_path / "runs"
    result = runner.invoke(
        app, ["run", SITUATION, "--output", str(out), "--contacts", str(contacts), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    (run_dir,) = out.iterdir()
    started = json.loads((run_dir / "events.jsonl").read_text().splitlines()[0])
    assert "Bartholomew Quince" in started["contacts"]  # a digest of the file (cli/run.py)
    assert str(run_dir) in result.stderr


def test_dry_run_prints_prompts_and_calls_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> Backend:
        raise AssertionError("--dry-run must not select a backend")

    monkeypatch.setattr("net_skill.cli._common.create_backend", refuse)
    result = runner.invoke(app, ["run", SITUATION, "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("===== step ") == 8
    assert "identical for all 8 steps" in result.stdout
    assert SITUATION in result.stdout
    as_json = runner.invoke(app, ["run", SITUATION, "--dry-run", "--json"])
    assert len(json.loads(as_json.stdout)["prompts"]) == 8


def test_dry_run_shows_the_prompts_of_the_chosen_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> Backend:
        raise AssertionError("--dry-run must not build a backend (it would load a model)")

    monkeypatch.setattr("net_skill.cli._common.create_backend", refuse)
    local = runner.invoke(app, ["run", SITUATION, "--dry-run", "--backend", "local"])
    claude = runner.invoke(app, ["run", SITUATION, "--dry-run", "--backend", "anthropic"])
    assert local.exit_code == 0 and claude.exit_code == 0, local.stderr + claude.stderr
    assert "<skill>" in claude.stdout and "<skill>" not in local.stdout  # brief: no whole skill
    assert len(local.stdout) < len(claude.stdout) / 2
    restyled = runner.invoke(
        app, ["run", SITUATION, "--dry-run", "--backend", "local", "--prompt-style", "full"]
    )
    assert "<skill>" in restyled.stdout


def test_the_registry_knows_each_backends_prompt_style_without_building_it() -> None:
    from net_skill.backends.fake import FakeBackend as Fake
    from net_skill.backends.local import LocalBackend
    from net_skill.backends.registry import backend_prompt_style

    assert backend_prompt_style("local") == LocalBackend.prompt_style == "brief"
    assert backend_prompt_style("fake") == Fake.prompt_style


def test_bad_options_exit_2(fake_backends: list[object]) -> None:
    assert runner.invoke(app, ["run", SITUATION, "--today", "tomorrow"]).exit_code == 2
    assert runner.invoke(app, ["run", SITUATION, "--backend", "gpt"]).exit_code == 2
    missing = runner.invoke(app, ["run", SITUATION, "--contacts", "/nonexistent/contacts.txt"])
    assert missing.exit_code == 2


def test_failure_names_the_resume_command_and_resume_finishes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    retry = FakeBackend(responder=networking_responder())
    backends = [FakeBackend({"step-4": '{"targets": []}'}, responder=networking_responder()), retry]
    monkeypatch.setattr("net_skill.cli._common.create_backend", lambda *a, **k: backends.pop(0))
    failed = runner.invoke(
        app, ["run", SITUATION, "--backend", "fake", "--max-reasks", "1", "--strict"]
    )
    assert failed.exit_code == 1
    (run_dir,) = data_runs(tmp_path)
    assert "net-skill resume" in failed.stderr
    assert "Traceback" not in failed.stderr
    resumed = runner.invoke(app, ["resume", str(run_dir), "--backend", "fake", "--json"])
    assert resumed.exit_code == 0, resumed.stderr
    assert json.loads(resumed.stdout)["skill_id"] == "net"
    assert sorted(call.tag for call in retry.calls) == [f"step-{n}" for n in range(4, 9)]
