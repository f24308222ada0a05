"""Run folders: layout, event content, redaction of API keys, torn lines, folder naming."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from net_skill._redact import redact
from net_skill.backends.fake import FakeBackend
from net_skill.errors import InputError
from net_skill.events import RunInterrupted
from net_skill.records import RunRecorder, default_runs_dir, read_events
from net_skill.runner import run_skill
from net_skill.skills.networking import NetworkingPlan
from tests.test_runner_fakes import SITUATION, networking_responder

KEY = "sk-ant-api03-AbCdEf_123-xyzXYZ0987654321"


class KeyedFake(FakeBackend):
    """A backend whose description (wrongly) carries an API key, to prove records redact it."""

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "api_key": KEY}


def run_dir_files(run_dir: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in run_dir.iterdir()}


def test_run_folder_layout_and_events(tmp_path: Path) -> None:
    result = run_skill(
        SITUATION,
        backend=FakeBackend(responder=networking_responder()),
        today=date(2026, 1, 5),
        output_dir=tmp_path,
    )
    run_dir = result.run_dir
    assert run_dir is not None and run_dir.parent == tmp_path
    assert re.fullmatch(r"\d{8}T\d{6}Z-net-[0-9a-f]{8}", run_dir.name)
    assert sorted(p.name for p in run_dir.iterdir()) == [
        ".lock",
        "events.jsonl",
        "plan.json",
        "plan.md",
    ]
    events = list(read_events(run_dir))
    start = events[0]
    assert start["type"] == "run_started"
    assert start["situation"] == SITUATION and start["today"] == "2026-01-05"
    assert start["skill"]["id"] == "net" and len(start["skill"]["sha256"]) == 8
    assert start["backend"] == {"backend": "fake", "model": "fake-model"}
    assert "<situation>" in start["system"]
    assert events[-1]["type"] == "run_finished"
    by_type: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_type.setdefault(event["type"], []).append(event)
        assert "time" in event
    assert len(by_type["step_started"]) == 8 and len(by_type["step_finished"]) == 8
    assert len(by_type["request"]) == 8 and len(by_type["response"]) == 8
    finished = {e["step"]: e for e in by_type["step_finished"]}
    assert finished[4]["output"]["targets"][0]["tier"] in (1, 2, 3)
    assert finished[4]["usage"]["output_tokens"] > 0
    step6_prompt = next(e["prompt"] for e in by_type["step_started"] if e["step"] == 6)
    assert "Step 6 of 8" in step6_prompt
    plan = NetworkingPlan.model_validate_json((run_dir / "plan.json").read_text())
    assert plan == result.plan
    assert (run_dir / "plan.md").read_text().startswith("# Networking plan")


def test_api_key_never_reaches_a_record(tmp_path: Path) -> None:
    situation = SITUATION + f" My key is {KEY} by mistake."
    result = run_skill(
        situation,
        backend=KeyedFake(responder=networking_responder()),
        today=date(2026, 1, 5),
        output_dir=tmp_path,
    )
    assert result.run_dir is not None
    files = run_dir_files(result.run_dir)
    assert set(files) == {".lock", "events.jsonl", "plan.json", "plan.md"}
    for name, text in files.items():
        assert KEY not in text, name
        assert "sk-ant-api03" not in text, name
    assert "[REDACTED]" in files["events.jsonl"] and "[REDACTED]" in files["plan.json"]


def test_redact_catches_key_shapes() -> None:
    assert redact(f"key={KEY}!") == "key=[REDACTED]!"
    assert redact("sk-ant-x") == "[REDACTED]"
    assert redact("no secrets here") == "no secrets here"


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    recorder = RunRecorder.create(tmp_path, skill_id="net", fingerprint="abcd1234")
    recorder.append(RunInterrupted())
    with recorder.events_path.open("a", encoding="utf-8") as handle:
        handle.write('{"type": "respon')
    assert [e["type"] for e in read_events(recorder.run_dir)] == ["run_interrupted"]


def test_folders_never_collide(tmp_path: Path) -> None:
    first = RunRecorder.create(tmp_path, skill_id="my skill/../x", fingerprint="00000000")
    second = RunRecorder.create(tmp_path, skill_id="my skill/../x", fingerprint="00000000")
    assert first.run_dir != second.run_dir
    assert first.run_dir.parent == tmp_path == second.run_dir.parent
    assert "/" not in first.run_dir.name.removeprefix(str(tmp_path))


def test_open_refuses_a_folder_without_events(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a net-skill run folder"):
        RunRecorder.open(tmp_path)


def test_default_runs_dir_honours_the_data_dir_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NET_SKILL_DATA_DIR", str(tmp_path))
    assert default_runs_dir() == tmp_path / "runs"
    monkeypatch.delenv("NET_SKILL_DATA_DIR")
    assert default_runs_dir().parts[-2:] == ("net-skill", "runs")


def test_events_are_written_as_they_happen(tmp_path: Path) -> None:
    seen: list[int] = []
    recorder_dir: list[Path] = []

    def respond(request: Any) -> Any:
        runs = list(tmp_path.iterdir())
        if runs:
            recorder_dir[:] = runs
            lines = (runs[0] / "events.jsonl").read_text().splitlines()
            seen.append(len(lines))
        return networking_responder()(request)

    run_skill(
        SITUATION,
        backend=FakeBackend(responder=respond),
        today=date(2026, 1, 5),
        output_dir=tmp_path,
        max_concurrency=1,
    )
    assert recorder_dir and seen == sorted(seen) and seen[0] >= 2
    assert seen[-1] > seen[0]
    assert json.loads((recorder_dir[0] / "events.jsonl").read_text().splitlines()[0])
