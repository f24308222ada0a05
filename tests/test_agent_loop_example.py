"""`examples/agent_loop.py` end to end: the real anthropic SDK over a fake HTTP layer (the
responses built by `tests.fake_anthropic`), net-skill on a `FakeBackend`."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import anthropic
import httpx2
import pytest

from net_skill.backends.fake import FakeBackend
from net_skill.situation import MAX_SITUATION_CHARS
from net_skill.skills.networking import NetworkingPlan
from tests.fake_anthropic import FAKE_API_KEY, message_response, tool_use_response
from tests.plan_factory import SITUATION
from tests.test_runner_fakes import networking_responder

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "agent_loop.py"


@pytest.fixture(scope="module")
def agent_loop() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("agent_loop_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


class FakeMessagesAPI:
    """A synchronous mock transport playing scripted responses and recording request bodies."""

    def __init__(self, *responses: httpx2.Response) -> None:
        self.responses = list(responses)
        self.bodies: list[dict[str, Any]] = []

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(json.loads(request.content))
        if not self.responses:
            return httpx2.Response(400, json={"type": "error", "error": {"type": "exhausted"}})
        return self.responses.pop(0)

    def client(self) -> anthropic.Anthropic:
        http = httpx2.Client(transport=httpx2.MockTransport(self.handle))
        return anthropic.Anthropic(api_key=FAKE_API_KEY, http_client=http, max_retries=0)


def tool_result_blocks(body: dict[str, Any]) -> list[dict[str, Any]]:
    last = body["messages"][-1]
    assert last["role"] == "user"
    return [block for block in last["content"] if block["type"] == "tool_result"]


def test_agent_loop_runs_the_skill_and_returns_the_plan(agent_loop: ModuleType) -> None:
    api = FakeMessagesAPI(
        tool_use_response(
            "run_net",
            {"situation": SITUATION, "today": "2026-11-25"},
            text="Let me build a plan.",
            tool_use_id="toolu_plan1",
        ),
        message_response("Start with Dana Okafor this week."),
    )
    backend = FakeBackend(responder=networking_responder())
    result = agent_loop.run_agent(
        "Help me network into product management. " + SITUATION,
        client=api.client(),
        backend=backend,
        record=False,
    )
    assert result.text == "Start with Dana Okafor this week."
    assert result.stop_reason == "end_turn"
    assert len(api.bodies) == 2 and len(backend.calls) == 8

    first = api.bodies[0]
    assert [tool["name"] for tool in first["tools"]] == ["run_net"]
    schema = first["tools"][0]["input_schema"]
    assert schema["required"] == ["situation"]
    assert schema["properties"]["situation"]["maxLength"] == MAX_SITUATION_CHARS

    second = api.bodies[1]
    assistant = second["messages"][1]
    assert assistant["role"] == "assistant"
    assert [block["type"] for block in assistant["content"]] == ["text", "tool_use"]
    (tool_result,) = tool_result_blocks(second)
    assert tool_result["tool_use_id"] == "toolu_plan1"
    assert tool_result["is_error"] is False
    plan = NetworkingPlan.model_validate_json(tool_result["content"])
    assert plan.situation == SITUATION and plan.today == date(2026, 11, 25)
    assert plan.audit.contacts[0].name == "Dana Okafor"
    assert plan.schedule  # dates computed in code made it into the tool result


def test_agent_loop_feeds_a_bad_tool_call_back_as_an_error(agent_loop: ModuleType) -> None:
    api = FakeMessagesAPI(
        tool_use_response("run_net", {"situation": "   "}, tool_use_id="toolu_empty"),
        message_response("Could you tell me more about your situation?"),
    )
    backend = FakeBackend(responder=networking_responder())
    result = agent_loop.run_agent("Help me network", client=api.client(), backend=backend)
    assert result.text == "Could you tell me more about your situation?"
    assert backend.calls == []
    (tool_result,) = tool_result_blocks(api.bodies[1])
    assert tool_result["is_error"] is True
    error = json.loads(tool_result["content"])
    assert error["error"] == "invalid_input" and "situation is empty" in error["message"]


def test_agent_loop_stops_after_max_turns(agent_loop: ModuleType) -> None:
    call = tool_use_response("run_net", {"situation": SITUATION})
    again = tool_use_response("run_net", {"situation": SITUATION})
    api = FakeMessagesAPI(call, again)
    backend = FakeBackend(responder=networking_responder())
    with pytest.raises(RuntimeError, match="2 turns"):
        agent_loop.run_agent(
            "Help", client=api.client(), backend=backend, max_turns=2, record=False
        )
    assert len(api.bodies) == 2
