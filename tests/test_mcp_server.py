"""The MCP server: `net-skill mcp` as a subprocess driven by the MCP SDK's own stdio client,
plus in-process checks of the scorer, the prompt and the progress relay."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.client import Client
from mcp.shared.exceptions import MCPError
from mcp_types import TextContent, TextResourceContents

from net_skill._resources import bundled_skill_path
from net_skill.backends.fake import FakeBackend
from net_skill.errors import ConfigurationError
from net_skill.eval.scoring import PlanScore
from net_skill.execute import ProgressEvent
from net_skill.mcp_server import ProgressRelay, build_server, load_served_skills
from net_skill.situation import MAX_SITUATION_CHARS
from net_skill.skills.generic import GenericPlan
from net_skill.skills.networking import NetworkingPlan
from tests.plan_factory import SITUATION, good_plan
from tests.test_runner_fakes import networking_responder

CMS_SKILL = "cms.SKILL.md"
TODAY = "2026-11-25"


def net_skill_command() -> list[str]:
    """The installed `net-skill` script next to this interpreter (the console entry point)."""
    script = Path(sys.executable).with_name("net-skill")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from net_skill.cli import main; main()"]


@asynccontextmanager
async def mcp_session(args: list[str], errlog: Path) -> AsyncIterator[ClientSession]:
    command, *prefix = net_skill_command()
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    params = StdioServerParameters(command=command, args=[*prefix, "mcp", *args], env=env)
    with errlog.open("w", encoding="utf-8") as err:
        async with (
            stdio_client(params, errlog=err) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


def text_of(result: Any) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


async def test_net_skill_mcp_over_stdio(tmp_path: Path, corpus_dir: Path) -> None:
    runs = tmp_path / "runs"
    errlog = tmp_path / "server-stderr.txt"
    args = ["--backend", "fake", "--skill", str(corpus_dir / CMS_SKILL), "--output", str(runs)]
    async with mcp_session(args, errlog) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert set(tools) == {"run_net", "score_net", "run_cms", "score_cms"}
        run_net = tools["run_net"]
        assert run_net.input_schema["required"] == ["situation"]
        assert run_net.input_schema["properties"]["situation"]["maxLength"] == MAX_SITUATION_CHARS
        assert run_net.output_schema is not None
        assert set(run_net.output_schema["properties"]) == set(NetworkingPlan.model_fields)
        assert "When to use it:" in (run_net.description or "")
        assert "Exploring new industries or roles" in (run_net.description or "")

        notified: list[tuple[float, float | None, str | None]] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            notified.append((progress, total, message))

        situation = "I am a data analyst moving into product management; I know Dana Okafor."
        result = await session.call_tool(
            "run_net", {"situation": situation, "today": TODAY}, progress_callback=on_progress
        )
        assert not result.is_error, text_of(result)
        structured = result.structured_content
        assert isinstance(structured, dict)
        jsonschema.validate(structured, run_net.output_schema)
        plan = NetworkingPlan.model_validate(structured)
        assert plan.situation == situation and plan.today.isoformat() == TODAY
        assert json.loads(text_of(result)) == structured  # the text block carries the same JSON
        assert [done for done, _, _ in notified] == list(range(1, 9))
        assert {total for _, total, _ in notified} == {8}
        assert notified[0][2] == "step 1 of 8 done: Define your networking purpose"
        run_folders = list(runs.iterdir())
        assert len(run_folders) == 1
        assert json.loads((run_folders[0] / "plan.json").read_text()) == structured

        for bad, expected in (
            ("   \n ", "the situation is empty"),
            ("x" * (MAX_SITUATION_CHARS + 1), f"the limit is {MAX_SITUATION_CHARS:,}"),
        ):
            refused = await session.call_tool("run_net", {"situation": bad})
            assert refused.is_error
            assert expected in text_of(refused) and "Traceback" not in text_of(refused)
            assert refused.structured_content is None
        wrong_date = await session.call_tool("run_net", {"situation": "hi", "today": "soon"})
        assert wrong_date.is_error and "YYYY-MM-DD" in text_of(wrong_date)

        generic = await session.call_tool("run_cms", {"situation": "Pick a battery MCU"})
        assert not generic.is_error, text_of(generic)
        assert tools["run_cms"].output_schema is not None
        jsonschema.validate(generic.structured_content, tools["run_cms"].output_schema)
        assert GenericPlan.model_validate(generic.structured_content).skill_id == "cms"

        scored = await session.call_tool("score_net", {"plan": structured})
        assert not scored.is_error, text_of(scored)
        assert tools["score_net"].output_schema is not None
        jsonschema.validate(scored.structured_content, tools["score_net"].output_schema)
        score = PlanScore.model_validate(scored.structured_content)
        assert score.skill_id == "net" and len(score.criteria) == 6

        resource = await session.read_resource("skill://net")
        contents = resource.contents[0]
        assert isinstance(contents, TextResourceContents)
        assert contents.text == bundled_skill_path().read_text(encoding="utf-8")
        assert contents.mime_type == "text/markdown"

        prompts = {p.name: p for p in (await session.list_prompts()).prompts}
        assert set(prompts) == {"net", "cms"}
        assert [(a.name, a.required) for a in prompts["net"].arguments or []] == [
            ("situation", True)
        ]
        prompt = await session.get_prompt("net", {"situation": "I want a mentor in robotics"})
        message = prompt.messages[0].content
        assert isinstance(message, TextContent)
        assert "**Input**: I want a mentor in robotics" in message.text
        assert "$ARGUMENTS" not in message.text
    assert "Traceback" not in errlog.read_text(encoding="utf-8")


def test_bad_skill_file_fails_before_serving(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    completed = subprocess.run(
        [*net_skill_command(), "mcp", "--backend", "fake", "--skill", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode != 0
    assert completed.stdout == ""
    assert "nope.md" in completed.stderr and "Traceback" not in completed.stderr


def test_two_skills_with_one_tool_name_are_refused(tmp_path: Path) -> None:
    copy = tmp_path / "again.md"
    copy.write_text(bundled_skill_path().read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="run_net"):
        load_served_skills([copy])


def fake_server() -> Any:
    return build_server(backend=FakeBackend(responder=networking_responder()), record=False)


async def test_scorer_refuses_bad_plans_with_clear_errors() -> None:
    async with Client(fake_server()) as client:
        not_a_plan = await client.call_tool("score_net", {"plan": {"skill_id": "net"}})
        assert not_a_plan.is_error
        assert "not a valid NetworkingPlan" in text_of(not_a_plan)
        other = good_plan().model_dump(mode="json") | {"skill_id": "cms"}
        wrong_skill = await client.call_tool("score_net", {"plan": other})
        assert wrong_skill.is_error and "score_cms" in text_of(wrong_skill)


async def test_scorer_runs_checks_and_optionally_the_judge() -> None:
    plan = good_plan().model_dump(mode="json")
    async with Client(fake_server()) as client:
        checks_only = await client.call_tool("score_net", {"plan": plan})
        assert not checks_only.is_error, text_of(checks_only)
        score = PlanScore.model_validate(checks_only.structured_content)
        assert score.judge_backend is None and score.scored_count > 0


async def test_run_tool_returns_the_runner_plan_in_process() -> None:
    async with Client(fake_server()) as client:
        result = await client.call_tool("run_net", {"situation": SITUATION, "today": TODAY})
        assert not result.is_error, text_of(result)
        plan = NetworkingPlan.model_validate(result.structured_content)
        assert plan.audit.contacts[0].name == "Dana Okafor"


async def test_prompt_refuses_an_empty_situation() -> None:
    async with Client(fake_server()) as client:
        with pytest.raises(MCPError, match="situation is empty"):
            await client.get_prompt("net", {"situation": "  "})


async def test_progress_relay_sends_finished_steps_in_order() -> None:
    sent: list[tuple[float, float | None, str | None]] = []

    async def report(done: float, total: float | None, message: str | None) -> None:
        await asyncio.sleep(0.001 * (3 - len(sent)))  # slower first sends must not reorder
        sent.append((done, total, message))

    def event(kind: Any, step: int | None, title: str) -> ProgressEvent:
        from net_skill.backends.base import Usage

        return ProgressEvent(kind=kind, step=step, title=title, elapsed_s=0.0, usage=Usage())

    relay = ProgressRelay(report, total=3)
    pump = asyncio.create_task(relay.pump())
    relay(event("run_started", None, "net"))
    relay(event("step_started", 1, "One"))
    relay(event("step_finished", 1, "One"))
    relay(event("step_retry", 2, "Two"))
    relay(event("step_finished", 2, "Two"))
    relay(event("step_finished", 3, "Three"))
    relay.close()
    await asyncio.wait_for(pump, timeout=5)
    assert sent == [
        (1, 3, "step 1 of 3 done: One"),
        (2, 3, "step 2 of 3 done: Two"),
        (3, 3, "step 3 of 3 done: Three"),
    ]


async def test_progress_relay_survives_a_failing_client() -> None:
    async def report(done: float, total: float | None, message: str | None) -> None:
        raise ConnectionError("client went away")

    relay = ProgressRelay(report, total=1)
    pump = asyncio.create_task(relay.pump())
    from net_skill.backends.base import Usage

    relay(ProgressEvent("step_finished", 1, "One", 0.0, Usage()))
    relay.close()
    await asyncio.wait_for(pump, timeout=5)
