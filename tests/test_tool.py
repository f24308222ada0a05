"""The Anthropic tool: its definition, and the handler turning `tool_use` into `tool_result`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from anthropic.types import ToolUseBlock

from net_skill.backends.fake import FakeBackend
from net_skill.errors import BackendError, ConfigurationError, InputError
from net_skill.loader import load_bundled_skill, parse_skill
from net_skill.situation import MAX_CONTACTS_CHARS, MAX_SITUATION_CHARS
from net_skill.skill import Skill
from net_skill.skills.generic import GenericPlan
from net_skill.skills.networking import NetworkingPlan
from net_skill.tool import (
    TOOL_NAME_RE,
    ahandle_tool_use,
    handle_tool_use,
    parse_tool_input,
    tool_definition,
    tool_name,
)
from tests.plan_factory import SITUATION
from tests.test_runner_fakes import networking_responder

TODAY = "2026-11-25"


def block(
    tool_input: Any, *, name: str = "run_net", tool_use_id: str = "toolu_1"
) -> dict[str, Any]:
    return {"type": "tool_use", "id": tool_use_id, "name": name, "input": tool_input}


def good_backend() -> FakeBackend:
    return FakeBackend(responder=networking_responder())


def error_of(result: dict[str, Any]) -> dict[str, Any]:
    assert result["type"] == "tool_result" and result["is_error"] is True
    payload: dict[str, Any] = json.loads(result["content"])
    assert set(payload) == {"error", "message"}
    assert "Traceback" not in payload["message"]
    return payload


def test_definition_of_the_bundled_skill() -> None:
    definition = tool_definition()
    assert set(definition) == {"name", "description", "input_schema"}
    assert definition["name"] == "run_net" and TOOL_NAME_RE.match(definition["name"])
    description = definition["description"]
    assert "genuine professional relationships" in description  # from the overview
    for use in load_bundled_skill().when_to_use:
        assert f"- {use}" in description
    schema = definition["input_schema"]
    assert schema["type"] == "object" and schema["required"] == ["situation"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["situation"]["maxLength"] == MAX_SITUATION_CHARS
    assert schema["properties"]["contacts"]["maxLength"] == MAX_CONTACTS_CHARS
    assert schema["properties"]["today"]["format"] == "date"
    assert set(schema["properties"]) == {"situation", "contacts", "today"}


def test_definition_of_another_skill(corpus_dir: Path) -> None:
    definition = tool_definition(corpus_dir / "cms.SKILL.md")
    assert definition["name"] == "run_cms"
    assert "Component Selection" in definition["description"]


@pytest.mark.parametrize("skill_id", ["net", "Ünïcode / weird: id!", "x" * 200, "///"])
def test_tool_names_are_always_valid(skill_id: str) -> None:
    skill = Skill(id=skill_id, name="n", description="d", source="", body="")
    name = tool_name(skill)
    assert TOOL_NAME_RE.match(name), name
    assert name.startswith("run_")


def test_definition_of_a_skill_without_when_to_use() -> None:
    text = (
        '---\nname: "Tiny: one step"\ndescription: Does one thing\n---\n'
        "## Steps\n### Step 1: Go\nDo it.\n## Verification\n- It went\n"
    )
    definition = tool_definition(parse_skill(text))
    assert TOOL_NAME_RE.match(definition["name"])
    assert "Does one thing" in definition["description"]
    assert "When to use it" not in definition["description"]
    assert "never invented" not in definition["description"]


async def test_handler_returns_the_plan_as_json() -> None:
    backend = good_backend()
    result = await ahandle_tool_use(
        block({"situation": SITUATION, "today": TODAY}), backend=backend, record=False
    )
    assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_1"
    assert result["is_error"] is False
    plan = NetworkingPlan.model_validate_json(result["content"])
    assert plan.today == date(2026, 11, 25) and plan.situation == SITUATION
    assert len(backend.calls) == 8


def test_sync_handler_takes_an_sdk_block_and_records(tmp_path: Path) -> None:
    sdk_block = ToolUseBlock(
        type="tool_use", id="toolu_sdk", name="run_net", input={"situation": SITUATION}
    )
    result = handle_tool_use(sdk_block, backend=good_backend(), output_dir=tmp_path)
    assert result["tool_use_id"] == "toolu_sdk" and result["is_error"] is False
    (run_dir,) = tmp_path.iterdir()
    saved = json.loads((run_dir / "plan.json").read_text(encoding="utf-8"))
    assert saved == json.loads(result["content"])


async def test_contacts_reach_the_run() -> None:
    backend = good_backend()
    contacts = "Zed Quill, recruiter at Initech"
    result = await ahandle_tool_use(
        block({"situation": SITUATION, "contacts": contacts}), backend=backend, record=False
    )
    assert result["is_error"] is False
    assert contacts in backend.calls[0].system


async def test_other_skills_return_a_generic_plan(corpus_dir: Path) -> None:
    skill = corpus_dir / "cms.SKILL.md"
    result = await ahandle_tool_use(
        block({"situation": "Pick an MCU"}, name="run_cms"),
        backend=FakeBackend(),
        skill=skill,
        record=False,
    )
    assert result["is_error"] is False, result["content"]
    assert GenericPlan.model_validate_json(result["content"]).skill_id == "cms"


@pytest.mark.parametrize(
    ("tool_input", "expected"),
    [
        ({"situation": ""}, "situation is empty"),
        ({"situation": " \n\t "}, "situation is empty"),
        ({"situation": "x" * (MAX_SITUATION_CHARS + 1)}, f"limit is {MAX_SITUATION_CHARS:,}"),
        ({}, "missing required input field 'situation'"),
        ({"situation": 42}, "'situation' must be a string, not a number"),
        ({"situation": "hi", "contacts": ["a"]}, "'contacts' must be a string, not an array"),
        ({"situation": "hi", "today": "next week"}, "'today' must be a date as YYYY-MM-DD"),
        ({"situation": "hi", "mood": "good"}, "unknown input field(s): mood"),
        ("I am a data analyst", "must be a JSON object, not a string"),
        (None, "must be a JSON object, not null"),
    ],
)
async def test_bad_input_becomes_an_error_result(tool_input: Any, expected: str) -> None:
    backend = good_backend()
    result = await ahandle_tool_use(block(tool_input), backend=backend, record=False)
    payload = error_of(result)
    assert payload["error"] == "invalid_input"
    assert expected in payload["message"]
    assert result["tool_use_id"] == "toolu_1"
    assert backend.calls == []


async def test_unknown_tool_name_is_an_error_result() -> None:
    result = await ahandle_tool_use(block({"situation": "hi"}, name="run_other"), record=False)
    assert "unknown tool 'run_other'" in error_of(result)["message"]


async def test_backend_failure_is_an_error_result() -> None:
    backend = FakeBackend(responder=lambda request: BackendError("overloaded after 4 attempts"))
    result = await ahandle_tool_use(block({"situation": SITUATION}), backend=backend, record=False)
    payload = error_of(result)
    assert payload == {"error": "backend_error", "message": "overloaded after 4 attempts"}


async def test_output_that_never_validates_is_an_error_result() -> None:
    backend = FakeBackend(responder=lambda request: "not json")
    result = await ahandle_tool_use(
        block({"situation": SITUATION}), backend=backend, record=False, strict=True
    )
    payload = error_of(result)
    assert payload["error"] == "output_invalid" and "failed validation" in payload["message"]


async def test_a_recorded_failure_names_the_run_folder(tmp_path: Path) -> None:
    backend = FakeBackend(responder=lambda request: "not json")
    result = await ahandle_tool_use(
        block({"situation": SITUATION}), backend=backend, output_dir=tmp_path, strict=True
    )
    payload = error_of(result)
    assert payload["error"] == "run_aborted"
    assert str(next(tmp_path.iterdir())) in payload["message"]


async def test_unexpected_errors_are_reported_without_a_traceback() -> None:
    def broken(request: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    result = await ahandle_tool_use(
        block({"situation": SITUATION}), backend=FakeBackend(responder=broken), record=False
    )
    payload = error_of(result)
    assert payload == {
        "error": "internal_error",
        "message": "step 1: unexpected ZeroDivisionError: division by zero",
    }


@pytest.mark.parametrize(
    "bad_block",
    [
        {"type": "text", "text": "hi"},
        {"type": "tool_use", "name": "run_net", "input": {}},
        "tool_use",
    ],
)
async def test_a_block_without_a_tool_use_id_raises(bad_block: Any) -> None:
    with pytest.raises(InputError, match="tool_use block"):
        await ahandle_tool_use(bad_block, backend=good_backend(), record=False)


async def test_sync_handler_refuses_a_running_loop() -> None:
    with pytest.raises(ConfigurationError, match="ahandle_tool_use"):
        handle_tool_use(block({"situation": SITUATION}), backend=good_backend(), record=False)


def test_parse_tool_input_cleans_and_types() -> None:
    parsed = parse_tool_input(
        {"situation": "  I am\u202e here  ", "contacts": None, "today": " 2026-01-02 "}
    )
    assert parsed.situation == "I am here"
    assert parsed.contacts is None and parsed.today == date(2026, 1, 2)
