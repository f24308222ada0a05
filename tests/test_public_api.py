"""The public surface: what `from net_skill import ...` offers, typed, quiet and CLI-free."""

from __future__ import annotations

import inspect
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import net_skill
from net_skill._resources import bundled_skill_path
from tests.plan_factory import SITUATION
from tests.test_runner_fakes import networking_responder

EXPECTED = {
    # running a skill
    "load_skill",
    "parse_skill",
    "run_skill",
    "arun_skill",
    "resume_run",
    "aresume_run",
    "RunResult",
    "StepOutcome",
    "ProgressEvent",
    "select_backend",
    # typed results and the skill
    "NetworkingPlan",
    "GenericPlan",
    "Skill",
    "SkillStep",
    "SkillItem",
    # backends
    "Backend",
    "FakeBackend",
    "CompletionRequest",
    "Completion",
    "Message",
    "Usage",
    # embedding as an Anthropic tool
    "tool_definition",
    "handle_tool_use",
    "ahandle_tool_use",
    # errors
    "NetSkillError",
    "SkillParseError",
    "InputError",
    "ConfigurationError",
    "BackendError",
    "OutputValidationError",
    "RunAbortedError",
}


def test_all_lists_the_public_names() -> None:
    exported = set(net_skill.__all__)
    assert len(exported) == len(net_skill.__all__), "duplicates in __all__"
    missing = EXPECTED - exported
    assert not missing, f"add to net_skill.__all__: {sorted(missing)}"
    for name in net_skill.__all__:
        assert hasattr(net_skill, name), f"__all__ names {name} but net_skill has no such attribute"


def test_async_twins_are_coroutines() -> None:
    for sync_name, async_name in (
        ("run_skill", "arun_skill"),
        ("resume_run", "aresume_run"),
        ("handle_tool_use", "ahandle_tool_use"),
    ):
        assert not inspect.iscoroutinefunction(getattr(net_skill, sync_name))
        assert inspect.iscoroutinefunction(getattr(net_skill, async_name))


def test_the_package_is_marked_typed() -> None:
    assert (Path(net_skill.__file__).parent / "py.typed").is_file()


def test_importing_the_library_pulls_in_no_cli_and_no_sdk() -> None:
    code = (
        "import sys, net_skill\n"
        "heavy = [m for m in ('typer', 'rich', 'mcp', 'llama_cpp') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert completed.stdout.strip() == ""
    assert completed.stderr == ""


def test_running_a_skill_from_python_prints_nothing(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    skill = net_skill.load_skill(bundled_skill_path())
    backend = net_skill.FakeBackend(responder=networking_responder())
    result = net_skill.run_skill(
        SITUATION, skill=skill, backend=backend, today=date(2026, 11, 25), output_dir=tmp_path
    )
    assert isinstance(result, net_skill.RunResult)
    assert isinstance(result.plan, net_skill.NetworkingPlan)
    assert result.run_dir is not None and result.run_dir.parent == tmp_path
    out, err = capfd.readouterr()
    assert out == "" and err == ""


async def test_the_async_twin_runs_too(capfd: pytest.CaptureFixture[str]) -> None:
    backend = net_skill.FakeBackend(responder=networking_responder())
    result = await net_skill.arun_skill(SITUATION, backend=backend, record=False)
    assert isinstance(result.plan, net_skill.NetworkingPlan)
    assert capfd.readouterr() == ("", "")
