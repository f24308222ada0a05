"""A small Claude agent that can call the networking skill as a tool.

    ANTHROPIC_API_KEY=... python examples/agent_loop.py "I'm a data analyst moving into PM ..."

Claude decides when to call the tool; net-skill runs the eight-step skill (on Claude too, or on
the embedded model when no key is set, or on any `Backend` you pass) and hands the typed plan
back as the `tool_result`. The loop goes on until Claude ends its turn.

`run_agent` takes the Anthropic client and the net-skill backend as arguments, so tests (and
your own code) can pass a client over a fake HTTP transport and a `FakeBackend`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import anthropic
from anthropic.types import MessageParam, ToolParam, ToolResultBlockParam

from net_skill import Backend, Skill, handle_tool_use, load_skill, tool_definition

MODEL = "claude-sonnet-5"
MAX_TOKENS = 2048
SYSTEM = (
    "You are a thoughtful career coach. When the user describes their professional situation "
    "and wants help with networking, call the networking tool with their situation in their "
    "own words, then summarise the plan it returns: the first three actions and the dates. "
    "Never invent people: mention only people the user named."
)


@dataclass
class AgentResult:
    text: str
    """Claude's final answer (its text blocks, joined)."""
    stop_reason: str | None
    messages: list[MessageParam] = field(default_factory=list)
    """The whole conversation as sent to the API, tool results included."""
    tool_results: list[ToolResultBlockParam] = field(default_factory=list)


def run_agent(
    user_message: str,
    *,
    client: anthropic.Anthropic,
    backend: Backend | None = None,
    skill: Skill | str | Path | None = None,
    model: str = MODEL,
    max_turns: int = 4,
    record: bool = True,
) -> AgentResult:
    """Talk to Claude with the skill offered as a tool until it ends its turn."""
    loaded = load_skill(skill) if isinstance(skill, str | Path) else skill
    tools = [cast(ToolParam, tool_definition(loaded))]
    messages: list[MessageParam] = [{"role": "user", "content": user_message}]
    tool_results: list[ToolResultBlockParam] = []
    for _ in range(max_turns):
        response = client.messages.create(
            model=model,
            max_tokens=MAX_TOKENS,
            system=SYSTEM,
            tools=tools,
            messages=messages,
        )
        messages.append({"role": "assistant", "content": response.content})
        if response.stop_reason != "tool_use":
            text = "".join(block.text for block in response.content if block.type == "text")
            return AgentResult(text, response.stop_reason, messages, tool_results)
        results = [
            cast(
                ToolResultBlockParam,
                handle_tool_use(block, backend=backend, skill=loaded, record=record),
            )
            for block in response.content
            if block.type == "tool_use"
        ]
        tool_results.extend(results)
        messages.append({"role": "user", "content": results})
    raise RuntimeError(f"the agent did not finish within {max_turns} turns")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print('usage: python examples/agent_loop.py "your situation"', file=sys.stderr)
        return 2
    client = anthropic.Anthropic()  # reads ANTHROPIC_API_KEY from the environment
    result = run_agent(argv[0], client=client)
    print(result.text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
